/*
 * schedule.h -- runs an exercise's rubric tests, several at once.
 */
#ifndef GRADER_SCHEDULE_H
#define GRADER_SCHEDULE_H

#include "pool.h"
#include "rubric.h"

#include <stdbool.h>
#include <stddef.h>

/* What the scheduler asks of its caller, for each test of the rubric. */
struct schedule {
	const struct rubric *rubric;
	void *context;
	/* Whether to grade it at all. */
	bool (*selected)(void *context, const struct rubric_test *t);
	/* Cheap: graded in the grader's own process, in order. */
	bool (*quick)(void *context, const struct rubric_test *t);
	/* Grades it (in a pool job unless quick); true if it passed. */
	bool (*grade)(void *context, const struct rubric_test *t, size_t index, struct text *why);
	/* A job for it starts. */
	void (*started)(void *context, const struct rubric_test *t);
	/* Its result, strictly in rubric order. */
	void (*done)(void *context, size_t index, struct pool_job *job);
};

/* Grades every selected test, as many jobs at once as there are CPUs,
 * except that a test that runs alone (timing) has the machine to itself;
 * calls done for each in rubric order. */
void schedule_run(const struct schedule *s);

#endif
