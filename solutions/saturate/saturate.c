/*
 * saturate.c -- reference solution: nthreads workers take small chunks of
 * the range from a shared atomic cursor, each counts into its own variable,
 * and the caller adds the partial counts after joining them.
 *
 * Dynamic chunks keep every thread busy until the range runs out, whatever
 * part of it holds the cost (testing a number near 2^31 costs far more than
 * one near 1000) and however the machine's other load slows one thread.
 * The only shared write is one fetch-and-add per chunk; partial counts live
 * in separate cache lines, so no two threads write the same line in the
 * hot loop.
 */
#include "saturate.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

/* Chunks per thread: enough that the last chunks even out the finish,
 * few enough that taking one costs nothing next to testing it. */
#define CHUNKS_PER_THREAD 64

struct shared_range {
	atomic_long next; /* first number not yet taken */
	long hi;
	long chunk;
};

struct worker {
	pthread_t thread;
	struct shared_range *range;
	long count;
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
		if (is_prime(n))
			count++;
	return count;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct shared_range *r = w->range;
	long count = 0;
	for (;;) {
		long start = atomic_fetch_add(&r->next, r->chunk);
		if (start >= r->hi)
			break;
		long end = r->hi - start < r->chunk ? r->hi : start + r->chunk;
		count += count_range(start, end);
	}
	w->count = count;
	return NULL;
}

long count_primes(long lo, long hi, int nthreads)
{
	if (lo < 2)
		lo = 2;
	if (hi <= lo)
		return 0;
	if (nthreads < 1)
		nthreads = 1;
	long chunks = (long)nthreads * CHUNKS_PER_THREAD;
	struct shared_range range = {.hi = hi, .chunk = (hi - lo + chunks - 1) / chunks};
	atomic_init(&range.next, lo);
	struct worker *workers = aligned_alloc(64, sizeof *workers * (size_t)nthreads);
	if (!workers)
		return count_range(lo, hi);
	int started = 0;
	for (; started < nthreads; started++) {
		workers[started] = (struct worker){.range = &range};
		if (pthread_create(&workers[started].thread, NULL, work, &workers[started]) != 0)
			break;
	}
	long total = started == 0 ? count_range(lo, hi) : 0;
	for (int i = 0; i < started; i++) {
		pthread_join(workers[i].thread, NULL);
		total += workers[i].count;
	}
	free(workers);
	return total;
}
