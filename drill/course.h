/*
 * course.h -- the six exercises in course order, and what the project has
 * of each (a rubric, hints, a pristine stub), for drill mode.
 */
#ifndef DRILL_COURSE_H
#define DRILL_COURSE_H

#include "rubric.h"

#include <stdbool.h>

enum { COURSE_SIZE = 6, CHECK_COUNT = CHECK_RULES + 1 };
extern const char *const course[COURSE_SIZE];

/* Position of exercise in the course, or -1 if it is not one of the six. */
int course_index(const char *exercise);

/* Whether the project has a harness for it yet (harness/E/rubric.json). */
bool course_available(const char *root, const char *exercise);

/* The points its rubric gives in all; 0 when it has none yet. */
double course_max_points(const char *root, const char *exercise);

/* How many tests its rubric has of each check (indexed by enum check_kind). */
void course_check_counts(const char *root, const char *exercise, int counts[CHECK_COUNT]);

/* root/rel/E/E.c ("exercises", "harness" ...): a new string. */
char *course_file(const char *root, const char *dir, const char *exercise, const char *file);

#endif
