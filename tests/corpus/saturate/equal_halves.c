/* expect: functional=passed timing=failed tsan=passed helgrind=passed */
/* expect-output: did not share the cost evenly */
/*
 * equal_halves.c -- gives each thread an equal contiguous slice of the
 * range.  Correct, and it scales where the cost is even (near 2^31), but
 * on [0, N) the last slice holds most of the cost: on 2 CPUs it tops out
 * near 1.6.  The balance check must fail it.
 */
#include "saturate.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct slice {
	pthread_t thread;
	long lo, hi, count;
};

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
	for (long n = s->lo; n < s->hi; n++)
		s->count += is_prime(n);
	return NULL;
}

long count_primes(long lo, long hi, int nthreads)
{
	long length = hi > lo ? hi - lo : 0;
	struct slice *slices = calloc((size_t)nthreads, sizeof *slices);
	for (int i = 0; i < nthreads; i++) {
		slices[i].lo = lo + length * i / nthreads;
		slices[i].hi = lo + length * (i + 1) / nthreads;
		pthread_create(&slices[i].thread, NULL, count_slice, &slices[i]);
	}
	long total = 0;
	for (int i = 0; i < nthreads; i++) {
		pthread_join(slices[i].thread, NULL);
		total += slices[i].count;
	}
	free(slices);
	return total;
}
