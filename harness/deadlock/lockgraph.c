/*
 * lockgraph.c -- finds and prints the cycle of a deadlock (see lockgraph.h).
 *
 * A cycle in the table means every thread in it sits in pthread_mutex_lock
 * on a mutex another one of them holds: the wrappers mark a mutex held only
 * after acquiring it and unmark it before releasing it, so a held mark is
 * never stale.  A waiting mark can be a moment stale, so the watcher only
 * acts when the same cycle shows in several snapshots a quarter second apart.
 */
#include "lockgraph.h"
#include "harness.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define MAX_THREADS  128
#define POLL_US      250000
#define STABLE_POLLS 5

struct graph {
	struct harness_lock_wait t[MAX_THREADS];
	size_t n;
};

static void describe_lock(const void *mutex, char *buf, size_t len)
{
	const char *name = harness_lock_name(mutex);
	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "a mutex at %p that is no account's lock", mutex);
}

/* Index of the thread holding mutex, or -1. */
static int holder_of(const struct graph *g, const void *mutex)
{
	for (size_t i = 0; i < g->n; i++)
		for (size_t h = 0; h < sizeof g->t[i].held / sizeof g->t[i].held[0]; h++)
			if (mutex && g->t[i].held[h] == mutex)
				return (int)i;
	return -1;
}

/* Index of a thread on a wait-for cycle, or -1. */
static int find_cycle(const struct graph *g)
{
	for (size_t start = 0; start < g->n; start++) {
		int cur = (int)start;
		for (size_t step = 0; step <= g->n && cur >= 0; step++) {
			cur = holder_of(g, g->t[cur].waiting);
			if (cur == (int)start)
				return cur;
		}
	}
	return -1;
}

/* A fingerprint of the cycle through `start`, to see whether it stands still. */
static uint64_t cycle_signature(const struct graph *g, int start)
{
	uint64_t sig = 0;
	int cur = start;
	do {
		sig = sig * 1000003u + (uint64_t)g->t[cur].thread * 31u +
		      (uintptr_t)g->t[cur].waiting;
		cur = holder_of(g, g->t[cur].waiting);
	} while (cur != start && cur >= 0);
	return sig;
}

static void print_held(const struct harness_lock_wait *w, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t h = 0; h < sizeof w->held / sizeof w->held[0] && used < len; h++) {
		if (!w->held[h])
			continue;
		char name[96];
		describe_lock(w->held[h], name, sizeof name);
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", name);
	}
	if (used == 0)
		snprintf(buf, len, "no lock");
}

static void print_thread(const struct graph *g, int i, const char *prefix)
{
	const struct harness_lock_wait *w = &g->t[i];
	char held[400], wanted[96], where[48];
	print_held(w, held, sizeof held);
	describe_lock(w->waiting, wanted, sizeof wanted);
	harness_describe_address(w->where, where, sizeof where);
	int holder = holder_of(g, w->waiting);
	char by[48] = "by a thread outside the cycle";
	if (holder == i)
		snprintf(by, sizeof by, "by ITSELF: it locked this mutex twice");
	else if (holder >= 0)
		snprintf(by, sizeof by, "by thread %u", g->t[holder].thread);
	harness_info("%sthread %u holds %s and waits for %s (held %s) in pthread_mutex_lock "
	             "called at %s",
	             prefix, w->thread, held, wanted, by, where);
}

static void take_snapshot(struct graph *g)
{
	g->n = harness_lock_snapshot(g->t, MAX_THREADS);
}

static void report(const struct graph *g)
{
	bool on_cycle[MAX_THREADS] = {false};
	int start = find_cycle(g);
	if (start < 0) {
		harness_info("no cycle of threads waiting for each other's locks was found");
	} else {
		harness_info("DEADLOCK: each thread below waits for a lock the next one holds");
		int cur = start;
		do {
			on_cycle[cur] = true;
			print_thread(g, cur, "  cycle: ");
			cur = holder_of(g, g->t[cur].waiting);
		} while (cur != start && cur >= 0);
	}
	for (size_t i = 0; i < g->n; i++)
		if (g->t[i].waiting && !on_cycle[i])
			print_thread(g, (int)i, "  also blocked: ");
}

void lockgraph_report(void)
{
	static struct graph g;
	take_snapshot(&g);
	report(&g);
}

static void *watch(void *unused)
{
	(void)unused;
	static struct graph g;
	uint64_t last = 0;
	int stable = 0;
	for (;;) {
		harness_sleep_us(POLL_US);
		take_snapshot(&g);
		int start = find_cycle(&g);
		uint64_t sig = start < 0 ? 0 : cycle_signature(&g, start);
		stable = sig != 0 && sig == last ? stable + 1 : 0;
		last = sig;
		if (stable + 1 >= STABLE_POLLS) {
			report(&g);
			harness_fail_at("-", 0,
			                "deadlock: the threads listed with this report have waited "
			                "for each other's "
			                "locks for over a second; the cycle shows the line of "
			                "your file where each one waits");
		}
	}
	return NULL;
}

void lockgraph_watch(void)
{
	harness_on_hang(lockgraph_report);
	pthread_t t;
	if (pthread_create(&t, NULL, watch, NULL) == 0)
		pthread_detach(t);
}
