/*
 * saturate_harness.h -- what the saturate harness's files share: the
 * harness's own counts of a range, the student's count timed and traced
 * thread by thread, and the test of whether every thread counted.
 *
 * The harness's files, by concern:
 *   saturate_measure.c     the harness's counts, timed runs, thread figures;
 *   saturate_functional.c  exact counts for every split (and harness_define);
 *   saturate_timing.c      threads created and running at once; the speedup;
 *   saturate_balance.c     a range whose cost grows still shared evenly;
 *   saturate_controlled.c  a short count under controlled schedules.
 */
#ifndef SATURATE_HARNESS_H
#define SATURATE_HARNESS_H

#include "harness.h"

#include <stdbool.h>
#include <stddef.h>

#define TWO_TO_31 2147483648L
#define MAX_SPANS 64

/* The primes in [lo, hi), by the harness's own segmented sieve. */
long sieve_count(long lo, long hi);

/* How long every thread was alive at once; negative: how long after the
 * first thread ended the last one began. */
double time_all_alive(const struct harness_thread_span *spans, size_t n);

/* The harness's serial count of [lo, hi) by trial division, the stub's
 * method, timed by the calling thread's own CPU clock with its signals
 * blocked (harness_time_undisturbed): neither other processes' load nor a
 * thread or signal handler the submission left behind can stretch it.
 * The count goes to *count. */
struct harness_timing serial_count(long lo, long hi, long *count);
/* serial_count, which must find `expected` primes (the sieve's count). */
struct harness_timing checked_serial_count(long lo, long hi, long expected);

/* The student's count_primes(lo, hi, nthreads), with the CPU time of every
 * thread of the process (harness_time); the count goes to *count. */
struct harness_timing student_count(long lo, long hi, int nthreads, long *count);

/* student_count with the life of each thread it created (spans, *n of
 * them); fails unless the count is `expected`, nothing forked, and every
 * thread ended before it returned (a thread or process left running would
 * compete with the measurements). */
struct harness_timing traced(long lo, long hi, int nthreads, long expected,
                             struct harness_thread_span *spans, size_t *n);

/*
 * Whether the threads shared the counting, from CPU time the submission
 * cannot fake, in the run that used the least CPU time: every thread used
 * at least SHARE of an even share of that run's CPU time, and all of them
 * together at most EXTRA_WORK times the least the harness's serial count of
 * the same range needed.  Best of each side, because a virtual machine's
 * host can inflate every CPU time of a moment; the least run, because a
 * submission could otherwise show even CPU time in one run and little in
 * another.
 *
 * Threads that spin or yield while others count, or that all count
 * everything, fail one bound or the other.  Beside one counting thread on
 * n threads, a spinner must burn at least 1/(n + 1) of that thread's CPU
 * time to pass the first bound and at most 1/(4(n - 1)) to pass the
 * second: never both.  (Only with fewer spinners than 2 threads in 5 do
 * both hold, and then most threads count.)
 */
#define SHARE      0.5
#define EXTRA_WORK 1.25

struct counting {
	double cpu;         /* the run's CPU time, every thread of the process */
	double least_share; /* least thread's CPU time over an even share */
};

struct counting counting_of(struct harness_timing t, const struct harness_thread_span *spans,
                            size_t n);
/* Keeps the run that used the least CPU time. */
void keep_least(struct counting *least, struct counting c);
bool all_counted(struct counting least, double serial_cpu);

/* The saturate harness's tests beyond the functional ones. */
void saturate_define_timing(void);
void saturate_define_balance(void);
void saturate_define_controlled(void); /* saturate_controlled.c: under controlled schedules */

#endif
