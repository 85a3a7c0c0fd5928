/*
 * screen.c -- draws drill mode's screen.
 *
 *   drill: balance (exercise 1 of 6), editing exercises/balance/balance.c
 *     build      PASS     5/5
 *     functional FAIL    20/50   2 of 5 tests pass
 *     tsan       ....            running
 *   First failure (functional): balance: two threads ...
 *       the evidence, as the grader wrote it, ending with the README section
 *   Progress: 0 of 6 exercises done; balance 25/100; 25 of 600 points
 *   h hint  l list  n next exercise  r re-run  q quit
 *
 * The screen is composed as lines first, then printed: on a terminal each
 * line is cut to the window's width and the evidence to what fits in its
 * height, so nothing scrolls away.
 */
#include "screen.h"

#include "rubric.h"
#include "text.h"
#include "util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static bool tty;

void screen_init(void)
{
	tty = paint_init();
}

static void check_row(const struct screen *s, enum check_kind check, struct text *out)
{
	const struct grading *g = s->grading;
	int tests = 0, passed = 0;
	double score = 0, max = 0;
	for (size_t i = 0; i < g->count; i++) {
		if (strcmp(g->outcomes[i].check, check_name(check)) != 0)
			continue;
		tests++;
		passed += g->outcomes[i].passed;
		score += g->outcomes[i].score;
		max += g->outcomes[i].max_score;
	}
	int expected = s->tests[check];
	text_printf(out, "  %-10s ", check_name(check));
	if (passed < tests)
		text_printf(out, "%sFAIL%s %5g/%-4g %d of %d tests pass\n", RED, RESET, score, max,
		            passed, expected);
	else if (tests == expected)
		text_printf(out, "%sPASS%s %5g/%-4g\n", GREEN, RESET, score, max);
	else if (g->phase == PHASE_DONE || g->phase == PHASE_ERROR)
		text_printf(out, "%s-    not graded%s\n", DIM, RESET);
	else
		text_printf(out, "%s....            %d of %d tests graded%s\n", DIM, tests,
		            expected, RESET);
}

static void header(const struct screen *s, struct text *out)
{
	if (s->banner)
		text_printf(out, "%s%s%s\n", BOLD, s->banner, RESET);
	text_printf(out, "%sdrill: %s%s (exercise %d of %d), editing %s\n", BOLD,
	            course[s->exercise], RESET, s->exercise + 1, course_count, s->file);
	for (int c = 0; c < CHECK_COUNT; c++)
		if (s->tests[c] > 0)
			check_row(s, (enum check_kind)c, out);
}

static void indented(const char *text, struct text *out)
{
	for (const char *p = text; *p;) {
		const char *eol = strchr(p, '\n');
		int len = eol ? (int)(eol - p) : (int)strlen(p);
		text_printf(out, "    %.*s\n", len, p);
		p += len + (eol ? 1 : 0);
	}
}

static void verdict(const struct screen *s, struct text *out)
{
	const struct grading *g = s->grading;
	const struct drill_outcome *first = grading_first_failure(g);
	double max = 0, score = grading_score(g, &max);
	if (g->phase == PHASE_ERROR)
		text_printf(out, "%sThe grader could not run:%s\n%s", RED, RESET, g->error);
	else if (first) {
		text_printf(out, "%sFirst failure (%s):%s %s\n", BOLD, first->check, RESET,
		            first->name);
		indented(first->output, out);
	} else if (g->phase == PHASE_DONE && score >= s->max_points)
		text_printf(out, "%sEvery check passes: full marks.%s\n", GREEN, RESET);
	else if (g->phase != PHASE_IDLE)
		text_printf(out, "No failure so far (%g/%g points graded)...\n", score, max);
	if (s->note)
		text_printf(out, "\n%s\n", s->note);
}

static void footer(const struct screen *s, struct text *out)
{
	const struct grading *g = s->grading;
	double score = grading_score(g, NULL), all = score;
	for (int i = 0; i < course_count; i++)
		all += i == s->exercise ? 0 : s->progress->of[i].best;
	double all_max = s->max_points + s->others_max;
	text_printf(out, "Progress: %d of %d exercises done; %s %g/%g; %g of %g points in all\n",
	            s->done, course_count, course[s->exercise], score, s->max_points, all, all_max);
	double since = s->saved_at > 0 ? s->saved_at : g->started;
	const char *cause = s->saved_at > 0 ? "save" : "start";
	char status[64] = "still grading";
	if (g->finished > 0)
		snprintf(status, sizeof status, "all checks in %.1f s", g->finished - since);
	if (g->first_verdict > 0)
		text_printf(out, "%sfirst verdict %.1f s after the %s; %s%s\n", DIM,
		            g->first_verdict - since, cause, status, RESET);
	else if (g->phase == PHASE_FAST)
		text_printf(out, "%sgrading since the %s...%s\n", DIM, cause, RESET);
	text_printf(out, "keys: h hint  l list  n next exercise  r re-run  q quit\n");
}

/* Display width of a line: escapes take none, UTF-8 continuations none. */
static size_t cut_at_width(const char *line, size_t len, size_t width)
{
	size_t cols = 0, i = 0;
	while (i < len) {
		if (line[i] == '\033') {
			while (i < len && line[i] != 'm')
				i++;
			i++;
			continue;
		}
		if (((unsigned char)line[i] & 0xc0) != 0x80 && cols++ == width)
			return i;
		i++;
	}
	return len;
}

/* text with every line longer than width broken at a space (or at width
 * if it has none), continuations indented like the line plus two. */
static char *wrap(const char *text, size_t width)
{
	struct text out = {0};
	if (!text)
		text = "";
	for (const char *p = text; *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *end = p + len + (eol ? 1 : 0);
		size_t indent = strspn(p, " ") + 2;
		size_t room = width, pad = 0;
		while (true) {
			size_t cut = width ? cut_at_width(p, len, room) : len;
			if (cut < len)
				for (size_t space = cut; space > 0; space--)
					if (p[space] == ' ') {
						cut = space;
						break;
					}
			text_printf(&out, "%*s%.*s\n", (int)pad, "", (int)cut, p);
			p += cut;
			len -= cut;
			if (len > 0 && *p == ' ') {
				p++;
				len--;
			}
			if (len == 0)
				break;
			pad = width > indent + 20 ? indent : 0;
			room = width - pad;
		}
		p = end;
	}
	text_add(&out, "");
	return text_take(&out);
}

static int count_lines(const char *text)
{
	int n = 0;
	for (const char *p = text; p && *p; p++)
		n += *p == '\n';
	return n;
}

/* Prints at most max_lines lines of text, each cut to width (0: uncut). */
static void emit(const char *text, int max_lines, size_t width)
{
	int n = 0;
	for (const char *p = text; p && *p && n < max_lines; n++) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		size_t shown = width ? cut_at_width(p, len, width) : len;
		printf("%.*s%s\n", (int)shown, p, RESET);
		p += len + (eol ? 1 : 0);
	}
}

void screen_draw(const struct screen *s)
{
	struct text top = {0}, middle = {0}, bottom = {0};
	header(s, &top);
	verdict(s, &middle);
	footer(s, &bottom);
	struct winsize ws = {0};
	int rows = 1000;
	size_t cols = 0;
	if (tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) {
		rows = ws.ws_row;
		cols = ws.ws_col > 1 ? ws.ws_col - 1 : 0;
	}
	int room = rows - count_lines(top.data) - count_lines(bottom.data) - 1;
	printf(tty ? "\033[H\033[2J" : "\n");
	emit(top.data, 1000, cols);
	char *wrapped = wrap(middle.data, cols);
	bool cut = count_lines(wrapped) > room;
	emit(wrapped, cut ? room - 1 : room, cols);
	free(wrapped);
	if (cut)
		printf("%s(more: make grade EX=%s)%s\n", DIM, course[s->exercise], RESET);
	emit(bottom.data, 1000, cols);
	fflush(stdout);
	text_free(&top);
	text_free(&middle);
	text_free(&bottom);
}
