/* expect: functional=passed timing=failed score=partial */
/* expect-output: without counting */
/*
 * spin_busy_pad.c -- the same attack with only the calls the exercise
 * needs: one thread counts the whole range while the others spin on an
 * atomic flag without yielding, and the one-thread call counts the range
 * twice, taking as long again.  Every thread is alive at once and burns
 * the same CPU time, so only the harness's own serial count and the total
 * CPU time the threads burned show that nothing ran in parallel.
 */
#include "saturate.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

struct job {
	long lo, hi, count;
	atomic_bool done;
};

struct helper {
	pthread_t thread;
	struct job *job;
	bool counts;
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

static long count_range(long lo, long hi)
{
	long count = 0;
	for (long n = lo; n < hi; n++)
		count += is_prime(n);
	return count;
}

static void *run(void *arg)
{
	struct helper *h = arg;
	if (h->counts) {
		h->job->count = count_range(h->job->lo, h->job->hi);
		atomic_store(&h->job->done, true);
	} else {
		while (!atomic_load(&h->job->done))
			;
	}
	return NULL;
}

/* Counts the range twice: as long again as it needs, with no call the
 * exercise does not need.  Through a volatile pointer, so the compiler
 * cannot merge the two calls. */
static long padded(long lo, long hi)
{
	long (*volatile again)(long, long) = count_range;
	long count = count_range(lo, hi);
	return again(lo, hi) == count ? count : -1;
}

long count_primes(long lo, long hi, int nthreads)
{
	if (nthreads <= 1)
		return padded(lo, hi);
	struct job job = {.lo = lo, .hi = hi};
	atomic_init(&job.done, false);
	struct helper *helpers = calloc((size_t)nthreads, sizeof *helpers);
	if (!helpers)
		return -1;
	for (int i = 0; i < nthreads; i++) {
		helpers[i] = (struct helper){.job = &job, .counts = i == 0};
		pthread_create(&helpers[i].thread, NULL, run, &helpers[i]);
	}
	for (int i = 0; i < nthreads; i++)
		pthread_join(helpers[i].thread, NULL);
	free(helpers);
	return job.count;
}
