/*
 * github.c -- results for GitHub Classroom's autograding reporter and for
 * the Actions job summary.
 *
 * Classroom's stock command grader gives a step all or nothing.  Instead the
 * grader writes, per exercise, the runner result the reporter
 * (classroom-resources/autograding-grading-reporter) decodes: base64 of
 * {"version":1,"status","max_score","tests":[...]}, with the test fields the
 * command grader uses.  The reporter reads it from the variable
 * <RUNNER>_RESULTS, the runner id in upper case; the workflow maps our step
 * outputs of that name onto those variables.  What the reporter does with it:
 *   - Classroom's points ("Points X/Y" notice) are the sum of tests[].score
 *     over runners whose max_score is not 0, out of the sum of max_score;
 *   - its console table instead shows passed tests / all tests * max_score,
 *     so with unequal points per test the table and the notice differ;
 *   - it prints " - line N" unless line_no is exactly 0, and a failed test's
 *     message only when its status is "error", so the evidence is in the
 *     grading step's log just above.
 */
#include "github.h"

#include "text.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static json_t *reporter_test(const struct outcome *o, const char *src, uint64_t seed)
{
	char file[4096], command[256];
	snprintf(file, sizeof file, "%s/%s/%s.c", src, o->exercise, o->exercise);
	snprintf(command, sizeof command, "make grade EX=%s SEED=%llu", o->exercise,
	         (unsigned long long)seed);
	return json_pack("{s:o, s:s, s:f, s:o, s:s, s:o, s:i, s:I}", "name", clean_string(o->name),
	                 "status", o->passed ? "pass" : "fail", "score", o->score, "message",
	                 clean_string(o->output), "test_code", command, "filename",
	                 clean_string(file), "line_no", 0, "duration",
	                 (json_int_t)(o->seconds * 1000));
}

char *github_runner_result(const struct results *r, const char *exercise, const char *src)
{
	json_t *tests = json_array();
	bool all_passed = true;
	for (size_t i = 0; i < r->count; i++) {
		const struct outcome *o = &r->items[i];
		if (strcmp(o->exercise, exercise) != 0)
			continue;
		all_passed = all_passed && o->passed;
		json_array_append_new(tests, reporter_test(o, src, r->seed));
	}
	double max_score = 0;
	results_score(r, exercise, &max_score);
	json_t *result =
	    json_pack("{s:i, s:s, s:f, s:o}", "version", 1, "status", all_passed ? "pass" : "fail",
	              "max_score", max_score, "tests", tests);
	char *json = json_dumps(result, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(result);
	return json;
}

int github_write_outputs(const struct results *r, const char *const *exercises, int count,
                         const char *src, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "a");
	if (!f) {
		snprintf(err, errlen, "cannot append to GITHUB_OUTPUT (%s)", path);
		return -1;
	}
	for (int i = 0; i < count; i++) {
		char *json = github_runner_result(r, exercises[i], src);
		char *encoded = base64_encode((const unsigned char *)json, strlen(json));
		for (const char *c = exercises[i]; *c; c++)
			fputc(toupper((unsigned char)*c), f);
		fprintf(f, "_RESULTS=%s\n", encoded);
		free(encoded);
		free(json);
	}
	if (fclose(f) != 0) {
		snprintf(err, errlen, "cannot write GITHUB_OUTPUT (%s)", path);
		return -1;
	}
	return 0;
}

/* A table cell: one line, no '|' to break the row. */
static void add_cell(struct text *t, const char *s)
{
	char *clean = text_clean_utf8(s);
	for (const char *c = clean; *c; c++) {
		if (*c == '|')
			text_add(t, "\\|");
		else if (*c == '\n' || *c == '\r')
			text_add(t, " ");
		else
			text_addn(t, c, 1);
	}
	free(clean);
	text_add(t, " |");
}

static void add_exercise_rows(struct text *t, const struct results *r, const char *exercise)
{
	for (size_t i = 0; i < r->count; i++) {
		const struct outcome *o = &r->items[i];
		if (strcmp(o->exercise, exercise) != 0)
			continue;
		text_printf(t, "| %s | %g/%g | %s | ", o->passed ? "✅ pass" : "❌ fail", o->score,
		            o->max_score, check_name(o->check));
		add_cell(t, o->name);
		text_add(t, "\n");
	}
}

int github_write_summary(const struct results *r, const char *const *exercises, int count,
                         const char *path, char *err, size_t errlen)
{
	struct text t = {0};
	double max = 0, score = results_score(r, NULL, &max);
	text_printf(&t, "## Grade: %g/%g\n\n| exercise | points |\n|---|---:|\n", score, max);
	for (int i = 0; i < count; i++) {
		double emax = 0, escore = results_score(r, exercises[i], &emax);
		text_printf(&t, "| %s | %g/%g |\n", exercises[i], escore, emax);
	}
	for (int i = 0; i < count; i++) {
		text_printf(&t,
		            "\n### %s\n\n| result | points | check | test |\n|---|---:|---|---|\n",
		            exercises[i]);
		add_exercise_rows(&t, r, exercises[i]);
	}
	text_printf(&t, "\nSeed %llu: reproduce with `make grade SEED=%llu`.\n",
	            (unsigned long long)r->seed, (unsigned long long)r->seed);
	FILE *f = fopen(path, "a");
	int rc = f && fputs(t.data, f) >= 0 ? 0 : -1;
	if (f && fclose(f) != 0)
		rc = -1;
	if (rc != 0)
		snprintf(err, errlen, "cannot append to GITHUB_STEP_SUMMARY (%s)", path);
	text_free(&t);
	return rc;
}
