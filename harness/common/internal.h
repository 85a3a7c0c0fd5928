/*
 * internal.h -- what the common harness files share among themselves and
 * not with exercise harnesses.
 */
#ifndef HARNESS_INTERNAL_H
#define HARNESS_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

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
/* Controlled schedules to explore; 0: the test runs freely (controlled.h). */
unsigned harness_config_schedules(void);

/* controlled.c: runs a test once per controlled schedule until one fails
 * or all pass; run_once runs it once and says why it failed. */
typedef bool (*harness_test_runner)(const void *test, char *failure, size_t len);
bool harness_controlled(const void *test, double seconds, harness_test_runner run_once,
                        char *failure, size_t len);

/* record.c: the verdict channel (stdout until harness_record_to). */
void harness_record_to(int fd);
void harness_record(const char *kind, const char *fmt, va_list ap);
void harness_recordf(const char *kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* watchdog.c: fails the test after seconds times the stretch. */
void harness_watchdog_start(double seconds);

/* perturb.c: the perturbation policy.  harness_perturb_init sets the
 * default before a test; a perturbation point maybe yields or sleeps (or
 * spins, while other processes hold the CPUs); harness_chance draws from
 * the calling thread's stream. */
void harness_perturb_init(void);
struct harness_perturbation harness_perturbation_now(void);
bool harness_chance(unsigned per_mille);
void harness_perturb_point(void);
void harness_yield_briefly(void);

/* locktable.c: the calling thread waits for mutex (or, cond not NULL, on a
 * condition variable) at the student's address where, until wait_end; it
 * holds mutex or not. */
void harness_lock_wait_begin(const void *mutex, const void *cond, const void *where);
void harness_lock_wait_end(void);
void harness_lock_note(const void *mutex, bool held);

/* spans.c: the calling student thread's span, opened as it starts (NULL
 * past the table's size) and closed however it ends (a cleanup handler). */
struct harness_thread_span *harness_span_begin(void);
void harness_span_end(void *span);

/* The calling thread's harness number (0 for the test's main thread). */
unsigned harness_thread_number(void);

/* thread_faults.c: the error the student's pthread_create about to be
 * made must fail with (harness_fail_thread_create), or 0. */
int harness_thread_create_fault(void);

/* Installs the seccomp filter (sandbox.c); call after the harness is set up
 * and before any student code runs.  0, or -1 after an info record saying
 * the run is not confined by it. */
int harness_sandbox_enter(void);

/* socket_wrappers.c: notes a read or write (call, at the student's address
 * where) on fd if it is a socket the student accepted and left blocking,
 * unless flags hold MSG_DONTWAIT.  io_wrappers.c calls it for the read and
 * write family, which it wraps. */
void harness_socket_note_io(int fd, int flags, const char *call, const void *where);

/* Thread numbers, and so random streams, go by creation order rather than
 * by which thread happens to start first: the creator reserves n numbers,
 * and each new thread takes its own before anything else. */
unsigned harness_reserve_thread_numbers(unsigned n);
void harness_take_thread_number(unsigned number);

#endif
