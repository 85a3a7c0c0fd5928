/*
 * gradescope.c -- the results as Gradescope's results.json, to its spec
 * (gradescope-autograders.readthedocs.io, "Autograder Specifications").
 *
 * The contract's results file is a superset of that format with fields of
 * its own ("exercise", "check", a top-level "max_score" and "seed");
 * Gradescope is not documented to accept unknown fields, so this file
 * carries only the spec's, with ours under "extra_data", which the spec
 * keeps for exactly that.  Besides: each test's "visibility" as the rubric
 * sets it (tests hidden until the due date, ...), and a "leaderboard" of
 * the figures the harness reports for it (saturate's speedup, prodcons's
 * throughput), shown when the assignment enables Gradescope's leaderboard.
 */
#include "gradescope.h"

#include "text.h"
#include "util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OUTPUT_CAP = 16 * 1024 };

static json_t *clean_string(const char *s, size_t cap)
{
	size_t len = strlen(s ? s : "");
	struct text t = {0};
	text_addn(&t, s ? s : "", len < cap ? len : cap);
	if (len > cap)
		text_printf(&t, "\n[... %zu more bytes cut]\n", len - cap);
	char *clean = text_clean_utf8(t.data ? t.data : "");
	json_t *v = json_string(clean);
	free(clean);
	text_free(&t);
	return v;
}

/* The rubric's visibility of the test named name, or NULL. */
static char *visibility_of(const char *root, const struct outcome *o)
{
	char err[512];
	struct rubric rubric;
	char *visibility = NULL;
	if (rubric_load_exercise(root, o->exercise, &rubric, err, sizeof err) == 0)
		for (size_t i = 0; i < rubric.count && !visibility; i++)
			if (strcmp(rubric.tests[i].name, o->name) == 0 &&
			    rubric.tests[i].visibility)
				visibility = xstrdup(rubric.tests[i].visibility);
	rubric_free(&rubric);
	return visibility;
}

static const char *kind_name(enum outcome_kind kind)
{
	static const char *const names[] = {"graded", "unmeasurable", "environment"};
	return names[kind];
}

static json_t *test_json(const struct outcome *o, const char *root)
{
	json_t *extra = json_pack("{s:s, s:s, s:f, s:s}", "exercise", o->exercise, "check",
	                          check_name(o->check), "execution_time", o->seconds, "kind",
	                          kind_name(o->kind));
	json_t *test = json_pack("{s:o, s:f, s:f, s:s, s:o, s:o}", "name",
	                         clean_string(o->name, 1024), "score", o->score, "max_score",
	                         o->max_score, "status", o->passed ? "passed" : "failed", "output",
	                         clean_string(o->output, OUTPUT_CAP), "extra_data", extra);
	char *visibility = visibility_of(root, o);
	if (visibility)
		json_object_set_new(test, "visibility", json_string(visibility));
	free(visibility);
	return test;
}

static json_t *leaderboard(const struct results *r)
{
	json_t *board = json_array();
	for (size_t i = 0; i < r->count; i++) {
		char name[256];
		double value;
		bool higher;
		if (outcome_figure(&r->items[i], name, sizeof name, &value, &higher))
			json_array_append_new(
			    board, json_pack("{s:o, s:f, s:s}", "name", clean_string(name, 256),
			                     "value", value, "order", higher ? "desc" : "asc"));
	}
	return board;
}

/* What the whole submission's page says above the tests. */
static json_t *summary_output(const struct results *r)
{
	struct text t = {0};
	double max = 0, score = results_score(r, NULL, &max);
	text_printf(&t, "%g/%g points (seed %llu: make grade SEED=%llu reproduces the run).\n",
	            score, max, (unsigned long long)r->seed, (unsigned long long)r->seed);
	size_t skipped = results_count_kind(r, NULL, OUTCOME_UNMEASURABLE);
	size_t broken = results_count_kind(r, NULL, OUTCOME_ENVIRONMENT);
	if (skipped)
		text_printf(&t,
		            "WARNING: %zu test%s could not be measured on the grading machine "
		            "(too few CPUs) and count 0 of 0 points.\n",
		            skipped, skipped == 1 ? "" : "s");
	if (broken)
		text_printf(&t,
		            "WARNING: the grading machine failed %zu test%s; they will be "
		            "graded again.\n",
		            broken, broken == 1 ? "" : "s");
	json_t *v = clean_string(t.data, OUTPUT_CAP);
	text_free(&t);
	return v;
}

/* Writes the results file and releases root_json (NULL: it could not be
 * made); -1 with the reason in err if it cannot be written. */
static int write_results(json_t *root_json, const char *path, char *err, size_t errlen)
{
	int rc =
	    root_json ? json_dump_file(root_json, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : -1;
	if (rc != 0)
		snprintf(err, errlen, "cannot write the Gradescope results %s", path);
	json_decref(root_json);
	return rc;
}

int gradescope_write(const struct results *r, const char *root, const char *path, char *err,
                     size_t errlen)
{
	double max = 0, score = results_score(r, NULL, &max);
	json_t *tests = json_array();
	for (size_t i = 0; i < r->count; i++)
		json_array_append_new(tests, test_json(&r->items[i], root));
	json_t *root_json =
	    json_pack("{s:f, s:f, s:o, s:o, s:{s:I, s:f}}", "score", score, "execution_time",
	              r->seconds, "output", summary_output(r), "tests", tests, "extra_data", "seed",
	              (json_int_t)r->seed, "max_score", max);
	json_t *board = leaderboard(r);
	if (json_array_size(board) > 0)
		json_object_set(root_json, "leaderboard", board);
	json_decref(board);
	return write_results(root_json, path, err, errlen);
}

int gradescope_write_stopped(const char *reason, const char *path, char *err, size_t errlen)
{
	struct text t = {0};
	text_printf(&t,
	            "The autograder could not grade this submission; the instructor can see "
	            "why in its output, and will grade it again.\n%s\n",
	            reason);
	json_t *root_json = json_pack("{s:i, s:o, s:[]}", "score", 0, "output",
	                              clean_string(t.data, OUTPUT_CAP), "tests");
	text_free(&t);
	return write_results(root_json, path, err, errlen);
}
