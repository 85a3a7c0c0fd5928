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

/* config.c: reads the grader's configuration pipe to its end and closes
 * it; 0, or -1 when it is missing or malformed (no key, no test). */
int harness_config_read(int fd);
/* A hand run: the test named on the command line, the default settings. */
void harness_config_hand_run(const char *test);
const char *harness_config_key(void);
const char *harness_config_test(void);
/* The watchdog's limit multiplier (may be below 1: a rubric's timeout). */
double harness_config_stretch(void);

/* record.c: the verdict channel (stdout until harness_record_to). */
void harness_record_to(int fd);
void harness_record(const char *kind, const char *fmt, va_list ap);
void harness_recordf(const char *kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* watchdog.c: fails the test after seconds times the stretch. */
void harness_watchdog_start(double seconds);

/* Sets the default perturbation; called before a test. */
void harness_perturb_init(void);

/* The calling thread's harness number (0 for the test's main thread). */
unsigned harness_thread_number(void);

/* Installs the seccomp filter (sandbox.c); call after the harness is set up
 * and before any student code runs.  0, or -1 after an info record saying
 * the run is not confined by it. */
int harness_sandbox_enter(void);

/* Thread numbers, and so random streams, go by creation order rather than
 * by which thread happens to start first: the creator reserves n numbers,
 * and each new thread takes its own before anything else. */
unsigned harness_reserve_thread_numbers(unsigned n);
void harness_take_thread_number(unsigned number);

#endif
