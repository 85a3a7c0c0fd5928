/*
 * github.h -- results for GitHub Classroom's autograding reporter.
 */
#ifndef GRADER_GITHUB_H
#define GRADER_GITHUB_H

#include "results.h"

#include <stddef.h>
#include <stdint.h>

/* One exercise as the reporter's runner result: the JSON the stock
 * autograding-command-grader emits ({"version":1,"status",...}), but with a
 * test per rubric line and partial points.  Each message is capped at a few
 * KiB, and shorter still if the encoded result would pass 60 KiB, whatever
 * the submission printed.  Caller frees. */
char *github_runner_result(const struct results *r, const char *exercise, const char *src);

/* The runner result of an exercise that could not be graded: status
 * "error", one test worth 0 of max_score points, reason as its message. */
char *github_error_result(const char *exercise, double max_score, const char *reason);

/* Appends E_RESULTS=<base64 of the runner result> (E in upper case) for each
 * exercise to the $GITHUB_OUTPUT file at path. */
int github_write_outputs(const struct results *r, const char *const *exercises, int count,
                         const char *src, const char *path, char *err, size_t errlen);

/* Appends an error result for each exercise, out of the points of its rubric
 * under root: written before grading starts, so the reporter always finds a
 * result, and appended again with the reason when grading stops early.  A
 * later line for the same runner (the graded result) replaces it. */
int github_write_errors(const char *root, const char *const *exercises, int count,
                        const char *reason, const char *path, char *err, size_t errlen);

/* Standard base64, one line, no wrapping.  Caller frees. */
char *base64_encode(const unsigned char *data, size_t len);

#endif
