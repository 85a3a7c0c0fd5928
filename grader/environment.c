/*
 * environment.c -- faults of the grading machine, told apart from the
 * student's.
 *
 * ThreadSanitizer maps its shadow memory at fixed addresses; where the
 * kernel randomises mmap addresses over more bits than the installed clang
 * expects (vm.mmap_rnd_bits above 28 with clang before 18), every program
 * built with it dies at start ("FATAL: ThreadSanitizer: unexpected memory
 * mapping", or a crash), before any test runs.  A probe program finds that out
 * once, before grading, instead of every tsan check failing as a race.
 *
 * A test that fails while the kernel's out-of-memory killer ends processes
 * (its run dies of SIGKILL, or the grading job itself vanishes) failed for
 * the machine's want of memory: the kernel's count of such kills, read
 * before and after the job, tells.  A submission that eats memory within
 * its limits can cause that too; it earns nothing either way, and the
 * instructor sees the run flagged rather than a silent zero.
 */
#include "environment.h"

#include "build.h"
#include "run.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char probe_source[] = "#include <pthread.h>\n"
                                   "static void *run(void *arg) { return arg; }\n"
                                   "int main(void)\n"
                                   "{\n"
                                   "\tpthread_t t;\n"
                                   "\tif (pthread_create(&t, 0, run, 0) != 0)\n"
                                   "\t\treturn 1;\n"
                                   "\treturn pthread_join(t, 0);\n"
                                   "}\n";

static int write_probe(const char *path)
{
	FILE *f = fopen(path, "w");
	int rc = f && fputs(probe_source, f) >= 0 ? 0 : -1;
	if (f && fclose(f) != 0)
		rc = -1;
	return rc;
}

/* The first lines of a tool's output, for a message. */
static void first_lines(const char *output, char *buf, size_t len)
{
	const char *end = output ? output : "";
	for (int lines = 0; *end && lines < 5; lines++)
		end += strcspn(end, "\n") + (end[strcspn(end, "\n")] == '\n');
	snprintf(buf, len, "%.*s", (int)(end - (output ? output : "")), output ? output : "");
}

/* vm.mmap_rnd_bits, or 0 where the kernel does not say. */
static int mmap_rnd_bits(void)
{
	FILE *f = fopen("/proc/sys/vm/mmap_rnd_bits", "r");
	int bits = 0;
	if (f && fscanf(f, "%d", &bits) != 1)
		bits = 0;
	if (f)
		fclose(f);
	return bits;
}

/* Builds the probe once per work folder: running it is what tells. */
static int build_probe(const char *dir, const char *source, const char *binary, char *err,
                       size_t errlen)
{
	if (make_dirs(dir) != 0 || write_probe(source) != 0) {
		snprintf(err, errlen, "cannot write the ThreadSanitizer probe in %s", dir);
		return -1;
	}
	char *compile[] = {"clang", "-fsanitize=thread", "-O1", "-pthread", (char *)source,
	                   "-o",    (char *)binary,      NULL};
	char *output = NULL, head[1024];
	int status = run_tool(compile, 60, &output);
	first_lines(output, head, sizeof head);
	free(output);
	if (status != 0)
		snprintf(
		    err, errlen,
		    "clang cannot build a program with -fsanitize=thread here (%s):\n%s"
		    "Install clang with its ThreadSanitizer runtime (sh grader/install-deps.sh).",
		    source, head);
	return status == 0 ? 0 : -1;
}

/* Runs the built probe; -1 with the reason and the fix in err if it fails. */
static int run_probe(char *binary, char *err, size_t errlen)
{
	char *output = NULL, head[1024];
	char *run[] = {binary, NULL};
	int status = run_tool(run, 60, &output);
	first_lines(output, head, sizeof head);
	free(output);
	if (status == 0)
		return 0;
	int bits = mmap_rnd_bits();
	int n =
	    snprintf(err, errlen,
	             "ThreadSanitizer cannot start on this machine (%s fails), so no submission "
	             "can be graded fairly: every tsan check would fail as if it had a race.\n%s",
	             binary, head);
	if (n >= 0 && (size_t)n < errlen && bits > 28)
		snprintf(
		    err + n, errlen - (size_t)n,
		    "The kernel randomises mmap addresses over %d bits (vm.mmap_rnd_bits), more "
		    "than this clang's ThreadSanitizer allows.  Fix the machine: sudo sysctl -w "
		    "vm.mmap_rnd_bits=28 (or run the grader under setarch $(uname -m) -R where "
		    "the sysctl is not allowed), then grade again.",
		    bits);
	else if (n >= 0 && (size_t)n < errlen)
		snprintf(
		    err + n, errlen - (size_t)n,
		    "Fix the machine (clang's ThreadSanitizer runtime, or address randomisation: "
		    "sudo sysctl -w vm.mmap_rnd_bits=28), then grade again.");
	return -1;
}

int environment_check_tsan(const struct grader_config *cfg, char *err, size_t errlen)
{
	char *dir = path_join(cfg->work, "probe");
	char *source = path_join(dir, "tsan_probe.c");
	char *binary = path_join(dir, "tsan_probe");
	int rc = access(binary, X_OK) == 0 ? 0 : build_probe(dir, source, binary, err, errlen);
	if (rc == 0)
		rc = run_probe(binary, err, errlen);
	free(binary);
	free(source);
	free(dir);
	return rc;
}

unsigned long environment_oom_kills(void)
{
	FILE *f = fopen("/proc/vmstat", "r");
	char line[256];
	unsigned long kills = 0;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "oom_kill %lu", &kills) == 1)
			break;
	if (f)
		fclose(f);
	return kills;
}

bool environment_out_of_memory(unsigned long kills_before, struct text *why)
{
	unsigned long kills = environment_oom_kills();
	if (kills <= kills_before)
		return false;
	text_printf(why,
	            "the grading machine ran out of memory during this test: the kernel's "
	            "out-of-memory killer ended processes (its count of such kills went from %lu "
	            "to %lu), so this verdict is the machine's, not one on your code.  The "
	            "instructor grades it again on a machine with more memory (README, "
	            "\"Resources\").\n",
	            kills_before, kills);
	return true;
}
