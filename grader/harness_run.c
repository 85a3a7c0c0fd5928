/*
 * harness_run.c -- runs harness tests the way protocol.h says.
 *
 * A graded run gets a constant argv and an environment with nothing of the
 * grader's in it; what it must know (key, test, seed, scale, stretch)
 * travels on the configuration pipe, which the harness drains and closes
 * before the student's code runs.  The key is fresh for every run.
 */
#include "harness_run.h"

#include "jobuid.h"
#include "memcheck.h"
#include "run_limits.h"
#include "runlogs.h"
#include "symbolize.h"
#include "text.h"
#include "util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* Exit statuses that say the tool found errors, whatever became of its log:
 * the run owns its folder, so it could remove the log. */
enum { TSAN_EXIT = 66, VALGRIND_EXIT = 99 };

const struct harness_test *graded_find_test(const struct graded_exercise *g, const char *name)
{
	for (size_t i = 0; i < g->ntests; i++)
		if (strcmp(g->tests[i].name, name) == 0)
			return &g->tests[i];
	return NULL;
}

int harness_list(struct graded_exercise *g, char *err, size_t errlen)
{
	char *argv[] = {g->build->binary[VARIANT_DEBUG], PROTOCOL_LIST_FLAG, NULL};
	char *out = NULL;
	/* The binary holds the student's code: untrusted, it reads only its folder. */
	char *dir = folder_of(argv[0]);
	const char *readable[] = {dir, NULL}, *writable[] = {NULL};
	int status = run_untrusted_tool(argv, readable, writable, 30, &out);
	free(dir);
	g->ntests = 0;
	char *save = NULL;
	for (char *line = strtok_r(out, "\n", &save);
	     status == 0 && line && g->ntests < MAX_HARNESS_TESTS;
	     line = strtok_r(NULL, "\n", &save)) {
		struct harness_test *t = &g->tests[g->ntests];
		if (sscanf(line, "%127s %lf", t->name, &t->seconds) == 2 && t->seconds > 0)
			g->ntests++;
	}
	free(out);
	if (status != 0)
		snprintf(err, errlen, "%s: the harness would not list its tests", g->exercise);
	return status == 0 ? 0 : -1;
}

/* How much longer a run may take in each tool than natively. */
static double tool_factor(const struct rubric_test *t)
{
	if (t->check == CHECK_HELGRIND || t->check == CHECK_MEMCHECK)
		return 8;
	return t->variant == VARIANT_TSAN ? 4 : 1;
}

/* The watchdog's stretch for this run: the rubric's timeout, if it sets
 * one, replaces the harness's native limit times the tool's factor. */
static double stretch(const struct rubric_test *t, const struct harness_test *h)
{
	return t->timeout > 0 ? t->timeout / h->seconds : tool_factor(t);
}

/* A fresh key: PROTOCOL_KEY_BYTES from the kernel, in hex.  Without
 * getrandom there is no key worth the name, and the run must not count. */
static bool make_key(char *key, size_t len)
{
	unsigned char bytes[PROTOCOL_KEY_BYTES];
	if (len < 2 * sizeof bytes + 1 ||
	    getrandom(bytes, sizeof bytes, 0) != (ssize_t)sizeof bytes)
		return false;
	for (size_t i = 0; i < sizeof bytes; i++)
		snprintf(key + 2 * i, 3, "%02x", bytes[i]);
	explicit_bzero(bytes, sizeof bytes);
	return true;
}

/* The configuration the harness reads on its pipe. */
static char *run_config(const struct graded_exercise *g, const struct rubric_test *t,
                        const struct harness_test *h, const char *key)
{
	struct text config = {0};
	text_printf(&config, CONFIG_KEY " %s\n" CONFIG_TEST " %s\n" CONFIG_SEED " %llu\n", key,
	            h->name, (unsigned long long)g->cfg->seed);
	text_printf(&config, CONFIG_STRETCH " %g\n", stretch(t, h));
	if (t->scale > 0)
		text_printf(&config, CONFIG_SCALE " %g\n", t->scale);
	if (t->schedules > 0)
		text_printf(&config, CONFIG_SCHEDULES " %u\n", t->schedules);
	return text_take(&config);
}

/* The run's whole environment: nothing of the grader's leaks in (no
 * VALGRIND_OPTS); HOME is empty and unwritable, temporary files go to the
 * run's own folder, removed after it. */
static void run_environment(const char *home, const char *run_dir, char *env[])
{
	size_t n = 0;
	env[n++] = text_format("PATH=/usr/local/bin:/usr/bin:/bin");
	env[n++] = text_format("LANG=C");
	env[n++] = text_format("HOME=%s", home);
	/* Temporary files (Valgrind's TMPDIR, Check's TEMP) go in the run
	 * folder: it is the only one the run may write under Landlock. */
	env[n++] = text_format("TMPDIR=%s", run_dir);
	env[n++] = text_format("TEMP=%s", run_dir);
	/* symbolize=0: exec is denied in the run; the grader symbolizes. */
	env[n++] = text_format(
	    "TSAN_OPTIONS=log_path=%s/tsan symbolize=0 halt_on_error=0 report_signal_unsafe=1 "
	    "second_deadlock_stack=1 detect_deadlocks=1 history_size=4 report_thread_leaks=0 "
	    "max_allocation_size_mb=%d allocator_may_return_null=1 hard_rss_limit_mb=%d "
	    "atexit_sleep_ms=0 exitcode=%d",
	    run_dir, LIMIT_TSAN_ALLOCATION_MB, LIMIT_TSAN_RSS_MB, TSAN_EXIT);
	env[n] = NULL;
}

static void free_strings(char *strings[])
{
	for (char **s = strings; *s; s++)
		free(*s);
}

/* argv for Valgrind (Helgrind or Memcheck): Valgrind's options, the tool's,
 * the rubric's, then the binary.  The log goes to TOOL.PID in the run
 * folder, one per process. */
static void valgrind_argv(const struct graded_exercise *g, const struct rubric_test *t,
                          const char *binary, const char *run_dir, char *argv[], size_t max)
{
	const char *tool = check_name(t->check);
	size_t n = 0;
	argv[n++] = text_format("valgrind");
	argv[n++] = text_format("--tool=%s", tool);
	argv[n++] = text_format("--error-exitcode=%d", VALGRIND_EXIT);
	/* no ~/.valgrindrc, ./.valgrindrc or $VALGRIND_OPTS */
	argv[n++] = text_format("--command-line-only=yes");
	argv[n++] = text_format("--fullpath-after=");
	argv[n++] = text_format("--vgdb=no"); /* no gdbserver FIFOs: Landlock forbids them */
	/* Valgrind runs one thread at a time; without a fair lock a spinning
	 * thread can starve the others for seconds (a test that waits for its
	 * threads to overlap then hangs). */
	argv[n++] = text_format("--fair-sched=yes");
	argv[n++] = text_format("--log-file=%s/%s.%%p", run_dir, tool);
	if (t->check == CHECK_HELGRIND)
		argv[n++] =
		    text_format("--suppressions=%s/%s/helgrind.supp", g->cfg->work, g->exercise);
	else
		n = memcheck_options(argv, n);
	for (char **o = t->valgrind; o && *o && n < max - 2; o++)
		argv[n++] = text_format("%s", *o);
	argv[n++] = text_format("%s", binary);
	argv[n] = NULL;
}

void harness_run_test(const struct graded_exercise *g, const struct rubric_test *t,
                      const struct harness_test *h, const char *run_dir, struct harness_run *out)
{
	memset(out, 0, sizeof *out);
	const char *binary = g->build->binary[t->variant];
	char key[2 * PROTOCOL_KEY_BYTES + 1];
	if (!make_key(key, sizeof key)) {
		out->result.output = text_format("grader: no random key: getrandom() failed\n");
		out->result.verdicts = text_format("%s", "");
		verdict_parse("", "?", h->name, &out->verdict);
		out->tool_log = text_format("%s", "");
		out->log_notes = text_format("%s", "");
		return;
	}
	char *config = run_config(g, t, h, key);
	char *env[12];
	run_environment(g->home, run_dir, env);
	char *argv[32];
	bool valgrind = t->check == CHECK_HELGRIND || t->check == CHECK_MEMCHECK;
	if (valgrind)
		valgrind_argv(g, t, binary, run_dir, argv, sizeof argv / sizeof argv[0]);
	else
		argv[0] = text_format("%s", binary), argv[1] = NULL;
	/* ThreadSanitizer reserves terabytes of address space: its own limits
	 * (TSAN_OPTIONS) bound its memory instead. */
	/* Landlock: the binary's folder and the suppressions; the run folder. */
	char *binary_dir = folder_of(binary);
	char *suppressions = text_format("%s/%s/helgrind.supp", g->cfg->work, g->exercise);
	const char *readable[] = {binary_dir, suppressions, NULL};
	const char *writable[] = {run_dir, NULL};
	struct run_spec spec = {
	    .argv = argv,
	    .readable = readable,
	    .writable = writable,
	    .memory_limit = t->variant != VARIANT_TSAN ? LIMIT_ADDRESS_SPACE_BYTES : 0,
	    .env = env,
	    .cwd = run_dir,
	    .timeout = h->seconds * stretch(t, h) + 5,
	    .output_cap = LIMIT_OUTPUT_BYTES,
	    .verdict_channel = true,
	    .config = config,
	    .limit_resources = true,
	};
	run_command(&spec, &out->result);
	verdict_parse(out->result.verdicts, key, h->name, &out->verdict);
	unsigned uid, gid;
	jobuid_current(&uid, &gid);
	struct text notes = {0};
	if (t->check == CHECK_TSAN) {
		char *log = runlogs_read(run_dir, "tsan", uid, &notes);
		out->tool_log = tsan_symbolize(log, binary);
		free(log);
	} else if (valgrind)
		out->tool_log = runlogs_read(run_dir, check_name(t->check), uid, &notes);
	else
		out->tool_log = text_format("%s", "");
	out->log_notes = text_take(&notes);
	int tool_exit = t->check == CHECK_TSAN ? TSAN_EXIT : VALGRIND_EXIT;
	out->tool_found_errors = (t->check == CHECK_TSAN || valgrind) && out->result.exited &&
	                         out->result.exit_code == tool_exit;
	explicit_bzero(key, sizeof key);
	explicit_bzero(config, strlen(config));
	free(config);
	free_strings(argv);
	free_strings(env);
	free(suppressions);
	free(binary_dir);
}

void harness_run_free(struct harness_run *run)
{
	run_result_free(&run->result);
	verdict_free(&run->verdict);
	free(run->tool_log);
	free(run->log_notes);
	memset(run, 0, sizeof *run);
}
