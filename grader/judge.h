/*
 * judge.h -- the verdict on one run of a harness test, and its evidence.
 */
#ifndef GRADER_JUDGE_H
#define GRADER_JUDGE_H

#include "graded.h"
#include "harness_run.h"
#include "rubric.h"
#include "text.h"

#include <stdbool.h>

/* Whether run passed check t, from what the harness and the tool observed:
 *   functional, timing: the harness's pass record (and its end record);
 *   tsan, helgrind: no report from the tool, and the run reached its end;
 *   memcheck: no report of Memcheck's in the student's file, the test
 *   passed, and the main process's log is whole.
 * Appends the evidence (addresses symbolized) to why, pass or fail. */
bool judge_run(const struct graded_exercise *g, const struct rubric_test *t,
               const struct harness_run *run, struct text *why);

#endif
