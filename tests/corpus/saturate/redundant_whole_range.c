/* expect: functional=passed timing=failed score=partial */
/* expect-output: without counting */
/*
 * redundant_whole_range.c -- every thread counts the whole range, so the
 * result is right, the threads overlap and their CPU time is spread
 * evenly, yet nthreads threads take as long as one; the one-thread call
 * counts the range twice to make the old ratio of student timings look
 * like a speedup.  The harness's own serial count shows there is none, and
 * the threads burned nthreads times the CPU time the count needs.
 */
#include "saturate.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct copy {
	pthread_t thread;
	long lo, hi, count;
} __attribute__((aligned(64)));

static bool is_prime(long n)
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

static long count_range(long lo, long hi)
{
	long count = 0;
	for (long n = lo; n < hi; n++)
		count += is_prime(n);
	return count;
}

static void *count_copy(void *arg)
{
	struct copy *c = arg;
	c->count = count_range(c->lo, c->hi);
	return NULL;
}

long count_primes(long lo, long hi, int nthreads)
{
	if (nthreads <= 1) {
		/* Through a volatile pointer, so the compiler cannot merge the calls. */
		long (*volatile again)(long, long) = count_range;
		long once = count_range(lo, hi);
		return again(lo, hi) == once ? once : -1;
	}
	struct copy *copies = aligned_alloc(64, sizeof *copies * (size_t)nthreads);
	if (!copies)
		return -1;
	for (int i = 0; i < nthreads; i++) {
		copies[i] = (struct copy){.lo = lo, .hi = hi};
		pthread_create(&copies[i].thread, NULL, count_copy, &copies[i]);
	}
	long count = 0;
	for (int i = 0; i < nthreads; i++) {
		pthread_join(copies[i].thread, NULL);
		count = copies[i].count;
	}
	free(copies);
	return count;
}
