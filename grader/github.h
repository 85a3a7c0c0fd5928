/*
 * github.h -- results for GitHub Classroom's autograding reporter and for
 * the Actions job summary.
 */
#ifndef GRADER_GITHUB_H
#define GRADER_GITHUB_H

#include "results.h"

#include <stddef.h>
#include <stdint.h>

/* One exercise as the reporter's runner result: the JSON the stock
 * autograding-command-grader emits ({"version":1,"status",...}), but with a
 * test per rubric line and partial points.  Caller frees. */
char *github_runner_result(const struct results *r, const char *exercise, const char *src);

/* Appends E_RESULTS=<base64 of the runner result> (E in upper case) for each
 * exercise to the $GITHUB_OUTPUT file at path. */
int github_write_outputs(const struct results *r, const char *const *exercises, int count,
                         const char *src, const char *path, char *err, size_t errlen);

/* Appends a Markdown table of the results to the $GITHUB_STEP_SUMMARY file. */
int github_write_summary(const struct results *r, const char *const *exercises, int count,
                         const char *path, char *err, size_t errlen);

/* Standard base64, one line, no wrapping.  Caller frees. */
char *base64_encode(const unsigned char *data, size_t len);

#endif
