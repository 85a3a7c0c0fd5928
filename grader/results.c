/*
 * results.c -- the outcome of every graded test, and the results file.
 *
 * The file is the contract's superset of Gradescope's results.json; Jansson
 * does the writing, so any byte a submission prints arrives escaped.
 */
#include "results.h"

#include "text.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void results_add(struct results *r, struct outcome o)
{
	if (r->count == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		struct outcome *items = realloc(r->items, cap * sizeof *items);
		if (!items) {
			fputs("grader: out of memory\n", stderr);
			abort();
		}
		r->items = items;
		r->cap = cap;
	}
	r->items[r->count++] = o;
}

double results_score(const struct results *r, const char *exercise, double *max_score)
{
	double score = 0, max = 0;
	for (size_t i = 0; i < r->count; i++) {
		if (exercise && strcmp(r->items[i].exercise, exercise) != 0)
			continue;
		score += r->items[i].score;
		max += r->items[i].max_score;
	}
	if (max_score)
		*max_score = max;
	return score;
}

/* Jansson rejects strings that are not UTF-8: replace the bad bytes. */
static json_t *string_value(const char *s)
{
	char *clean = text_clean_utf8(s);
	json_t *v = json_string(clean);
	free(clean);
	return v;
}

/* One entry of "tests". */
static json_t *outcome_json(const struct outcome *o)
{
	return json_pack("{s:o, s:s, s:s, s:s, s:f, s:f, s:f, s:o}", "name", string_value(o->name),
	                 "exercise", o->exercise, "check", check_name(o->check), "status",
	                 o->passed ? "passed" : "failed", "score", o->score, "max_score",
	                 o->max_score, "execution_time", o->seconds, "output",
	                 string_value(o->output));
}

void results_stream(const struct outcome *o, FILE *stream)
{
	json_t *entry = outcome_json(o);
	if (entry && json_dumpf(entry, stream, JSON_COMPACT | JSON_PRESERVE_ORDER) == 0)
		fputc('\n', stream);
	fflush(stream);
	json_decref(entry);
}

int results_write_json(const struct results *r, const char *path, char *err, size_t errlen)
{
	double max = 0;
	double score = results_score(r, NULL, &max);
	json_t *tests = json_array();
	for (size_t i = 0; i < r->count; i++)
		json_array_append_new(tests, outcome_json(&r->items[i]));
	json_t *root =
	    json_pack("{s:f, s:f, s:f, s:I, s:o}", "score", score, "max_score", max,
	              "execution_time", r->seconds, "seed", (json_int_t)r->seed, "tests", tests);
	int rc = root ? json_dump_file(root, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : -1;
	if (rc != 0)
		snprintf(err, errlen, "cannot write %s", path);
	json_decref(root);
	return rc;
}

void results_free(struct results *r)
{
	for (size_t i = 0; i < r->count; i++) {
		free(r->items[i].exercise);
		free(r->items[i].name);
		free(r->items[i].output);
	}
	free(r->items);
	memset(r, 0, sizeof *r);
}
