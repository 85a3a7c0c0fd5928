/*
 * stress.c -- starting threads together, seeded randomness, clocks.
 *
 * Races show most when threads start at the same instant, so
 * harness_run_threads() holds every thread at a barrier first.  Every
 * thread gets its own random stream derived from the run's seed and its
 * number, numbers go by creation order, so a reported seed replays the
 * same perturbation decisions on each thread (the scheduler's own choices
 * are not replayed: see README.md "Calling the grader").
 */
#include "controlled.h"
#include "cpu_quota.h"
#include "harness.h"
#include "internal.h"

#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static atomic_uint next_thread_number = 1;
static _Thread_local unsigned thread_number;
static _Thread_local uint64_t random_state;

unsigned harness_thread_number(void)
{
	return thread_number;
}

/* splitmix64: a good 64-bit mix of seed and thread number. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

uint64_t harness_random(void)
{
	if (random_state == 0)
		random_state = mix(harness_seed() * 1000003u + thread_number) | 1;
	/* xorshift64* */
	random_state ^= random_state >> 12;
	random_state ^= random_state << 25;
	random_state ^= random_state >> 27;
	return random_state * 0x2545f4914f6cdd1dULL;
}

struct thread_start {
	pthread_barrier_t *barrier;
	void (*fn)(unsigned, void *);
	void *arg;
	unsigned index, number;
	unsigned slot; /* controlled schedule's slot (controlled.h), or SCHED_NONE */
};

unsigned harness_reserve_thread_numbers(unsigned n)
{
	return atomic_fetch_add(&next_thread_number, n);
}

void harness_take_thread_number(unsigned number)
{
	thread_number = number;
	random_state = 0;
}

void harness_adopt_thread(void)
{
	harness_take_thread_number(harness_reserve_thread_numbers(1));
}

static void *thread_main(void *p)
{
	struct thread_start *s = p;
	harness_take_thread_number(s->number);
	pthread_barrier_wait(s->barrier);
	harness_sched_arrive(s->slot);
	pthread_cleanup_push(harness_sched_exit, NULL);
	s->fn(s->index, s->arg);
	pthread_cleanup_pop(1);
	return NULL;
}

void harness_run_threads(unsigned n, void (*fn)(unsigned i, void *arg), void *arg)
{
	pthread_t *threads = calloc(n, sizeof *threads);
	struct thread_start *starts = calloc(n, sizeof *starts);
	pthread_barrier_t barrier;
	HARNESS_REQUIRE(threads && starts, "harness: out of memory for %u threads", n);
	pthread_barrier_init(&barrier, NULL, n);
	unsigned first = harness_reserve_thread_numbers(n);
	/* Under a controlled schedule these threads are its threads. */
	unsigned slot = harness_sched_expect(n);
	for (unsigned i = 0; i < n; i++) {
		starts[i] = (struct thread_start){
		    &barrier, fn, arg, i, first + i, slot == SCHED_NONE ? SCHED_NONE : slot + i};
		int err = pthread_create(&threads[i], NULL, thread_main, &starts[i]);
		HARNESS_REQUIRE(err == 0, "harness: cannot create thread %u of %u (error %d)", i, n,
		                err);
	}
	for (unsigned i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	pthread_barrier_destroy(&barrier);
	free(starts);
	free(threads);
}

double harness_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

double harness_cpu_time(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A CPU quota changes what every timing figure means: the first call in a
 * run names it in the test's evidence. */
unsigned harness_cpus(void)
{
	static bool named;
	char why[8192];
	unsigned cpus = cpu_quota_usable(why, sizeof why);
	char where[8192];
	if (!named && cpu_quota(where, sizeof where) > 0)
		harness_recordf("info", "usable CPUs: %u, from %s", cpus, why);
	named = true;
	return cpus;
}

void harness_sleep_us(unsigned us)
{
	struct timespec t = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000};
	while (nanosleep(&t, &t) != 0 && errno == EINTR)
		;
}

double harness_deadline(double seconds)
{
	return harness_now() + seconds * harness_config_stretch();
}
