/*
 * grade.c -- grades one exercise: build, then every test of its rubric.
 *
 * A rubric test names a check and a harness test; this file runs that
 * harness test in the right build (under Valgrind for Helgrind), reads the
 * verdict from the harness's own channel and the tool's log, and writes
 * what the student needs to see.  Nothing here knows any exercise by name.
 */
#include "grade.h"

#include "build.h"
#include "jobuid.h"
#include "pool.h"
#include "report.h"
#include "rules.h"
#include "run.h"
#include "rundir.h"
#include "runlogs.h"
#include "sanitizer.h"
#include "text.h"
#include "verdict.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

enum { OUTPUT_CAP = 64 * 1024, OUTPUT_TAIL_LINES = 15 };

/* Exit statuses by which the tools say they reported errors (TSAN_OPTIONS
 * exitcode, Valgrind's --error-exitcode). */
enum { TSAN_EXIT = 66, HELGRIND_EXIT = 99 };

/* Address space for runs without ThreadSanitizer: enough for any honest
 * harness run, natively or under Valgrind. */
#define NATIVE_MEMORY_LIMIT (4UL << 30)

struct harness_test {
	char name[128];
	double seconds;
};

/* How much longer a run may take in each tool than natively. */
static double tool_factor(const struct rubric_test *t)
{
	if (t->check == CHECK_HELGRIND)
		return 8;
	return t->variant == VARIANT_TSAN ? 4 : 1;
}

/* The watchdog's stretch for this run: the rubric's timeout, if it sets
 * one, replaces the harness's native limit times the tool's factor. */
static double stretch(const struct rubric_test *t, const struct harness_test *h)
{
	return t->timeout > 0 ? t->timeout / h->seconds : tool_factor(t);
}

struct context {
	const struct grader_config *cfg;
	const char *exercise;
	const struct build *build;
	struct harness_test tests[64];
	size_t ntests;
	char home[4096]; /* the runs' HOME: empty, nobody can write it (rundir.h) */
};

/* The harness's own list of tests, with their native time limits. */
static int list_tests(struct context *c, char *err, size_t errlen)
{
	char *argv[] = {c->build->binary[VARIANT_DEBUG], "--list", NULL};
	char *out = NULL;
	int status = run_tool(argv, 30, &out);
	c->ntests = 0;
	for (char *line = strtok(out, "\n"); status == 0 && line && c->ntests < 64;
	     line = strtok(NULL, "\n")) {
		struct harness_test *t = &c->tests[c->ntests];
		if (sscanf(line, "%127s %lf", t->name, &t->seconds) == 2)
			c->ntests++;
	}
	free(out);
	if (status != 0)
		snprintf(err, errlen, "%s: the harness would not list its tests", c->exercise);
	return status == 0 ? 0 : -1;
}

static const struct harness_test *find_test(const struct context *c, const char *name)
{
	for (size_t i = 0; i < c->ntests; i++)
		if (strcmp(c->tests[i].name, name) == 0)
			return &c->tests[i];
	return NULL;
}

static void make_nonce(char *nonce, size_t len)
{
	unsigned char bytes[12];
	if (getrandom(bytes, sizeof bytes, 0) != (ssize_t)sizeof bytes)
		for (size_t i = 0; i < sizeof bytes; i++)
			bytes[i] = (unsigned char)(rand() ^ (int)(monotonic_now() * 1e6));
	for (size_t i = 0; i < sizeof bytes && 2 * i + 2 < len; i++)
		snprintf(nonce + 2 * i, 3, "%02x", bytes[i]);
}

/* Replaces "addr:0x..." (code addresses the harness reports, relative to
 * the binary) with file:line in the student's file, via addr2line. */
static char *symbolize(const struct context *c, const char *binary, const char *text)
{
	struct text out = {0};
	const char *p = text;
	const char *hit;
	while ((hit = strstr(p, "addr:0x")) != NULL) {
		text_addn(&out, p, (size_t)(hit - p));
		unsigned long offset = strtoul(hit + 5, (char **)&p, 16);
		char address[32];
		snprintf(address, sizeof address, "%#lx", offset ? offset - 1 : 0);
		char *argv[] = {"addr2line", "-f", "-e", (char *)binary, address, NULL};
		char *where = NULL;
		run_tool(argv, 20, &where);
		char function[256] = "?", location[1024] = "?";
		if (where)
			sscanf(where, "%255s %1023s", function, location);
		char *colon = strrchr(location, ':');
		if (colon && strncmp(location, c->build->source, (size_t)(colon - location)) == 0)
			text_printf(&out, "%s:%d in %s()", c->build->shown_path, atoi(colon + 1),
			            function);
		else
			text_printf(&out, "%s", function);
		free(where);
	}
	text_add(&out, p);
	return text_take(&out);
}

static void explain_end(const struct run_result *r, struct text *out)
{
	char how[160];
	run_describe_end(r, how, sizeof how);
	text_printf(out, "the test did not finish: its process %s", how);
	if (r->timed_out)
		text_add(out, " (it hung: a deadlock, a lost wakeup or an endless loop)");
	else if (r->signal == SIGSEGV)
		text_add(out, " (a bad pointer or array index in your code)");
	else if (r->signal == SIGABRT)
		text_add(out, " (abort(): a failed assert, a double free, or a sanitizer)");
	else if (r->exited)
		text_add(out, ": something called exit() during the test; your functions must "
		              "return to their caller, not end the process");
	text_add(out, ".\n");
}

/* The last lines the program printed, as evidence. */
static void show_output_tail(const struct run_result *r, struct text *out)
{
	if (!r->output || !*r->output)
		return;
	const char *start = r->output + strlen(r->output);
	int lines = 0;
	while (start > r->output && lines <= OUTPUT_TAIL_LINES)
		if (*--start == '\n')
			lines++;
	text_printf(out, "its last output%s:\n%s%s", r->output_total > OUTPUT_CAP ? " (cut)" : "",
	            start, start[strlen(start) - 1] == '\n' ? "" : "\n");
}

/* The run's whole environment: nothing of the grader's leaks in (no
 * VALGRIND_OPTS); HOME is empty and unwritable, temporary files go to the
 * run's own folder, removed after it. */
static void run_environment(const struct context *c, const struct rubric_test *t,
                            const struct harness_test *h, const char *nonce, const char *run_dir,
                            char *env[])
{
	size_t n = 0;
	char scale[64] = "";
	if (t->scale > 0)
		snprintf(scale, sizeof scale, "HARNESS_SCALE=%g", t->scale);
	const char *fixed[] = {"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C",
	                       "HARNESS_VERDICT_FD=3", scale};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (*fixed[i])
			env[n++] = strdup(fixed[i]);
	if (asprintf(&env[n++], "HOME=%s", c->home) < 0 ||
	    asprintf(&env[n++], "TMPDIR=%s", run_dir) < 0 ||
	    asprintf(&env[n++], "HARNESS_SEED=%llu", (unsigned long long)c->cfg->seed) < 0 ||
	    asprintf(&env[n++], "HARNESS_NONCE=%s", nonce) < 0 ||
	    asprintf(&env[n++], "HARNESS_TIMEOUT_FACTOR=%g", stretch(t, h)) < 0 ||
	    asprintf(
	        &env[n++],
	        "TSAN_OPTIONS=log_path=%s/tsan halt_on_error=0 report_signal_unsafe=1 "
	        "second_deadlock_stack=1 detect_deadlocks=1 history_size=4 report_thread_leaks=0 "
	        "max_allocation_size_mb=2048 allocator_may_return_null=1 hard_rss_limit_mb=3072 "
	        "atexit_sleep_ms=0 exitcode=66",
	        run_dir) < 0)
		abort();
	env[n] = NULL;
}

static void free_environment(char *env[])
{
	for (char **e = env; *e; e++)
		free(*e);
}

/* One run of a harness test; true if it passed.  Explains a failure. */
static bool run_once(struct context *c, const struct rubric_test *t, const struct harness_test *h,
                     struct text *why)
{
	enum variant v = t->variant;
	const char *binary = c->build->binary[v];
	char nonce[32] = "";
	make_nonce(nonce, sizeof nonce);
	/* A new folder for this run alone, the job's user's, removed below. */
	char run_dir[4096], parent[4200];
	unsigned uid, gid;
	jobuid_current(&uid, &gid);
	snprintf(parent, sizeof parent, "%s/%s", c->cfg->work, c->exercise);
	if (rundir_create(parent, RUNDIR_RUN, uid, gid, run_dir, sizeof run_dir) != 0) {
		text_printf(why, "grader: cannot create a run folder in %s: %s\n", parent,
		            strerror(errno));
		return false;
	}
	char *env[16];
	run_environment(c, t, h, nonce, run_dir, env);
	char log_file[4300];
	snprintf(log_file, sizeof log_file, "--log-file=%s/helgrind.%%p", run_dir);
	char suppressions[4200];
	snprintf(suppressions, sizeof suppressions, "--suppressions=%s/%s/helgrind.supp",
	         c->cfg->work, c->exercise);
	/* --command-line-only: no ~/.valgrindrc, ./.valgrindrc or $VALGRIND_OPTS;
	 * --vgdb=no: no FIFOs in /tmp for a debugger. */
	char *helgrind[24] = {"valgrind",  "--tool=helgrind",     "--command-line-only=yes",
	                      "--vgdb=no", "--error-exitcode=99", "--fullpath-after=",
	                      log_file,    suppressions};
	int nh = 8;
	for (char **o = t->valgrind; o && *o && nh < 20; o++)
		helgrind[nh++] = *o;
	helgrind[nh++] = (char *)binary;
	helgrind[nh++] = (char *)h->name;
	helgrind[nh] = NULL;
	char *native[] = {(char *)binary, (char *)h->name, NULL};
	/* ThreadSanitizer reserves terabytes of address space: its own limits
	 * (TSAN_OPTIONS) bound its memory instead. */
	bool native_run = v != VARIANT_TSAN;
	struct run_spec spec = {
	    .argv = t->check == CHECK_HELGRIND ? helgrind : native,
	    .memory_limit = native_run ? NATIVE_MEMORY_LIMIT : 0,
	    .env = env,
	    .cwd = run_dir,
	    .timeout = h->seconds * stretch(t, h) + 5,
	    .output_cap = OUTPUT_CAP,
	    .verdict_channel = true,
	    .limit_resources = true,
	};
	struct run_result r;
	run_command(&spec, &r);
	struct verdict verdict;
	verdict_parse(r.verdicts, nonce, h->name, &verdict);

	bool passed;
	struct text evidence = {0};
	if (t->check == CHECK_TSAN || t->check == CHECK_HELGRIND) {
		bool tsan = t->check == CHECK_TSAN;
		char *log = runlogs_read(run_dir, tsan ? "tsan" : "helgrind", uid, &evidence);
		int reports =
		    tsan ? tsan_explain(log, c->build->source, c->build->shown_path, &evidence)
		         : helgrind_explain(log, c->build->source, c->build->shown_path,
		                            verdict.failure != NULL, &evidence);
		/* The tool's exit status says whether it found errors, whatever became
		 * of its log in the run's folder (the run owns that folder).  Not for
		 * Helgrind after a failed test: the locks the harness left held then
		 * count there, and are not the student's (see helgrind_explain). */
		bool flagged = r.exited && r.exit_code == (tsan ? TSAN_EXIT : HELGRIND_EXIT) &&
		               (tsan || !verdict.failure);
		passed = reports == 0 && verdict.ended && r.exited && !flagged;
		if (!passed && reports == 0) {
			text_printf(&evidence, "under %s, ", tsan ? "ThreadSanitizer" : "Helgrind");
			if (flagged)
				text_add(&evidence,
				         "its exit status says it found errors, but no report "
				         "could be read from its log: did the run remove it?\n");
			else if (verdict.failure)
				text_printf(&evidence, "the test failed first: %s\n",
				            verdict.failure);
			else
				explain_end(&r, &evidence);
			show_output_tail(&r, &evidence);
		}
		if (c->cfg->verbose && *log)
			text_printf(&evidence, "--- raw %s log ---\n%s",
			            tsan ? "ThreadSanitizer" : "Helgrind", log);
		free(log);
	} else {
		passed = verdict.passed;
		if (!passed) {
			if (verdict.failure)
				text_printf(&evidence, "%s\n", verdict.failure);
			else
				explain_end(&r, &evidence);
			text_add(&evidence, verdict.info);
			if (!verdict.ended)
				show_output_tail(&r, &evidence);
		} else {
			text_add(&evidence, verdict.info);
		}
	}
	if (r.leftover_processes > 0)
		text_printf(&evidence, "(%d process%s left running were killed)\n",
		            r.leftover_processes, r.leftover_processes == 1 ? "" : "es");
	char *shown = symbolize(c, binary, evidence.data ? evidence.data : "");
	text_add(why, shown);
	free(shown);
	text_free(&evidence);
	verdict_free(&verdict);
	run_result_free(&r);
	free_environment(env);
	if (rundir_remove(run_dir) != 0)
		text_printf(why, "grader: could not remove the run folder %s: %s\n", run_dir,
		            strerror(errno));
	return passed;
}

static bool grade_test(struct context *c, const struct rubric_test *t, struct text *why)
{
	if (t->check == CHECK_BUILD) {
		if (!c->build->ok) {
			text_printf(why, "%s does not compile or link:\n%s", c->build->shown_path,
			            c->build->log);
			return false;
		}
		if (c->build->warnings)
			text_printf(why, "%d warning%s:\n%s", c->build->warnings,
			            c->build->warnings == 1 ? "" : "s", c->build->log);
		return true;
	}
	if (!c->build->ok) {
		text_add(why, "not graded: the file does not build (see the build test).\n");
		return false;
	}
	if (t->check == CHECK_RULES)
		return rules_check(t, c->build->object[t->variant], c->build->source,
		                   c->build->shown_path, why);
	const struct harness_test *h = find_test(c, t->test);
	for (int i = 0; i < t->repeat; i++) {
		if (!run_once(c, t, h, why)) {
			if (t->repeat > 1)
				text_printf(why, "(failed on run %d of %d)\n", i + 1, t->repeat);
			return false;
		}
	}
	return true;
}

/* Every rubric test must name a test the harness has: a typo is the
 * instructor's to fix, not a student's lost points. */
static int check_rubric(const struct context *c, const struct rubric *rubric, char *err,
                        size_t errlen)
{
	for (size_t i = 0; i < rubric->count; i++) {
		const char *name = rubric->tests[i].test;
		if (name && !find_test(c, name)) {
			snprintf(err, errlen,
			         "harness/%s/rubric.json: \"%s\" runs test \"%s\", which "
			         "harness/%s/ does not define (see --list)",
			         c->exercise, rubric->tests[i].name, name, c->exercise);
			return -1;
		}
	}
	return 0;
}

/* One rubric test, as a pool job: runs in a child, as its slot's user, with a
 * new run folder for every run (run_once); it writes no shared state. */
struct test_job {
	struct context *context;
	const struct rubric_test *test;
};

static bool run_test_job(void *arg, struct text *why)
{
	struct test_job *job = arg;
	return grade_test(job->context, job->test, why);
}

/* What every failure ends with: how to reproduce a run, and what to read
 * (the README's section, or the whole README). */
static void add_pointers(const struct context *c, const struct rubric_test *t, struct text *why)
{
	if (c->build->ok && t->test)
		text_printf(why, "seed %llu: reproduce with make grade EX=%s SEED=%llu\n",
		            (unsigned long long)c->cfg->seed, c->exercise,
		            (unsigned long long)c->cfg->seed);
	text_printf(why, "see exercises/%s/README.md%s%s\n", c->exercise, t->readme ? "#" : "",
	            t->readme ? t->readme : "");
}

/* Whether --checks asked for this test's check (all by default). */
static bool wanted(const struct context *c, const struct rubric_test *t)
{
	return !c->cfg->checks || (c->cfg->checks & 1u << t->check);
}

static void record(struct context *c, const struct rubric_test *t, struct pool_job *job,
                   struct results *res)
{
	if (!wanted(c, t))
		return;
	if (!job->passed)
		add_pointers(c, t, &job->report);
	struct outcome o = {
	    .exercise = strdup(c->exercise),
	    .name = strdup(t->name),
	    .check = t->check,
	    .passed = job->passed,
	    .score = job->passed ? t->points : 0,
	    .max_score = t->points,
	    .seconds = job->seconds,
	    .output = text_take(&job->report),
	};
	results_add(res, o);
	report_test(&res->items[res->count - 1]);
	if (c->cfg->stream)
		results_stream(&res->items[res->count - 1], c->cfg->stream);
}

/* Runs the rubric's tests: quick ones inline, the rest as pool jobs, as
 * many at once as there are CPUs, except timing tests, which run alone so
 * that nothing else disturbs what they measure.  Reports in rubric order. */
static void run_rubric(struct context *c, const struct rubric *rubric, struct results *res)
{
	size_t n = rubric->count;
	struct pool_job *jobs = calloc(n, sizeof *jobs);
	struct test_job *args = calloc(n, sizeof *args);
	bool *done = calloc(n, sizeof *done);
	if (!jobs || !args || !done)
		abort();
	int cpus = pool_cpus(), running = 0;
	size_t next_report = 0;
	for (size_t i = 0; i <= n; i++) {
		const struct rubric_test *t = i < n ? &rubric->tests[i] : NULL;
		bool inline_test =
		    t && (!c->build->ok || t->check == CHECK_BUILD || t->check == CHECK_RULES);
		bool skip = t && !wanted(c, t);
		bool alone = t && !skip && t->check == CHECK_TIMING;
		/* Make room: all slots for a timing test (or the end), one otherwise. */
		while (running > 0 &&
		       (!t || alone || running >= cpus ||
		        (i > 0 && rubric->tests[i - 1].check == CHECK_TIMING && !done[i - 1]))) {
			int k = pool_wait_any(jobs, (int)n);
			if (k < 0)
				break;
			done[k] = true;
			running--;
		}
		if (skip) {
			done[i] = true;
		} else if (inline_test) {
			jobs[i].started = monotonic_now();
			jobs[i].passed = grade_test(c, t, &jobs[i].report);
			jobs[i].seconds = monotonic_now() - jobs[i].started;
			done[i] = true;
		} else if (t) {
			report_progress(c->exercise, t->name);
			args[i] = (struct test_job){c, t};
			if (pool_start(&jobs[i], run_test_job, &args[i]) == 0) {
				running++;
			} else {
				text_add(&jobs[i].report, "grader error: cannot start a job\n");
				done[i] = true;
			}
		}
		while (next_report < n && done[next_report]) {
			record(c, &rubric->tests[next_report], &jobs[next_report], res);
			next_report++;
		}
	}
	free(done);
	free(args);
	free(jobs);
}

int grade_exercise(const struct grader_config *cfg, const char *exercise, struct results *res,
                   char *err, size_t errlen)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/harness/%s/rubric.json", cfg->root, exercise);
	struct rubric rubric;
	if (rubric_load(path, &rubric, err, errlen) != 0)
		return -1;
	report_exercise_start(exercise);
	report_progress(exercise, "building");
	struct build build;
	struct context c = {.cfg = cfg, .exercise = exercise, .build = &build};
	int rc = build_submission(cfg, exercise, &build);
	if (rc != 0)
		snprintf(err, errlen, "%s", build.log);
	else if (build.ok)
		rc = list_tests(&c, err, errlen) || check_rubric(&c, &rubric, err, errlen);
	/* Run folders an older or a killed grader left behind, then the HOME
	 * of this exercise's runs. */
	snprintf(path, sizeof path, "%s/%s", cfg->work, exercise);
	rundir_sweep(path, RUNDIR_RUN);
	rundir_sweep(path, RUNDIR_HOME);
	if (rc == 0 && rundir_create_home(path, c.home, sizeof c.home) != 0) {
		snprintf(err, errlen, "cannot create a folder in %s: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc == 0) {
		run_rubric(&c, &rubric, res);
		report_exercise_end(res, exercise);
	}
	if (c.home[0])
		rundir_remove(c.home);
	build_free(&build);
	rubric_free(&rubric);
	return rc;
}
