/* expect: score=full */
/*
 * interleaved.c -- a correct alternative: thread i tests lo + i,
 * lo + i + n, lo + i + 2n, ..., so every thread gets numbers from every
 * part of the range and the same share of the cost, with no shared state
 * at all while counting.  Each count sits in its own cache line.
 */
#include "saturate.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct slice {
	pthread_t thread;
	long first, hi, step, count;
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

static void *count_slice(void *arg)
{
	struct slice *s = arg;
	long count = 0;
	for (long n = s->first; n < s->hi; n += s->step)
		count += is_prime(n);
	s->count = count;
	return NULL;
}

long count_primes(long lo, long hi, int nthreads)
{
	long twos = lo <= 2 && 2 < hi;
	long first_odd = lo < 3 ? 3 : lo | 1;
	struct slice *slices = aligned_alloc(64, sizeof *slices * (size_t)nthreads);
	if (!slices)
		return -1;
	for (int i = 0; i < nthreads; i++) {
		slices[i] =
		    (struct slice){.first = first_odd + 2L * i, .hi = hi, .step = 2L * nthreads};
		pthread_create(&slices[i].thread, NULL, count_slice, &slices[i]);
	}
	long total = twos;
	for (int i = 0; i < nthreads; i++) {
		pthread_join(slices[i].thread, NULL);
		total += slices[i].count;
	}
	free(slices);
	return total;
}
