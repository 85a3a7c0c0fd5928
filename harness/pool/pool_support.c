/*
 * pool_support.c -- the pool harness's shared helpers (pool_support.h).
 * Harness code: its pthread calls are the real ones, not the wrappers.
 */
#include "pool_support.h"

#include <dirent.h>
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
	struct gate *g = calloc(1, sizeof *g);
	HARNESS_REQUIRE(g != NULL, "harness: out of memory");
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->opened_cv, NULL);
	return g;
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

bool wait_for(atomic_uint *counter, unsigned target, double seconds)
{
	double deadline = harness_now() + seconds * harness_slowdown();
	while (atomic_load(counter) < target && harness_now() < deadline)
		harness_sleep_us(1000);
	return atomic_load(counter) >= target;
}

void start_detached(void *(*fn)(void *), void *arg)
{
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int err = pthread_create(&t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	HARNESS_REQUIRE(err == 0, "harness: cannot create a thread (error %d)", err);
}

unsigned threads_now(void)
{
	DIR *d = opendir("/proc/self/task");
	HARNESS_REQUIRE(d != NULL, "harness: cannot list /proc/self/task (%s)", strerror(errno));
	unsigned n = 0;
	const struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

unsigned threads_down_to(unsigned n, double seconds)
{
	double deadline = harness_now() + seconds * harness_slowdown();
	unsigned now = threads_now();
	while (now > n && harness_now() < deadline) {
		harness_sleep_us(2000);
		now = threads_now();
	}
	return now;
}
