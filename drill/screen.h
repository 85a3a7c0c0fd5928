/*
 * screen.h -- what drill mode shows: one compact screen, redrawn whole on
 * every change.  On a terminal it fits the window and uses colour unless
 * NO_COLOR is set; elsewhere (a pipe, a log) it prints plain text blocks.
 */
#ifndef DRILL_SCREEN_H
#define DRILL_SCREEN_H

#include "grading.h"
#include "progress.h"

struct screen {
	int exercise;           /* course index */
	const char *file;       /* the student's file, as shown */
	int tests[CHECK_COUNT]; /* the rubric's tests of each check */
	double max_points;      /* the rubric's total */
	double others_max;      /* the other exercises' totals, as far as they exist */
	const struct grading *grading;
	const struct progress *progress;
	const char *banner;  /* news, such as full marks on the last exercise */
	const char *note;    /* a hint or the list, until the next save */
	double saved_at;     /* when the save that started this grading was seen */
	int done, available; /* exercises done, exercises in the project */
};

void screen_init(void);
void screen_draw(const struct screen *s);

#endif
