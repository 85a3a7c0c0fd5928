/*
 * graded.h -- the exercise being graded, as every step of its grading sees it.
 *
 * Set up once by grade.c (build, the harness's list of tests), then only
 * read: parallel jobs each get their own run folder and write nothing here.
 */
#ifndef GRADER_GRADED_H
#define GRADER_GRADED_H

#include "build.h"
#include "grader.h"
#include "protocol.h"

#include <stddef.h>

enum { MAX_HARNESS_TESTS = 64 };

/* A test the harness lists, with its native time limit. */
struct harness_test {
	char name[PROTOCOL_TEST_NAME_MAX];
	double seconds;
};

struct graded_exercise {
	const struct grader_config *cfg;
	const char *exercise;
	const struct build *build;
	struct harness_test tests[MAX_HARNESS_TESTS];
	size_t ntests;
	char home[4096]; /* every run's HOME: empty, the grader's, read-only */
};

/* The listed test of that name, or NULL. */
const struct harness_test *graded_find_test(const struct graded_exercise *g, const char *name);

#endif
