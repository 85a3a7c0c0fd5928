/*
 * report.c -- what the student reads on the terminal.
 *
 * One line per test (verdict, points, check, what it proves), and under a
 * failure the evidence, indented.  Progress shows on a terminal while slow
 * checks run; colour only on a terminal and never with NO_COLOR set.
 */
#include "report.h"

#include "util.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool tty;

void report_init(void)
{
	tty = paint_init();
	setvbuf(stdout, NULL, _IOLBF, 0);
}

void report_header(const char *src, unsigned long long seed, const char *isolation)
{
	printf("%sGrading %s%s (seed %llu)\n", BOLD, src, RESET, seed);
	printf("%sisolation: %s%s\n", DIM, isolation, RESET);
}

void report_warning(const char *text)
{
	printf("%sWARNING: %s%s\n", YELLOW, text, RESET);
}

void report_exercise_start(const char *exercise)
{
	printf("\n%s== %s ==%s\n", BOLD, exercise, RESET);
}

static void clear_progress(void)
{
	if (tty)
		printf("\r\033[K");
}

void report_progress(const char *exercise, const char *what)
{
	if (!tty)
		return;
	clear_progress();
	printf("%s  ... %s: %.70s%s", DIM, exercise, what, RESET);
	fflush(stdout);
}

/* Prints text with every line indented. */
static void indented(const char *text, const char *style)
{
	for (const char *p = text; *p;) {
		const char *eol = strchr(p, '\n');
		int len = eol ? (int)(eol - p) : (int)strlen(p);
		printf("        %s%.*s%s\n", style, len, p, RESET);
		p += len + (eol ? 1 : 0);
	}
}

/* SKIP: not measurable here; ERROR: the machine failed the run. */
static const char *label(const struct outcome *o, const char **style)
{
	if (o->kind == OUTCOME_UNMEASURABLE) {
		*style = YELLOW;
		return "SKIP";
	}
	if (o->kind == OUTCOME_ENVIRONMENT) {
		*style = YELLOW;
		return "ERROR";
	}
	*style = o->passed ? GREEN : RED;
	return o->passed ? "PASS" : "FAIL";
}

void report_test(const struct outcome *o)
{
	clear_progress();
	const char *style;
	const char *verdict = label(o, &style);
	printf("  %s%-4s%s %5g/%-4g %-10s %s\n", style, verdict, RESET, o->score, o->max_score,
	       check_name(o->check), o->name);
	if (o->output && *o->output)
		indented(o->output, o->passed && o->kind == OUTCOME_GRADED ? DIM : "");
}

void report_exercise_end(const struct results *r, const char *exercise)
{
	double max = 0, score = results_score(r, exercise, &max);
	printf("  %s%s: %g/%g%s\n", score == max ? GREEN : YELLOW, exercise, score, max, RESET);
}

void report_summary(const struct results *r, const char *const *exercises, int count)
{
	printf("\n%sSummary%s\n", BOLD, RESET);
	for (int i = 0; i < count; i++) {
		double max = 0, score = results_score(r, exercises[i], &max);
		printf("  %-10s %5g/%-5g %s\n", exercises[i], score, max,
		       max > 0 && score == max ? "done" : "");
	}
	double max = 0, score = results_score(r, NULL, &max);
	printf("  %s%-10s %5g/%-5g%s   (%.1f s, seed %llu)\n", BOLD, "total", score, max, RESET,
	       r->seconds, (unsigned long long)r->seed);
	size_t skipped = results_count_kind(r, NULL, OUTCOME_UNMEASURABLE);
	size_t broken = results_count_kind(r, NULL, OUTCOME_ENVIRONMENT);
	if (skipped)
		printf("%sWARNING: %zu test%s could not be measured on this machine (SKIP): they "
		       "count 0 of 0 points.%s\n",
		       YELLOW, skipped, skipped == 1 ? "" : "s", RESET);
	if (broken)
		printf("%sWARNING: the machine failed %zu test%s (ERROR): grade again where it has "
		       "the resources.%s\n",
		       YELLOW, broken, broken == 1 ? "" : "s", RESET);
}
