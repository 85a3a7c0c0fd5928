/*
 * grading.h -- one grading of the student's file, run by the grader as a
 * child process in two phases: the fast checks (build, functional) first,
 * so a verdict is on screen within about a second, then the slow ones
 * (every other kind of check).  Verdicts arrive one by one on the
 * grader's --stream pipe and are shown as they come.
 */
#ifndef DRILL_GRADING_H
#define DRILL_GRADING_H

#include "text.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum { MAX_OUTCOMES = 128 };

struct drill_outcome {
	char *name, *check, *output;
	bool passed;
	double score, max_score;
};

enum grading_phase { PHASE_IDLE, PHASE_FAST, PHASE_SLOW, PHASE_DONE, PHASE_ERROR };

struct grading {
	const char *grader, *root, *exercise; /* the grader binary, the project */
	enum grading_phase phase;
	pid_t pid;
	int fd;           /* read end of the stream pipe while a phase runs */
	struct text line; /* a verdict line being read */
	struct drill_outcome outcomes[MAX_OUTCOMES];
	size_t count;
	double started, first_verdict, finished; /* monotonic seconds; 0: not yet */
	char error[2048];                        /* PHASE_ERROR: what the grader said */
};

/* Starts grading exercise afresh, cancelling any grading under way. */
void grading_start(struct grading *g, const char *exercise);
/* Reads what the grader sent when g->fd is readable; starts the next phase
 * when one ends.  Returns true if anything new is to be shown. */
bool grading_read(struct grading *g);
/* Stops the grader, if running, and forgets the outcomes. */
void grading_cancel(struct grading *g);

/* Sum of the outcomes' scores, and of their maxima. */
double grading_score(const struct grading *g, double *max_score);
/* The first failed test, in the order graded; NULL if none failed. */
const struct drill_outcome *grading_first_failure(const struct grading *g);

#endif
