/*
 * grade.h -- grades one exercise: build, then every test of its rubric.
 */
#ifndef GRADER_GRADE_H
#define GRADER_GRADE_H

#include "grader.h"
#include "results.h"

#include <stddef.h>

/* Adds one outcome per rubric test to res, reporting each as it finishes.
 * Returns -1 (reason in err) only when the grader cannot grade at all:
 * a broken rubric, a harness not built. */
int grade_exercise(const struct grader_config *cfg, const char *exercise, struct results *res,
                   char *err, size_t errlen);

#endif
