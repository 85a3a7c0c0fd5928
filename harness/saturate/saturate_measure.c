/*
 * saturate_measure.c -- the saturate harness's yardsticks: its own counts
 * of a range (a sieve for exact answers, trial division for timing), the
 * student's count timed and traced thread by thread, and whether every
 * thread counted.
 *
 * Parallelism is measured, never assumed: the wrappers count the student's
 * pthread_create calls and record when each thread ran and the CPU time it
 * used (harness_thread_spans), which the tests read after each run.
 */
#include "saturate.h"
#include "saturate_harness.h"

#include <stdlib.h>

/* --- the harness's own count: a segmented sieve ------------------------ */

/* Marks the composites of [lo, hi) (lo >= 2) in is_composite[n - lo]. */
static void sieve_segment(long lo, long hi, unsigned char *is_composite)
{
	for (long d = 2; d * d < hi; d++) {
		long first = (lo + d - 1) / d * d;
		if (first < d * d)
			first = d * d;
		for (long m = first; m < hi; m += d)
			is_composite[m - lo] = 1;
	}
}

long sieve_count(long lo, long hi)
{
	if (lo < 2)
		lo = 2;
	if (hi <= lo)
		return 0;
	unsigned char *is_composite = harness_alloc((size_t)(hi - lo));
	sieve_segment(lo, hi, is_composite);
	long count = 0;
	for (long n = lo; n < hi; n++)
		count += !is_composite[n - lo];
	free(is_composite);
	return count;
}

double time_all_alive(const struct harness_thread_span *spans, size_t n)
{
	double last_start = 0, first_end = 1e300;
	for (size_t i = 0; i < n; i++) {
		if (spans[i].start > last_start)
			last_start = spans[i].start;
		if (spans[i].end < first_end)
			first_end = spans[i].end;
	}
	return n > 0 ? first_end - last_start : 0;
}

/* --- the harness's own serial count ------------------------------------- */

/* Trial division by odd numbers up to the square root: the stub's method,
 * which the README suggests keeping.  Every speedup is measured against
 * this count, which the submission cannot slow down, never against the
 * submission's own one-thread call, which it could pad. */
static bool trial_division_prime(long n)
{
	if (n < 2)
		return false;
	if (n % 2 == 0)
		return n == 2;
	for (long d = 3; d * d <= n; d += 2)
		if (n % d == 0)
			return false;
	return true;
}

/* One count of [lo, hi): by the harness (nthreads 0) or by the student. */
struct count_call {
	long lo, hi;
	int nthreads;
	long count;
};

static void count_by_trial_division(void *arg)
{
	struct count_call *c = arg;
	long count = 0;
	for (long n = c->lo; n < c->hi; n++)
		count += trial_division_prime(n);
	c->count = count;
}

struct harness_timing serial_count(long lo, long hi, long *count)
{
	struct count_call c = {lo, hi, 0, 0};
	struct harness_timing t = harness_time_undisturbed(count_by_trial_division, &c);
	*count = c.count;
	return t;
}

struct harness_timing checked_serial_count(long lo, long hi, long expected)
{
	long count;
	struct harness_timing t = serial_count(lo, hi, &count);
	ck_assert_msg(count == expected,
	              "harness: its trial division found %ld primes in [%ld, %ld), its sieve %ld",
	              count, lo, hi, expected);
	return t;
}

/* --- the student's count ------------------------------------------------ */

static void call_count_primes(void *arg)
{
	struct count_call *c = arg;
	c->count = count_primes(c->lo, c->hi, c->nthreads);
}

struct harness_timing student_count(long lo, long hi, int nthreads, long *count)
{
	struct count_call c = {lo, hi, nthreads, 0};
	struct harness_timing t = harness_time(call_count_primes, &c);
	*count = c.count;
	return t;
}

struct harness_timing traced(long lo, long hi, int nthreads, long expected,
                             struct harness_thread_span *spans, size_t *n)
{
	struct harness_calls before = harness_calls();
	harness_thread_spans_reset();
	long count;
	struct harness_timing t = student_count(lo, hi, nthreads, &count);
	*n = harness_thread_spans(spans, MAX_SPANS);
	ck_assert_msg(count == expected, "count_primes(%ld, %ld, %d) returned %ld, expected %ld",
	              lo, hi, nthreads, count, expected);
	ck_assert_msg(harness_calls().fork == before.fork,
	              "count_primes(%ld, %ld, %d) called fork: count with threads only", lo, hi,
	              nthreads);
	for (size_t i = 0; i < *n; i++)
		ck_assert_msg(spans[i].end > 0,
		              "count_primes(%ld, %ld, %d) returned while one of its threads was "
		              "still running: join every thread before returning",
		              lo, hi, nthreads);
	return t;
}

/* --- did every thread count? -------------------------------------------- */

struct counting counting_of(struct harness_timing t, const struct harness_thread_span *spans,
                            size_t n)
{
	double least = n > 0 ? 1e300 : 0;
	for (size_t i = 0; i < n; i++)
		if (spans[i].cpu < least)
			least = spans[i].cpu;
	double even_share = t.cpu / (double)(n > 0 ? n : 1);
	return (struct counting){t.cpu, even_share > 0 ? least / even_share : 0};
}

void keep_least(struct counting *least, struct counting c)
{
	if (c.cpu < least->cpu)
		*least = c;
}

bool all_counted(struct counting least, double serial_cpu)
{
	return least.least_share >= SHARE && least.cpu <= EXTRA_WORK * serial_cpu;
}
