/*
 * summary.h -- the results as the Markdown job summary of GitHub Actions.
 */
#ifndef GRADER_SUMMARY_H
#define GRADER_SUMMARY_H

#include "results.h"

#include <stddef.h>

/* Appends to the $GITHUB_STEP_SUMMARY file at path: the grade, a table of
 * points per exercise, a row per test, and under each exercise a <details>
 * block per failed test with the first lines of its evidence.  Stays under
 * the 128 KiB GitHub accepts for a step's summary.  -1 with err on failure. */
int github_write_summary(const struct results *r, const char *const *exercises, int count,
                         const char *path, char *err, size_t errlen);

/* Appends a line saying grading stopped early, and why. */
int github_write_summary_stopped(const char *reason, const char *path, char *err, size_t errlen);

#endif
