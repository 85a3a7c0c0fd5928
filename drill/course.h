/*
 * course.h -- the exercises in course order, as exercises/course.list
 * lists them, and what the project has of each (a rubric, hints, a
 * pristine stub), for drill mode and the project's tests.
 */
#ifndef DRILL_COURSE_H
#define DRILL_COURSE_H

#include "rubric.h"

#include <stdbool.h>

enum { COURSE_MAX = 32 };
extern const char *course[COURSE_MAX]; /* the names, in course order */
extern int course_count;               /* how many there are */

/* Reads root/exercises/course.list into course[] and course_count; call
 * once before anything else here.  On failure says why (file, line, fix)
 * on stderr and returns -1. */
int course_load(const char *root);

/* The names, comma-separated ("balance, deadlock, ..."): a new string. */
char *course_names(void);

/* Position of exercise in the course, or -1 if it is not one of them. */
int course_index(const char *exercise);

/* Whether the project has a harness for it yet (harness/E/rubric.json). */
bool course_available(const char *root, const char *exercise);

/* The points its rubric gives in all; 0 when it has none yet. */
double course_max_points(const char *root, const char *exercise);

/* How many tests its rubric has of each check (indexed by enum check_kind). */
void course_check_counts(const char *root, const char *exercise, int counts[CHECK_COUNT]);

#endif
