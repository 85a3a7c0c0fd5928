/*
 * harness_run.h -- runs harness tests the way protocol.h says.
 */
#ifndef GRADER_HARNESS_RUN_H
#define GRADER_HARNESS_RUN_H

#include "graded.h"
#include "rubric.h"
#include "run.h"
#include "verdict.h"

/* Fills g->tests from the harness's own list (the debug build's); -1 with
 * a reason in err when the harness will not list them. */
int harness_list(struct graded_exercise *g, char *err, size_t errlen);

/* What one run of a harness test left: how it ended, its verdict, the
 * log its tool wrote ("" without a tool). */
struct harness_run {
	struct run_result result;
	struct verdict verdict;
	char *tool_log;
	char *log_notes;        /* what was odd in the run folder's logs, "" if nothing */
	bool tool_found_errors; /* the tool's exit status says it found errors */
};

/* Runs test h for rubric test t in run_dir (which exists, is empty and
 * belongs to the run's user): under Valgrind for a helgrind or memcheck
 * check, in t's build otherwise, with a fresh key.  Never fails: a run that could not
 * start says so in out->result. */
void harness_run_test(const struct graded_exercise *g, const struct rubric_test *t,
                      const struct harness_test *h, const char *run_dir, struct harness_run *out);
void harness_run_free(struct harness_run *run);

#endif
