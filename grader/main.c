/*
 * main.c -- the grader's command line.
 *
 *   grader [--root DIR] [--src DIR] [--json FILE] [--junit FILE] [--seed N] [--work DIR]
 *          [--verbose] [--checks LIST] [--stream FILE] [--gradescope FILE] EXERCISE...
 *
 * For drill mode: --checks build,functional grades only those checks (the
 * fast ones first); the default is every check of the rubric.  --stream
 * writes each test's outcome to FILE as one JSON line when it is known.
 * --any-call lifts the rubrics' allow lists of calls, and only them: the
 * project's own tests use it to prove the run-time layers on submissions
 * that the allow list would refuse first.
 *
 * --gradescope writes Gradescope's results.json (instructors/gradescope).
 *
 * Exit status: 0 whenever grading ran to the end, whatever the score;
 * 2 when the grader itself could not work (bad arguments, a tool missing,
 * a broken rubric, a ThreadSanitizer that cannot start) or the machine
 * failed a run (out of memory), with a message that says what to do.
 *
 * Under GitHub Actions ($GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY set) it also
 * leaves the Classroom reporter its results and the job a summary table:
 * before grading, an "error" result for every exercise, replaced by the
 * real one as each exercise is graded, so Classroom always shows a grade.
 */
#include "build.h"
#include "cpu_quota.h"
#include "environment.h"
#include "github.h"
#include "grade.h"
#include "grader.h"
#include "gradescope.h"
#include "isolation.h"
#include "junit.h"
#include "machine.h"
#include "report.h"
#include "results.h"
#include "run.h"
#include "summary.h"
#include "util.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
    "usage: grader [--root DIR] [--src DIR] [--json FILE] [--junit FILE] [--seed N]\n"
    "              [--work DIR] [--verbose] [--checks build,functional,...]\n"
    "              [--stream FILE] [--gradescope FILE] EXERCISE...\n"
    "Normally run as: make grade [EX=\"balance deadlock\"] [SRC=dir] [JSON=file] [JUNIT=file]\n"
    "                            [SEED=n]\n";

static bool on_path(const char *tool)
{
	const char *path = getenv("PATH");
	char *copy = xstrdup(path ? path : "/usr/bin:/bin");
	bool found = false;
	for (char *dir = strtok(copy, ":"); dir && !found; dir = strtok(NULL, ":")) {
		char *file = path_join(dir, tool);
		found = access(file, X_OK) == 0;
		free(file);
	}
	free(copy);
	return found;
}

static int check_tools(void)
{
	static const struct {
		const char *tool, *package;
	} needed[] = {{"gcc", "build-essential"}, {"clang", "clang"}, {"valgrind", "valgrind"},
	              {"objcopy", "binutils"},    {"nm", "binutils"}, {"addr2line", "binutils"}};
	int missing = 0;
	for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++) {
		if (on_path(needed[i].tool))
			continue;
		fprintf(stderr,
		        "grader: %s not found; install it with: sudo apt-get install -y %s\n",
		        needed[i].tool, needed[i].package);
		missing++;
	}
	return missing;
}

/* "build,functional" as a set of 1u << enum check_kind; 0 if a word is
 * not a check's name. */
static unsigned parse_checks(const char *list)
{
	unsigned set = 0;
	char *copy = xstrdup(list);
	for (char *word = strtok(copy, ","); word; word = strtok(NULL, ",")) {
		unsigned bit = 0;
		for (int k = 0; k < CHECK_COUNT; k++)
			if (strcmp(word, check_name((enum check_kind)k)) == 0)
				bit = 1u << k;
		if (!bit) {
			set = 0;
			break;
		}
		set |= bit;
	}
	free(copy);
	return set;
}

/* Where the results go besides the terminal. */
struct outputs {
	const char *json, *junit, *gradescope;
};

static const char *from_env(const char *name)
{
	const char *value = getenv(name);
	return value && *value ? value : NULL;
}

/* Writes every report asked for; 2 if any could not be written, or if the
 * machine failed a run (the instructor must see it). */
static int write_outputs(const struct outputs *out, const struct results *r, const char *root,
                         const char *src, const char *const *exercises, int count)
{
	char err[4608] = "";
	const char *step_summary = from_env("GITHUB_STEP_SUMMARY");
	int failed =
	    (out->json && results_write_json(r, out->json, err, sizeof err)) ||
	    (out->junit && junit_write(r, exercises, count, src, out->junit, err, sizeof err)) ||
	    (out->gradescope && gradescope_write(r, root, out->gradescope, err, sizeof err)) ||
	    (step_summary &&
	     github_write_summary(r, exercises, count, step_summary, err, sizeof err));
	if (failed)
		fprintf(stderr, "grader: %s\n", err);
	size_t broken = results_count_kind(r, NULL, OUTCOME_ENVIRONMENT);
	if (broken)
		fprintf(stderr,
		        "grader: the machine failed %zu test%s (ERROR above): grade again "
		        "where it has the resources (README, \"Resources\")\n",
		        broken, broken == 1 ? "" : "s");
	return failed || broken ? 2 : 0;
}

/* Classroom's result for exercises, as an error with reason (they are not
 * graded, or not yet); Gradescope's file and the job summary say so too. */
static void not_graded(const struct outputs *out, const char *root, const char *const *exercises,
                       int count, const char *reason, bool stopped)
{
	char err[4608] = "";
	const char *github_output = from_env("GITHUB_OUTPUT");
	const char *step_summary = from_env("GITHUB_STEP_SUMMARY");
	if ((github_output &&
	     github_write_errors(root, exercises, count, reason, github_output, err, sizeof err)) ||
	    (stopped && step_summary &&
	     github_write_summary_stopped(reason, step_summary, err, sizeof err)) ||
	    (stopped && out->gradescope &&
	     gradescope_write_stopped(reason, out->gradescope, err, sizeof err)))
		fprintf(stderr, "grader: %s\n", err);
}

/* The exercise's real Classroom result, in place of its error. */
static void graded(const struct results *r, const char *src, const char *exercise)
{
	char err[4608] = "";
	const char *github_output = from_env("GITHUB_OUTPUT");
	if (github_output &&
	    github_write_outputs(r, &exercise, 1, src, github_output, err, sizeof err))
		fprintf(stderr, "grader: %s\n", err);
}

/* Creates the work folder (work, or ROOT/build/grade) and resolves it into
 * work_real; false, with a message, if it cannot. */
static bool make_work_folder(const char *work, const char *root_abs, char work_real[PATH_MAX])
{
	char *path = work ? xstrdup(work) : path_join(root_abs, "build/grade");
	/* What the grader writes (binaries, header, suppressions) must be readable
	 * by every job's sandbox user and writable by none of them. */
	umask(022);
	bool ok = make_dirs(path) == 0 && realpath(path, work_real);
	if (!ok)
		fprintf(stderr, "grader: cannot create the work folder %s\n", path);
	free(path);
	return ok;
}

/* Says when this machine cannot measure speedup: fewer than 2 usable CPUs. */
static void warn_cpus(void)
{
	char why[512];
	unsigned cpus = cpu_quota_usable(why, sizeof why);
	if (cpus >= 2)
		return;
	char text[1024];
	snprintf(text, sizeof text,
	         "only %u usable CPU (%s): tests that measure parallel speedup are left out of "
	         "the score here (0 of 0 points); give the grader 2 CPUs or more "
	         "(README, \"Resources\")",
	         cpus, why);
	report_warning(text);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {{"root", required_argument, NULL, 'r'},
	                                        {"src", required_argument, NULL, 's'},
	                                        {"json", required_argument, NULL, 'j'},
	                                        {"junit", required_argument, NULL, 'J'},
	                                        {"seed", required_argument, NULL, 'S'},
	                                        {"work", required_argument, NULL, 'w'},
	                                        {"verbose", no_argument, NULL, 'v'},
	                                        {"checks", required_argument, NULL, 'c'},
	                                        {"stream", required_argument, NULL, 'o'},
	                                        {"gradescope", required_argument, NULL, 'G'},
	                                        {"any-call", no_argument, NULL, 'A'},
	                                        {"help", no_argument, NULL, 'h'},
	                                        {NULL, 0, NULL, 0}};
	const char *root = ".", *work = NULL, *stream = NULL;
	struct outputs out = {0};
	struct grader_config cfg = {.src = "exercises", .seed = 0};
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'r':
			root = optarg;
			break;
		case 's':
			cfg.src = optarg;
			break;
		case 'j':
			out.json = optarg;
			break;
		case 'J':
			out.junit = optarg;
			break;
		case 'w':
			work = optarg;
			break;
		case 'v':
			cfg.verbose = true;
			break;
		case 'A':
			cfg.any_call = true;
			break;
		case 'c':
			cfg.checks = parse_checks(optarg);
			if (!cfg.checks) {
				fprintf(stderr, "grader: --checks takes names among %s, not '%s'\n",
				        check_names_listed(), optarg);
				return 2;
			}
			break;
		case 'o':
			stream = optarg;
			break;
		case 'G':
			out.gradescope = optarg;
			break;
		case 'S': {
			char *end;
			cfg.seed = strtoull(optarg, &end, 10);
			if (*end || cfg.seed == 0) {
				fprintf(stderr,
				        "grader: SEED must be a positive number, not '%s'\n",
				        optarg);
				return 2;
			}
			break;
		}
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind == argc) {
		fputs(usage, stderr);
		return 2;
	}
	char root_abs[PATH_MAX];
	if (!realpath(root, root_abs)) {
		fprintf(stderr, "grader: project folder %s not found\n", root);
		return 2;
	}
	cfg.root = root_abs;
	const char *const *exercises = (const char *const *)argv + optind;
	int count = argc - optind;
	not_graded(&out, root_abs, exercises, count,
	           "not graded: the grader stopped before grading this exercise (the Grade step's "
	           "log says why)",
	           false);
	char work_real[PATH_MAX];
	if (!make_work_folder(work, root_abs, work_real))
		return 2;
	cfg.work = work_real;
	/* cfg.src is "exercises" or getopt's optarg, never NULL */
	if (access(cfg.src, R_OK | X_OK) != 0) { // NOLINT(clang-analyzer-core.NonNullParamChecker)
		fprintf(stderr, "grader: submission folder '%s' not found (SRC=%s)\n", cfg.src,
		        cfg.src);
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		char *rubric = rubric_path(root_abs, argv[i]);
		bool known = access(rubric, R_OK) == 0;
		if (!known)
			fprintf(stderr, "grader: unknown exercise '%s' (no %s)\n", argv[i], rubric);
		free(rubric);
		if (!known)
			return 2;
	}
	if (check_tools()) {
		not_graded(&out, root_abs, exercises, count,
		           "not graded: a tool the grader needs is missing on the grading machine "
		           "(the Grade step's log names it)",
		           true);
		return 2;
	}
	if (stream && !(cfg.stream = fopen(stream, "w"))) {
		fprintf(stderr, "grader: cannot write %s\n", stream);
		return 2;
	}
	if (cfg.seed == 0)
		cfg.seed = (uint64_t)time(NULL) % 1000000 + 1;

	run_init();
	/* Before the first build: compiling disturbs another grader's timing. */
	if (machine_join("/tmp", MACHINE_MAX_WAIT) != 0)
		fprintf(stderr, "grader: WARNING: cannot open /tmp/concurrency-grader.*.lock: "
		                "timing checks are not kept apart from other gradings on this "
		                "machine\n");
	char err[8192] = "";
	if ((!cfg.checks || (cfg.checks & 1u << CHECK_TSAN)) &&
	    environment_check_tsan(&cfg, err, sizeof err) != 0) {
		fprintf(stderr, "grader: %s\n", err);
		not_graded(&out, root_abs, exercises, count, err, true);
		return 2;
	}
	report_init();
	char isolation[2048];
	isolation_choose(&cfg, isolation, sizeof isolation);
	report_header(cfg.src, (unsigned long long)cfg.seed, isolation);
	warn_cpus();
	struct results results = {.seed = cfg.seed};
	double start = monotonic_now();
	for (int i = 0; i < count; i++) {
		if (grade_exercise(&cfg, exercises[i], &results, err, sizeof err) != 0) {
			fprintf(stderr, "\ngrader: %s\n", err);
			not_graded(&out, root_abs, exercises + i, count - i, err, true);
			results_free(&results);
			return 2;
		}
		graded(&results, cfg.src, exercises[i]);
	}
	results.seconds = monotonic_now() - start;
	report_summary(&results, exercises, count);
	int rc = write_outputs(&out, &results, root_abs, cfg.src, exercises, count);
	results_free(&results);
	if (cfg.stream)
		fclose(cfg.stream);
	return rc;
}
