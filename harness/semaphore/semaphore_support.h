/*
 * semaphore_support.h -- what the semaphore harness's test files share:
 * deadlines on CLOCK_REALTIME (csem_timedwait's clock), csem_wait calls
 * left blocked in the background, and runs of the student's code that fail
 * the test once it stalls instead of hanging until the watchdog.
 *
 * The tests, by concern: semaphore_functional.c (one semaphore's rules:
 * values, timedwait, wakeups), semaphore_counts.c (exact counts under many
 * threads, run_limited), semaphore_workout.c (the sanitizers' workout),
 * semaphore_timing.c (no busy waiting, prompt wakeups),
 * semaphore_controlled.c (waits and posts under controlled schedules).  Each file
 * registers its own tests (START_TEST names are static to their file):
 * harness_define (semaphore_functional.c) calls the others.
 */
#ifndef SEMAPHORE_SUPPORT_H
#define SEMAPHORE_SUPPORT_H

#include "harness.h"
#include "semaphore.h"

#include <time.h>

/* Longest a test waits for a call that should return, before failing. */
#define GIVE_UP_S 2.0
/* Deadline of the timedwaits in stress runs, where permits keep coming. */
#define PATIENT_WAIT_S 5.0

/* CLOCK_REALTIME now, in seconds; and as a deadline `seconds` from now. */
double realtime_now(void);
struct timespec realtime_after(double seconds);

/* csem_init(s, value), failing the test unless it returns 0. */
void init_or_fail(csem_t *s, unsigned value);

/* n threads calling csem_wait(s) in the background, counted in *b as they
 * return (harness_background_returned); *b lives until they all have. */
void start_waiters(struct harness_background *b, unsigned n, csem_t *s);

/* harness_run_threads, and the student's run_limited, on a thread of their
 * own: the test fails, naming `what`, once the student's code makes no
 * call to a mutex or condition variable for a few seconds (a lost wakeup),
 * however long slow progress takes. */
void run_threads_within(unsigned n, void (*fn)(unsigned i, void *arg), void *arg, const char *what);
int run_limited_within(unsigned ntasks, unsigned limit, void (*task)(unsigned i, void *arg),
                       void *arg);

/* Registration of each file's tests, in the order the rubric lists them. */
void semaphore_add_count_tests(void);
void semaphore_add_controlled_tests(void); /* semaphore_controlled.c: under controlled schedules */
void semaphore_add_workout_tests(void);
void semaphore_add_timing_tests(void);

#endif
