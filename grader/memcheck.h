/*
 * memcheck.h -- turns Memcheck's logs into what a student can act on, and
 * only what is the student's.
 */
#ifndef GRADER_MEMCHECK_H
#define GRADER_MEMCHECK_H

#include "text.h"

#include <stdbool.h>
#include <stddef.h>

/* Appends Memcheck's options to argv from index n (6 entries, each a new
 * string) and returns the new count: full leak checking, where
 * uninitialised values came from, the descriptors open at exit. */
size_t memcheck_options(char *argv[], size_t n);

/* What the logs of one run said. */
struct memcheck_findings {
	int student;       /* reports with a frame in the student's file */
	int others;        /* error reports of the main process that are not */
	bool main_summary; /* the main process's log reached its ERROR SUMMARY */
};

/* Appends to out an explanation of every report in log (the run folder's
 * memcheck.PID logs, concatenated; main_pid the process the run started)
 * that has a frame in the student's file
 * (student_path, as compiled), shown as shown_path:line with its source.
 * Reports of the harness, Check or libc alone are not the student's and
 * are not counted.  Descriptors left open count only in the main process
 * (a worker exits holding its own pipes); leaks and descriptors are not
 * judged after a failed test (test_failed: the harness stopped mid-test,
 * so what the test would have freed is still held). */
void memcheck_explain(const char *log, long main_pid, const char *student_path,
                      const char *shown_path, bool test_failed, struct text *out,
                      struct memcheck_findings *found);

#endif
