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

/* Thread numbers, and so random streams, go by creation order rather than
 * by which thread happens to start first: the creator reserves n numbers,
 * and each new thread takes its own before anything else. */
unsigned harness_reserve_thread_numbers(unsigned n);
void harness_take_thread_number(unsigned number);

#endif
