/* expect: functional=failed tsan=passed helgrind=passed */
/* expect-output: every thread count from 1 to 9 */
/*
 * chunk_off_by_one.c -- deals out small chunks from an atomic cursor but
 * tests each chunk's end too (<= instead of <), so a prime on a chunk
 * boundary is counted twice.
 */
#include "saturate.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

struct work {
	atomic_long next;
	long hi, chunk;
};

struct worker {
	pthread_t thread;
	struct work *work;
	long count;
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

static void *count_chunks(void *arg)
{
	struct worker *w = arg;
	for (;;) {
		long start = atomic_fetch_add(&w->work->next, w->work->chunk);
		if (start >= w->work->hi)
			return NULL;
		long end = start + w->work->chunk;
		if (end > w->work->hi)
			end = w->work->hi;
		for (long n = start; n <= end && n < w->work->hi; n++)
			w->count += is_prime(n);
	}
}

long count_primes(long lo, long hi, int nthreads)
{
	if (hi <= lo)
		return 0;
	struct work work = {.hi = hi, .chunk = (hi - lo + 8L * nthreads - 1) / (8L * nthreads)};
	atomic_init(&work.next, lo);
	struct worker *workers = calloc((size_t)nthreads, sizeof *workers);
	for (int i = 0; i < nthreads; i++) {
		workers[i].work = &work;
		pthread_create(&workers[i].thread, NULL, count_chunks, &workers[i]);
	}
	long total = 0;
	for (int i = 0; i < nthreads; i++) {
		pthread_join(workers[i].thread, NULL);
		total += workers[i].count;
	}
	free(workers);
	return total;
}
