/*
 * results.c -- the outcome of every graded test, and the results file.
 *
 * The file is the contract's superset of Gradescope's results.json; Jansson
 * does the writing, so any byte a submission prints arrives escaped.  The
 * lines a harness writes about the measurement itself (unmeasurable here,
 * a leaderboard figure) are read here, from passed tests only.
 */
#include "results.h"

#include "cpu_quota.h"
#include "text.h"
#include "util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The line of text that starts with mark, or NULL. */
static const char *line_starting(const char *text, const char *mark)
{
	size_t len = strlen(mark);
	for (const char *line = text; line && *line;) {
		if (strncmp(line, mark, len) == 0)
			return line;
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return NULL;
}

/* Only a passed harness run carries nothing but the harness's records. */
static bool harness_evidence(const struct outcome *o)
{
	return o->passed && o->check != CHECK_BUILD && o->check != CHECK_RULES && o->output;
}

char *outcome_unmeasurable_reason(const struct outcome *o)
{
	const char *line = harness_evidence(o) ? line_starting(o->output, UNMEASURABLE_MARK) : NULL;
	if (!line)
		return NULL;
	line += strlen(UNMEASURABLE_MARK);
	return xstrndup(line, strcspn(line, "\n"));
}

/* A timing verdict names the CPU quota it was measured under, if any. */
static void name_quota(struct outcome *o)
{
	static bool known;
	static char where[8192];
	static double quota;
	if (o->check != CHECK_TIMING || (o->output && strstr(o->output, "CPU quota")))
		return;
	if (!known)
		quota = cpu_quota(where, sizeof where);
	known = true;
	if (quota <= 0)
		return;
	struct text t = {0};
	text_printf(&t,
	            "%sthis machine gives the grader a CPU quota of %.2f CPU (%s): the timing "
	            "figures above were measured within it\n",
	            o->output ? o->output : "", quota, where);
	free(o->output);
	o->output = text_take(&t);
}

void results_add(struct results *r, struct outcome o)
{
	char *unmeasurable = outcome_unmeasurable_reason(&o);
	if (unmeasurable) {
		o.kind = OUTCOME_UNMEASURABLE;
		o.score = o.max_score = 0;
		free(unmeasurable);
	}
	name_quota(&o);
	if (r->count == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		struct outcome *items = xrealloc(r->items, cap, sizeof *items);
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

size_t results_count_kind(const struct results *r, const char *exercise, enum outcome_kind kind)
{
	size_t n = 0;
	for (size_t i = 0; i < r->count; i++)
		n += r->items[i].kind == kind &&
		     (!exercise || strcmp(r->items[i].exercise, exercise) == 0);
	return n;
}

int outcome_line(const struct outcome *o, const char *file)
{
	size_t len = strlen(file);
	for (const char *hit = o->output ? strstr(o->output, file) : NULL; hit;
	     hit = strstr(hit + 1, file)) {
		int line = hit[len] == ':' ? atoi(hit + len + 1) : 0;
		if (line > 0)
			return line;
	}
	return 0;
}

bool outcome_figure(const struct outcome *o, char *name, size_t len, double *value,
                    bool *higher_is_better)
{
	const char *line = harness_evidence(o) ? line_starting(o->output, LEADERBOARD_MARK) : NULL;
	if (!line)
		return false;
	line += strlen(LEADERBOARD_MARK);
	const char *equals = strstr(line, " = ");
	const char *eol = line + strcspn(line, "\n");
	if (!equals || equals > eol || len == 0)
		return false;
	char *end;
	*value = strtod(equals + 3, &end);
	if (end == equals + 3)
		return false;
	*higher_is_better = strncmp(end, " (higher is better)", 19) == 0;
	if (!*higher_is_better && strncmp(end, " (lower is better)", 18) != 0)
		return false;
	snprintf(name, len, "%.*s", (int)(equals - line), line);
	return true;
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
