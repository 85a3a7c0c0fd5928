/* expect: functional=passed timing=failed tsan=passed helgrind=passed */
/* expect-output: should approach */
/*
 * lock_around_work.c -- every thread holds one global mutex while it
 * counts: correct, race-free, all threads alive at once, work dealt out
 * evenly, and still one thread at a time.  Only the speedup check can
 * catch it; on a busy machine the scheduler's figures must not excuse it
 * (a thread blocked on a mutex is not ready to run).
 */
#include "saturate.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct slice {
	pthread_t thread;
	long first, hi, step, count;
};

static pthread_mutex_t one_at_a_time = PTHREAD_MUTEX_INITIALIZER;

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
	pthread_mutex_lock(&one_at_a_time);
	for (long n = s->first; n < s->hi; n += s->step)
		s->count += is_prime(n);
	pthread_mutex_unlock(&one_at_a_time);
	return NULL;
}

long count_primes(long lo, long hi, int nthreads)
{
	long twos = lo <= 2 && 2 < hi;
	long first_odd = lo < 3 ? 3 : lo | 1;
	struct slice *slices = calloc((size_t)nthreads, sizeof *slices);
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
