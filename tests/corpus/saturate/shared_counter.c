/* expect: tsan=failed helgrind=failed */
/* expect-output: data race */
/*
 * shared_counter.c -- every thread adds each prime it finds to one global
 * counter with a plain ++: a data race.  Primes are rare enough that an
 * update is seldom lost, so counts usually come out right; ThreadSanitizer
 * and Helgrind see the race every time.
 */
#include "saturate.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct slice {
	long first, hi, step;
};

static long found;

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
	for (long n = s->first; n < s->hi; n += s->step)
		if (is_prime(n))
			found++;
	return NULL;
}

long count_primes(long lo, long hi, int nthreads)
{
	pthread_t *threads = calloc((size_t)nthreads, sizeof *threads);
	struct slice *slices = calloc((size_t)nthreads, sizeof *slices);
	found = 0;
	for (int i = 0; i < nthreads; i++) {
		slices[i] = (struct slice){lo + i, hi, nthreads};
		pthread_create(&threads[i], NULL, count_slice, &slices[i]);
	}
	for (int i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	free(slices);
	free(threads);
	return found;
}
