/*
 * pool_support.c -- the pool harness's shared helpers (pool_support.h).
 * Harness code: its pthread calls are the real ones, not the wrappers.
 */
#include "pool_support.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How long a gated task waits for the harness before it gives up. */
#define GATE_SECONDS 5.0

static _Atomic(const char *) doing = "setting up";

void harness_doing(const char *what)
{
	atomic_store(&doing, what);
}

pool_t *new_pool(unsigned n)
{
	errno = 0;
	harness_doing("in pool_create");
	pool_t *p = pool_create(n);
	HARNESS_REQUIRE(p != NULL, "pool_create(%u) returned NULL (errno %d: %s)", n, errno,
	                strerror(errno));
	harness_doing("between calls");
	return p;
}

future_t *submit(pool_t *p, pool_fn fn, void *arg, pool_callback done, void *cb_arg)
{
	errno = 0;
	harness_doing("in pool_submit");
	future_t *f = pool_submit(p, fn, arg, done, cb_arg);
	HARNESS_REQUIRE(f != NULL, "pool_submit on an open pool returned NULL (errno %d: %s)",
	                errno, strerror(errno));
	harness_doing("between calls");
	return f;
}

struct gate *gate_new(void)
{
	struct gate *g = harness_alloc(sizeof *g);
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->opened_cv, NULL);
	return g;
}

void gate_free(struct gate *g)
{
	pthread_cond_destroy(&g->opened_cv);
	pthread_mutex_destroy(&g->lock);
	free(g);
}

void gate_open(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->opened = true;
	pthread_cond_broadcast(&g->opened_cv);
	pthread_mutex_unlock(&g->lock);
}

void gate_pass(struct gate *g)
{
	atomic_fetch_add(&g->arrived, 1);
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)(GATE_SECONDS * harness_slowdown());
	pthread_mutex_lock(&g->lock);
	int err = 0;
	while (!g->opened && err != ETIMEDOUT)
		err = pthread_cond_timedwait(&g->opened_cv, &g->lock, &until);
	bool opened = g->opened;
	pthread_mutex_unlock(&g->lock);
	HARNESS_REQUIRE(opened,
	                "a task waited %.0f s for the harness to let it finish, but the harness "
	                "was still %s: a pool's caller must never wait for its own task, so "
	                "pool_submit must only queue the task and return, and a worker thread "
	                "run it",
	                GATE_SECONDS * harness_slowdown(), atomic_load(&doing));
}

int gated_task(void *gate, void **result)
{
	gate_pass(gate);
	*result = gate;
	return 0;
}

unsigned threads_now(void)
{
	int n = harness_thread_count();
	HARNESS_REQUIRE(n > 0, "harness: cannot count the threads in /proc/self/task");
	return (unsigned)n;
}

static bool at_most(void *n)
{
	return threads_now() <= *(unsigned *)n;
}

unsigned threads_down_to(unsigned n, double seconds)
{
	harness_wait_until(at_most, &n, seconds);
	return threads_now();
}
