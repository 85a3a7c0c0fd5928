/*
 * progress.h -- the student's progress through the course, kept in
 * .progress at the project's root: plain text, git-ignored, and safe to
 * delete (everything starts over from "new").
 */
#ifndef DRILL_PROGRESS_H
#define DRILL_PROGRESS_H

#include "course.h"

enum exercise_state { STATE_NEW, STATE_STARTED, STATE_DONE };

struct exercise_progress {
	enum exercise_state state;
	double best, max; /* best score graded so far, out of max */
	int hints;        /* hints shown so far */
};

struct progress {
	char *path;
	struct exercise_progress of[COURSE_MAX]; /* in course order */
};

/* Reads root/.progress; a missing or unreadable file means a fresh start. */
void progress_load(struct progress *p, const char *root);
/* Writes it atomically (a new file renamed over the old); -1 on failure. */
int progress_save(const struct progress *p);
void progress_free(struct progress *p);

/* Notes a complete grading: the best score, and done at full marks. */
void progress_record(struct progress *p, int exercise, double score, double max);

const char *progress_state_name(enum exercise_state state);

#endif
