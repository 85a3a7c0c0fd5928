/* expect: score=full */
/*
 * dynamic_chunks.c -- a correct alternative: threads take fixed chunks of
 * 512 numbers from an atomic cursor until the range runs out, each
 * counting into a local variable and adding it to an atomic total once at
 * the end.
 */
#include "saturate.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#define CHUNK 512

struct work {
	atomic_long next;
	atomic_long total;
	long hi;
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
	struct work *w = arg;
	long count = 0;
	for (long start; (start = atomic_fetch_add(&w->next, CHUNK)) < w->hi;) {
		long end = w->hi - start < CHUNK ? w->hi : start + CHUNK;
		for (long n = start; n < end; n++)
			count += is_prime(n);
	}
	atomic_fetch_add(&w->total, count);
	return NULL;
}

long count_primes(long lo, long hi, int nthreads)
{
	struct work w = {.hi = hi};
	atomic_init(&w.next, lo);
	atomic_init(&w.total, 0);
	pthread_t *threads = calloc((size_t)nthreads, sizeof *threads);
	if (!threads)
		return -1;
	for (int i = 0; i < nthreads; i++)
		pthread_create(&threads[i], NULL, count_chunks, &w);
	for (int i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	return atomic_load(&w.total);
}
