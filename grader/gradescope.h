/*
 * gradescope.h -- the results as Gradescope's results.json, to its spec.
 */
#ifndef GRADER_GRADESCOPE_H
#define GRADER_GRADESCOPE_H

#include "results.h"

#include <stddef.h>

/* Writes path in Gradescope's autograder format: only the spec's fields,
 * ours under extra_data; each test's visibility from its rubric under root;
 * a leaderboard of the figures the harness reported.  -1 with err. */
int gradescope_write(const struct results *r, const char *root, const char *path, char *err,
                     size_t errlen);

/* Writes path saying grading could not run, and why: 0 points, no tests. */
int gradescope_write_stopped(const char *reason, const char *path, char *err, size_t errlen);

#endif
