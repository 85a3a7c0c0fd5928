/*
 * github.c -- results for GitHub Classroom's autograding reporter.
 *
 * Classroom's stock command grader gives a step all or nothing.  Instead the
 * grader writes, per exercise, the runner result the reporter
 * (classroom-resources/autograding-grading-reporter) decodes: base64 of
 * {"version":1,"status","max_score","tests":[...]}, with the test fields the
 * command grader uses.  The reporter reads it from the variable
 * <RUNNER>_RESULTS, the runner id in upper case; the workflow maps our step
 * outputs of that name onto those variables.  What the reporter does with it:
 *   - Classroom's points ("Points X/Y" notice) are the sum of tests[].score
 *     over runners whose max_score is not 0, out of the sum of max_score; with
 *     no runner of max_score above 0 there is no notice at all;
 *   - a runner variable that is missing or not JSON stops it before any
 *     notice: so every runner gets an "error" result before grading starts,
 *     worth 0 of the exercise's points with the reason, and the real result
 *     replaces it (the last value of a step output wins) once the exercise is
 *     graded;
 *   - Linux refuses a single environment string over 128 KiB, and then the
 *     reporter cannot even start: each test's message is capped, and the
 *     messages shrink until the whole encoded result is under RUNNER_CAP;
 *   - its console table shows passed tests / all tests * max_score, so with
 *     unequal points per test the table and the notice differ.
 */
#include "github.h"

#include "rubric.h"
#include "text.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of one test's message, and of one runner's encoded result. */
enum { MESSAGE_CAP = 4096, RUNNER_CAP = 60 * 1024 };

char *base64_encode(const unsigned char *data, size_t len)
{
	static const char digits[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct text out = {0};
	for (size_t i = 0; i < len; i += 3) {
		unsigned long group = (unsigned long)data[i] << 16;
		if (i + 1 < len)
			group |= (unsigned long)data[i + 1] << 8;
		if (i + 2 < len)
			group |= data[i + 2];
		char quad[5] = {digits[group >> 18 & 63], digits[group >> 12 & 63],
		                i + 1 < len ? digits[group >> 6 & 63] : '=',
		                i + 2 < len ? digits[group & 63] : '=', '\0'};
		text_add(&out, quad);
	}
	return text_take(&out);
}

static json_t *clean_string(const char *s)
{
	char *clean = text_clean_utf8(s);
	json_t *v = json_string(clean);
	free(clean);
	return v;
}

/* The first cap bytes of s, and a note saying how much was cut and where
 * the rest is. */
static json_t *capped_message(const char *s, size_t cap)
{
	size_t len = strlen(s ? s : "");
	if (len <= cap)
		return clean_string(s);
	struct text t = {0};
	text_addn(&t, s, cap);
	text_printf(&t,
	            "\n[... %zu more bytes cut: the whole evidence is in the Grade step's log]\n",
	            len - cap);
	json_t *v = clean_string(t.data);
	text_free(&t);
	return v;
}

static const char *reporter_status(const struct outcome *o)
{
	if (o->kind == OUTCOME_ENVIRONMENT)
		return "error";
	return o->passed ? "pass" : "fail";
}

static json_t *reporter_test(const struct outcome *o, const char *src, uint64_t seed, size_t cap)
{
	char command[256];
	snprintf(command, sizeof command, "make grade EX=%s SEED=%llu", o->exercise,
	         (unsigned long long)seed);
	char *file = submission_path(src, o->exercise);
	json_t *test = json_pack(
	    "{s:o, s:s, s:f, s:o, s:s, s:o, s:i, s:I}", "name", clean_string(o->name), "status",
	    reporter_status(o), "score", o->score, "message", capped_message(o->output, cap),
	    "test_code", command, "filename", clean_string(file), "line_no", outcome_line(o, file),
	    "duration", (json_int_t)(o->seconds * 1000));
	free(file);
	return test;
}

static char *runner_json(const struct results *r, const char *exercise, const char *src, size_t cap)
{
	json_t *tests = json_array();
	const char *status = "pass";
	for (size_t i = 0; i < r->count; i++) {
		const struct outcome *o = &r->items[i];
		if (strcmp(o->exercise, exercise) != 0)
			continue;
		if (o->kind == OUTCOME_ENVIRONMENT)
			status = "error";
		else if (!o->passed && strcmp(status, "pass") == 0)
			status = "fail";
		json_array_append_new(tests, reporter_test(o, src, r->seed, cap));
	}
	double max_score = 0;
	results_score(r, exercise, &max_score);
	json_t *result = json_pack("{s:i, s:s, s:f, s:o}", "version", 1, "status", status,
	                           "max_score", max_score, "tests", tests);
	char *json = json_dumps(result, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(result);
	return json;
}

static size_t encoded_length(const char *json)
{
	return (strlen(json) + 2) / 3 * 4;
}

char *github_runner_result(const struct results *r, const char *exercise, const char *src)
{
	for (size_t cap = MESSAGE_CAP;; cap /= 2) {
		char *json = runner_json(r, exercise, src, cap);
		if (encoded_length(json) <= RUNNER_CAP || cap == 0)
			return json;
		free(json);
	}
}

char *github_error_result(const char *exercise, double max_score, const char *reason)
{
	char name[256], command[256];
	snprintf(name, sizeof name, "%s: not graded", exercise);
	snprintf(command, sizeof command, "make grade EX=%s", exercise);
	json_t *test =
	    json_pack("{s:s, s:s, s:i, s:o, s:s, s:s, s:i, s:i}", "name", name, "status", "error",
	              "score", 0, "message", capped_message(reason, MESSAGE_CAP), "test_code",
	              command, "filename", "", "line_no", 0, "duration", 0);
	json_t *result = json_pack("{s:i, s:s, s:f, s:[o]}", "version", 1, "status", "error",
	                           "max_score", max_score, "tests", test);
	char *json = json_dumps(result, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(result);
	return json;
}

static void write_runner(FILE *f, const char *exercise, const char *json)
{
	char *encoded = base64_encode((const unsigned char *)json, strlen(json));
	for (const char *c = exercise; *c; c++)
		fputc(toupper((unsigned char)*c), f);
	fprintf(f, "_RESULTS=%s\n", encoded);
	free(encoded);
}

static int close_output(FILE *f, const char *path, char *err, size_t errlen)
{
	if (!f || fclose(f) != 0) {
		snprintf(err, errlen, "cannot write GITHUB_OUTPUT (%s)", path);
		return -1;
	}
	return 0;
}

int github_write_outputs(const struct results *r, const char *const *exercises, int count,
                         const char *src, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "a");
	for (int i = 0; f && i < count; i++) {
		char *json = github_runner_result(r, exercises[i], src);
		write_runner(f, exercises[i], json);
		free(json);
	}
	return close_output(f, path, err, errlen);
}

/* The exercise's points from its rubric; 1 when the rubric cannot be read,
 * so that Classroom still shows its notice (it shows none for 0 points). */
static double rubric_points(const char *root, const char *exercise)
{
	char err[512];
	struct rubric rubric;
	double points = 0;
	if (rubric_load_exercise(root, exercise, &rubric, err, sizeof err) == 0)
		for (size_t i = 0; i < rubric.count; i++)
			points += rubric.tests[i].points;
	rubric_free(&rubric);
	return points > 0 ? points : 1;
}

int github_write_errors(const char *root, const char *const *exercises, int count,
                        const char *reason, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "a");
	for (int i = 0; f && i < count; i++) {
		char *json =
		    github_error_result(exercises[i], rubric_points(root, exercises[i]), reason);
		write_runner(f, exercises[i], json);
		free(json);
	}
	return close_output(f, path, err, errlen);
}
