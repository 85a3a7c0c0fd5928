/*
 * internal.h -- what the common harness files share among themselves and
 * not with exercise harnesses.
 */
#ifndef HARNESS_INTERNAL_H
#define HARNESS_INTERNAL_H

#include <stdarg.h>

/* Exit statuses of the harness process; the grader trusts only the verdict
 * records, these just make a hand-run readable. */
enum {
	HARNESS_EXIT_FAILED = 1,
	HARNESS_EXIT_USAGE = 2,
	HARNESS_EXIT_HANG = 3,
};

void harness_record(const char *kind, const char *fmt, va_list ap);
void harness_recordf(const char *kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reads HARNESS_SEED and the perturbation defaults; called before a test. */
void harness_perturb_init(void);

/* The calling thread's harness number (0 for the test's main thread). */
unsigned harness_thread_number(void);

/* Installs the seccomp filter (sandbox.c); call after the harness is set up
 * and before any student code runs.  0, or -1 after an info record saying
 * the run is not confined by it. */
int harness_sandbox_enter(void);

#endif
