/* expect: timing=failed */
/*
 * spin_yield_sleep_pad.c -- the attack from issue 13: one thread counts
 * the whole range while the other nthreads - 1 spin on sched_yield until
 * it is done, and the one-thread call sleeps as long again as it counted.
 * The threads overlap and burn CPU evenly, and the padded one-thread call
 * made the old ratio of student timings look like a speedup of about 2.
 * Against the harness's own serial count the wall time shows no speedup,
 * and the spinners' CPU time is work that counts nothing.
 */
#include "saturate.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

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
			sched_yield();
	}
	return NULL;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Counts alone, then sleeps as long again. */
static long padded(long lo, long hi)
{
	double start = now();
	long count = count_range(lo, hi);
	double took = now() - start;
	struct timespec pause = {(time_t)took, (long)((took - (double)(time_t)took) * 1e9)};
	nanosleep(&pause, NULL);
	return count;
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
