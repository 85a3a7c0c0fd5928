/*
 * summary.c -- the results as the Markdown job summary of GitHub Actions.
 *
 * In Classroom the evidence of a failure is otherwise only deep in the
 * Grade step's log, so each failed test gets a collapsed <details> block
 * with the first lines of its evidence.  GitHub drops a step summary over
 * 128 KiB whole, so lines, blocks and the whole summary are capped.
 */
#include "summary.h"

#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	EVIDENCE_LINES = 20,      /* lines of evidence per failed test */
	EVIDENCE_LINE_CAP = 300,  /* bytes of each */
	SUMMARY_CAP = 100 * 1024, /* the whole summary, well under GitHub's 128 KiB */
	ROWS_RESERVE = 16 * 1024, /* room kept for the tables after the details */
};

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

static const char *verdict(const struct outcome *o)
{
	if (o->kind == OUTCOME_UNMEASURABLE)
		return "⚠️ not measured";
	if (o->kind == OUTCOME_ENVIRONMENT)
		return "🛑 error";
	return o->passed ? "✅ pass" : "❌ fail";
}

static void add_exercise_rows(struct text *t, const struct results *r, const char *exercise)
{
	for (size_t i = 0; i < r->count; i++) {
		const struct outcome *o = &r->items[i];
		if (strcmp(o->exercise, exercise) != 0)
			continue;
		text_printf(t, "| %s | %g/%g | %s | ", verdict(o), o->score, o->max_score,
		            check_name(o->check));
		add_cell(t, o->name);
		text_add(t, "\n");
	}
}

/* Text for inside <pre>: HTML's special characters escaped, valid UTF-8. */
static void add_html(struct text *t, const char *s, size_t len)
{
	char *part = xstrndup(s, len);
	char *clean = text_clean_utf8(part);
	for (const char *c = clean; *c; c++) {
		if (*c == '<')
			text_add(t, "&lt;");
		else if (*c == '>')
			text_add(t, "&gt;");
		else if (*c == '&')
			text_add(t, "&amp;");
		else if ((unsigned char)*c >= 0x20 || *c == '\t')
			text_addn(t, c, 1);
	}
	free(clean);
	free(part);
}

/* The first lines of a failed test's evidence, collapsed under its name. */
static void add_details(struct text *t, const struct outcome *o)
{
	text_printf(t, "<details><summary>%s %g/%g: ", verdict(o), o->score, o->max_score);
	add_html(t, o->name, strlen(o->name));
	text_add(t, "</summary>\n\n<pre>\n");
	const char *p = o->output ? o->output : "";
	int lines = 0;
	for (; *p && lines < EVIDENCE_LINES; lines++) {
		size_t len = strcspn(p, "\n");
		add_html(t, p, len < EVIDENCE_LINE_CAP ? len : EVIDENCE_LINE_CAP);
		text_add(t, len > EVIDENCE_LINE_CAP ? " [...]\n" : "\n");
		p += len + (p[len] == '\n');
	}
	if (*p)
		text_add(t, "[... the rest is in the Grade step's log]\n");
	text_add(t, "</pre>\n</details>\n\n");
}

static void add_exercise_details(struct text *t, const struct results *r, const char *exercise,
                                 bool *cut)
{
	for (size_t i = 0; i < r->count; i++) {
		const struct outcome *o = &r->items[i];
		if (strcmp(o->exercise, exercise) != 0 || (o->passed && o->kind == OUTCOME_GRADED))
			continue;
		if (t->len > SUMMARY_CAP - ROWS_RESERVE) {
			*cut = true;
			return;
		}
		add_details(t, o);
	}
}

static void add_warnings(struct text *t, const struct results *r)
{
	size_t unmeasured = results_count_kind(r, NULL, OUTCOME_UNMEASURABLE);
	size_t broken = results_count_kind(r, NULL, OUTCOME_ENVIRONMENT);
	if (unmeasured)
		text_printf(t,
		            "> **WARNING**: %zu test%s could not be measured on this machine and "
		            "count for nothing either way (see each one's evidence).\n\n",
		            unmeasured, unmeasured == 1 ? "" : "s");
	if (broken)
		text_printf(t,
		            "> **WARNING**: the machine failed %zu test%s (🛑 error): those "
		            "points are not the student's to lose; grade again on a sound "
		            "machine.\n\n",
		            broken, broken == 1 ? "" : "s");
}

static int append(const char *path, const char *data, char *err, size_t errlen)
{
	FILE *f = fopen(path, "a");
	int rc = f && fputs(data, f) >= 0 ? 0 : -1;
	if (f && fclose(f) != 0)
		rc = -1;
	if (rc != 0)
		snprintf(err, errlen, "cannot append to GITHUB_STEP_SUMMARY (%s)", path);
	return rc;
}

int github_write_summary(const struct results *r, const char *const *exercises, int count,
                         const char *path, char *err, size_t errlen)
{
	struct text t = {0};
	double max = 0, score = results_score(r, NULL, &max);
	text_printf(&t, "## Grade: %g/%g\n\n", score, max);
	add_warnings(&t, r);
	text_add(&t, "| exercise | points |\n|---|---:|\n");
	for (int i = 0; i < count; i++) {
		double emax = 0, escore = results_score(r, exercises[i], &emax);
		text_printf(&t, "| %s | %g/%g |\n", exercises[i], escore, emax);
	}
	bool cut = false;
	for (int i = 0; i < count; i++) {
		text_printf(&t,
		            "\n### %s\n\n| result | points | check | test |\n|---|---:|---|---|\n",
		            exercises[i]);
		add_exercise_rows(&t, r, exercises[i]);
		text_add(&t, "\n");
		if (!cut)
			add_exercise_details(&t, r, exercises[i], &cut);
	}
	if (cut)
		text_add(&t, "\nMore failures than this summary can hold: the Grade step's log has "
		             "every one.\n");
	text_printf(&t, "\nSeed %llu: reproduce with `make grade SEED=%llu`.\n",
	            (unsigned long long)r->seed, (unsigned long long)r->seed);
	int rc = append(path, t.data, err, errlen);
	text_free(&t);
	return rc;
}

int github_write_summary_stopped(const char *reason, const char *path, char *err, size_t errlen)
{
	struct text t = {0};
	text_add(&t, "## Grade: not complete\n\n<pre>\n");
	add_html(&t, reason, strlen(reason) < 4096 ? strlen(reason) : 4096);
	text_add(&t, "\n</pre>\n\nThe exercises not graded count 0 points; the Grade step's log "
	             "says more.\n");
	int rc = append(path, t.data, err, errlen);
	text_free(&t);
	return rc;
}
