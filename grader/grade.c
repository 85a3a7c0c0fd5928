/*
 * grade.c -- grades one exercise: build, then every test of its rubric.
 *
 * The pipeline, one file a step: build.c compiles the submission,
 * harness_run.c runs a harness test in isolation, judge.c reaches the
 * verdict from what the harness and the tool observed, evidence.c shows it,
 * schedule.c runs the tests side by side, results.c and report.c write
 * them down.  This file only joins them, and applies the rule that points
 * for how the code works count only as far as it works:
 *
 *   a tsan, helgrind, memcheck, timing or rules test earns its points times the
 *   share of the exercise's functional points the submission earned.
 *
 * So a file that does nothing earns no points for doing nothing racelessly.
 * The rubric must list its functional tests before those it weighs.
 */
#include "grade.h"

#include "build.h"
#include "graded.h"
#include "harness_run.h"
#include "jobuid.h"
#include "judge.h"
#include "machine.h"
#include "report.h"
#include "rules.h"
#include "rundir.h"
#include "schedule.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One exercise's grading as the scheduler's callbacks see it. */
struct grade_state {
	struct graded_exercise g;
	const struct rubric *rubric;
	struct results *res;
	double functional_points, functional_earned;
	bool functional_graded;
};

static bool grade_build(const struct build *b, struct text *why)
{
	if (!b->ok) {
		text_printf(why, "%s does not compile or link:\n%s", b->shown_path, b->log);
		return false;
	}
	if (b->warnings)
		text_printf(why, "%d warning%s:\n%s", b->warnings, b->warnings == 1 ? "" : "s",
		            b->log);
	return true;
}

/* One run of harness test h, in a new folder of its own (the job's user's),
 * removed after it. */
static bool grade_run(const struct graded_exercise *g, const struct rubric_test *t,
                      const struct harness_test *h, struct text *why)
{
	char run_dir[4096];
	unsigned uid, gid;
	jobuid_current(&uid, &gid);
	char *parent = path_join(g->cfg->work, g->exercise);
	int rc = rundir_create(parent, RUNDIR_RUN, uid, gid, run_dir, sizeof run_dir);
	if (rc != 0)
		text_printf(why, "grader: cannot create a run folder in %s: %s\n", parent,
		            strerror(errno));
	free(parent);
	if (rc != 0)
		return false;
	struct harness_run run;
	harness_run_test(g, t, h, run_dir, &run);
	bool passed = judge_run(g, t, &run, why);
	harness_run_free(&run);
	if (rundir_remove(run_dir) != 0)
		text_printf(why, "grader: could not remove the run folder %s: %s\n", run_dir,
		            strerror(errno));
	return passed;
}

/* Runs harness test t, t->repeat times: all must pass. */
static bool grade_runs(const struct graded_exercise *g, const struct rubric_test *t,
                       struct text *why)
{
	const struct harness_test *h = graded_find_test(g, t->test);
	bool passed = true;
	for (int i = 0; i < t->repeat && passed; i++) {
		passed = grade_run(g, t, h, why);
		if (!passed && t->repeat > 1)
			text_printf(why, "(failed on run %d of %d)\n", i + 1, t->repeat);
	}
	return passed;
}

static bool grade_test(void *context, const struct rubric_test *t, size_t index, struct text *why)
{
	(void)index;
	const struct graded_exercise *g = &((struct grade_state *)context)->g;
	const struct build *b = g->build;
	if (t->check == CHECK_BUILD)
		return grade_build(b, why);
	if (!b->ok) {
		text_add(why, "not graded: the file does not build (see the build test).\n");
		return false;
	}
	if (t->check == CHECK_RULES)
		return rules_check(t, b->object[t->variant], b->source, b->shown_path, why);
	return grade_runs(g, t, why);
}

static bool selected(void *context, const struct rubric_test *t)
{
	const struct grader_config *cfg = ((struct grade_state *)context)->g.cfg;
	return !cfg->checks || (cfg->checks & 1u << t->check);
}

static bool quick(void *context, const struct rubric_test *t)
{
	const struct graded_exercise *g = &((struct grade_state *)context)->g;
	return !g->build->ok || t->check == CHECK_BUILD || t->check == CHECK_RULES;
}

static void started(void *context, const struct rubric_test *t)
{
	report_progress(((struct grade_state *)context)->g.exercise, t->name);
}

/* What every failure ends with: how to reproduce a run, and what to read. */
static void add_pointers(const struct graded_exercise *g, const struct rubric_test *t,
                         struct text *why)
{
	if (g->build->ok && t->test)
		text_printf(why, "seed %llu: reproduce with make grade EX=%s SEED=%llu\n",
		            (unsigned long long)g->cfg->seed, g->exercise,
		            (unsigned long long)g->cfg->seed);
	text_printf(why, "see exercises/%s/README.md%s%s\n", g->exercise, t->readme ? "#" : "",
	            t->readme ? t->readme : "");
}

/* The points a passed test earns under the rule atop this file. */
static double earned(struct grade_state *e, const struct rubric_test *t, struct text *why)
{
	if (!check_weighed_by_function(t->check) || !e->functional_graded ||
	    e->functional_points <= 0)
		return t->points;
	double share = e->functional_earned / e->functional_points;
	if (share >= 1)
		return t->points;
	/* Tenths of a point: enough to be fair, few enough to read. */
	double points = (double)(long)(t->points * share * 10 + 0.5) / 10;
	text_printf(why,
	            "counted %g of %g points: this check weighs how your code works, so it "
	            "counts as far as the functional tests pass (%g of %g functional points)\n",
	            points, t->points, e->functional_earned, e->functional_points);
	return points;
}

static void done(void *context, size_t index, struct pool_job *job)
{
	struct grade_state *e = context;
	const struct rubric_test *t = &e->rubric->tests[index];
	if (!selected(context, t))
		return;
	if (!job->passed)
		add_pointers(&e->g, t, &job->report);
	double score = job->passed ? earned(e, t, &job->report) : 0;
	if (t->check == CHECK_FUNCTIONAL) {
		e->functional_graded = true;
		e->functional_points += t->points;
		e->functional_earned += score;
	}
	struct outcome o = {
	    .exercise = text_format("%s", e->g.exercise),
	    .name = text_format("%s", t->name),
	    .check = t->check,
	    .kind = job->machine_failed ? OUTCOME_ENVIRONMENT : OUTCOME_GRADED,
	    .passed = job->passed,
	    .score = score,
	    .max_score = t->points,
	    .seconds = job->seconds,
	    .output = text_take(&job->report),
	};
	results_add(e->res, o);
	const struct outcome *added = &e->res->items[e->res->count - 1];
	report_test(added);
	if (e->g.cfg->stream)
		results_stream(added, e->g.cfg->stream);
}

/* A rubric the grader can apply: every harness test it names exists (a
 * typo is the instructor's to fix, not a student's lost points). */
static int check_rubric(const struct graded_exercise *g, const struct rubric *rubric, char *err,
                        size_t errlen)
{
	for (size_t i = 0; i < rubric->count; i++) {
		const struct rubric_test *t = &rubric->tests[i];
		if (t->test && !graded_find_test(g, t->test)) {
			snprintf(err, errlen,
			         "harness/%s/rubric.json: \"%s\" runs test \"%s\", which "
			         "harness/%s/ does not define (see " PROTOCOL_LIST_FLAG ")",
			         g->exercise, t->name, t->test, g->exercise);
			return -1;
		}
	}
	return 0;
}

int grade_exercise(const struct grader_config *cfg, const char *exercise, struct results *res,
                   char *err, size_t errlen)
{
	struct rubric rubric;
	if (rubric_load_exercise(cfg->root, exercise, &rubric, err, errlen) != 0)
		return -1;
	report_exercise_start(exercise);
	/* Not while another grader runs a timing test: compiling takes CPUs. */
	if (machine_wanted())
		machine_share();
	report_progress(exercise, "building");
	struct build build;
	struct grade_state e = {.g = {.cfg = cfg, .exercise = exercise, .build = &build},
	                        .rubric = &rubric,
	                        .res = res};
	int rc = build_submission(cfg, exercise, &build);
	if (rc != 0)
		snprintf(err, errlen, "%s", build.log);
	else if (build.ok)
		rc = harness_list(&e.g, err, errlen) || check_rubric(&e.g, &rubric, err, errlen);
	char *parent = path_join(cfg->work, exercise);
	/* What a killed grader (or an older one) left behind. */
	rundir_sweep(parent, RUNDIR_RUN);
	rundir_sweep(parent, RUNDIR_HOME);
	if (rc == 0 && rundir_create_home(parent, e.g.home, sizeof e.g.home) != 0) {
		snprintf(err, errlen, "grader: cannot create a HOME folder in %s: %s", parent,
		         strerror(errno));
		rc = -1;
	}
	free(parent);
	if (rc == 0) {
		struct schedule s = {&rubric, &e, selected, quick, grade_test, started, done};
		schedule_run(&s);
		report_exercise_end(res, exercise);
		rundir_remove(e.g.home);
	}
	build_free(&build);
	rubric_free(&rubric);
	return rc;
}
