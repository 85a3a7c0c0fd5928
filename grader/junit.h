/*
 * junit.h -- the results as JUnit XML, for CI systems that show test reports.
 */
#ifndef GRADER_JUNIT_H
#define GRADER_JUNIT_H

#include "results.h"

#include <stddef.h>

/* One <testsuite> per exercise, one <testcase> per rubric test (file
 * src/E/E.c, line where the evidence names one), a <failure> with the
 * evidence for each failed one.  -1 with a reason in err. */
int junit_write(const struct results *r, const char *const *exercises, int count, const char *src,
                const char *path, char *err, size_t errlen);

#endif
