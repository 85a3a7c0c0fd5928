/*
 * pool_functional.c -- the pool harness: arguments, exactly once, order,
 * futures and worker indexes; harness_define registers every file's tests.
 *
 * Tasks that must not finish before the harness says so pass a gate
 * (pool_support.c), so what a test observes does not depend on timing: a
 * pool that runs tasks on the submitter's thread never returns from the
 * submit, and the gate's own time limit says so.
 */
#include "pool_support.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* --- arguments and failures ---------------------------------------------- */

static int nothing(void *arg, void **result)
{
	(void)arg;
	(void)result;
	return 0;
}

static void expect_einval(unsigned n)
{
	errno = 0;
	pool_t *p = pool_create(n);
	ck_assert_msg(p == NULL && errno == EINVAL,
	              "pool_create(%u) returned %s with errno %d (%s); expected NULL with EINVAL "
	              "(1 to 256 threads)",
	              n, p ? "a pool" : "NULL", errno, strerror(errno));
}

START_TEST(bad_arguments)
{
	expect_einval(0);
	expect_einval(257);
	pool_t *p = new_pool(256);
	errno = 0;
	future_t *f = pool_submit(p, NULL, NULL, NULL, NULL);
	ck_assert_msg(f == NULL && errno == EINVAL,
	              "pool_submit with a NULL fn returned %s with errno %d (%s); expected NULL "
	              "with EINVAL",
	              f ? "a future" : "NULL", errno, strerror(errno));
	future_release(submit(p, nothing, NULL, NULL, NULL));
	unsigned unseen = pool_shutdown(p);
	ck_assert_msg(unseen == 0, "no task failed, yet pool_shutdown returned %u", unseen);
}
END_TEST

/* pool_create(n) with the k-th pthread_create failing: NULL, that errno,
 * and no thread left.  Returns how many threads the call tried to create. */
static unsigned create_failing_at(unsigned n, unsigned k, unsigned before)
{
	unsigned long c0 = harness_calls().thread_create;
	harness_fail_thread_create(k, EAGAIN);
	errno = 0;
	pool_t *p = pool_create(n);
	int err = errno;
	harness_fail_thread_create(0, 0);
	unsigned tried = (unsigned)(harness_calls().thread_create - c0);
	if (tried < k) { /* fewer threads than k: no failure happened */
		ck_assert_msg(p != NULL,
		              "pool_create(%u) returned NULL (errno %d) though every "
		              "pthread_create succeeded",
		              n, err);
		pool_shutdown(p);
		return tried;
	}
	ck_assert_msg(p == NULL && err == EAGAIN,
	              "pool_create(%u): pthread_create number %u failed with EAGAIN, yet "
	              "pool_create returned %s with errno %d; it must stop the threads it "
	              "started and return NULL with errno EAGAIN",
	              n, k, p ? "a pool" : "NULL", err);
	unsigned left = threads_down_to(before, PROMPT_SECONDS);
	ck_assert_msg(left <= before,
	              "pool_create(%u) failed at its pthread_create number %u, but %u thread%s "
	              "it had started still run: it must stop and join them before returning",
	              n, k, left - before, HARNESS_PLURAL(left - before));
	return tried;
}

START_TEST(thread_create_failure)
{
	const unsigned n = 4;
	unsigned before = threads_now();
	/* Fails the 1st, 2nd, ... create until pool_create makes fewer calls
	 * than k: then tried is how many it makes in all. */
	unsigned k = 1, tried = create_failing_at(n, 1, before);
	while (tried == k && k < n + 4)
		tried = create_failing_at(n, ++k, before);
	ck_assert_msg(tried >= n,
	              "pool_create(%u) made only %u pthread_create call%s: a pool of %u workers "
	              "starts %u threads (and its callback thread)",
	              n, tried, HARNESS_PLURAL(tried), n, n);
	harness_info("pool_create(%u) creates %u threads; a failure injected at each of them", n,
	             tried);
}
END_TEST

/* --- exactly once ------------------------------------------------------- */

#define SUBMITTERS 8
#define BATCH      500

struct once_run {
	pool_t *pool;
	long per_submitter;
	atomic_uchar *runs, *callbacks;
	long *slots;           /* what each task's result points to */
	atomic_long submitted; /* per run, in batches */
	double deadline;
};

static int run_once(void *arg, void **result)
{
	long *slot = arg;
	atomic_fetch_add(&((struct once_run *)(uintptr_t)slot[0])->runs[slot[1]], 1);
	*result = slot;
	return 0;
}

static void count_callback(future_t *f, void *cb_arg)
{
	(void)f;
	long *slot = cb_arg;
	atomic_fetch_add(&((struct once_run *)(uintptr_t)slot[0])->callbacks[slot[1]], 1);
}

/* One batch: submits tasks first .. first+n-1, then collects each result. */
static void once_batch(struct once_run *r, long first, long n)
{
	future_t *f[BATCH];
	for (long i = 0; i < n; i++) {
		long *slot = &r->slots[2 * (first + i)];
		slot[0] = (long)(uintptr_t)r;
		slot[1] = first + i;
		bool with_callback = (first + i) % 7 == 0;
		f[i] = submit(r->pool, run_once, slot, with_callback ? count_callback : NULL,
		              with_callback ? slot : NULL);
	}
	for (long i = 0; i < n; i++) {
		void *result = NULL;
		int status = future_wait(f[i], &result);
		HARNESS_REQUIRE(
		    status == 0 && result == &r->slots[2 * (first + i)],
		    "future_wait returned %d and result %p for a task that returned 0 "
		    "and result %p: future_wait must not return before the task finished (wait "
		    "in a while loop), and a future carries its own task's outcome",
		    status, result, (void *)&r->slots[2 * (first + i)]);
		future_release(f[i]);
	}
	atomic_fetch_add(&r->submitted, n);
}

static void once_submitter(unsigned i, void *arg)
{
	struct once_run *r = arg;
	long first = (long)i * r->per_submitter, end = first + r->per_submitter;
	for (long at = first; at < end && harness_now() < r->deadline; at += BATCH)
		once_batch(r, at, end - at < BATCH ? end - at : BATCH);
}

START_TEST(exactly_once)
{
	struct once_run r = {.pool = new_pool(4)};
	r.per_submitter = (harness_scaled(100000) + SUBMITTERS - 1) / SUBMITTERS;
	long total = r.per_submitter * SUBMITTERS;
	r.runs = harness_alloc((size_t)total * sizeof *r.runs);
	r.callbacks = harness_alloc((size_t)total * sizeof *r.callbacks);
	r.slots = harness_alloc((size_t)total * 2 * sizeof *r.slots);
	r.deadline = harness_deadline(20);
	harness_run_threads(SUBMITTERS, once_submitter, &r);
	unsigned unseen = pool_shutdown(r.pool);
	long done = 0;
	for (long t = 0; t < total; t++) {
		unsigned runs = atomic_load(&r.runs[t]), callbacks = atomic_load(&r.callbacks[t]);
		bool collected = r.slots[2 * t + 0] != 0;
		ck_assert_msg(runs == (collected ? 1u : 0u),
		              "task %ld (of submitter %ld) ran %u times; every task runs exactly "
		              "once",
		              t, t / r.per_submitter, runs);
		ck_assert_msg(callbacks == (collected && t % 7 == 0 ? 1u : 0u),
		              "the callback of task %ld ran %u times; expected %d", t, callbacks,
		              collected && t % 7 == 0);
		done += collected;
	}
	ck_assert_msg(unseen == 0, "no task failed, yet pool_shutdown returned %u", unseen);
	harness_info("%ld tiny tasks from %d submitting threads, each run once, every result back "
	             "through its future",
	             done, SUBMITTERS);
}
END_TEST

/* --- order ------------------------------------------------------------- */

#define ORDERED 64

struct order_log {
	atomic_uint next;
	unsigned started[ORDERED];
};

static struct order_log order;

static int log_start(void *arg, void **result)
{
	unsigned at = atomic_fetch_add(&order.next, 1);
	if (at < ORDERED)
		order.started[at] = (unsigned)(uintptr_t)arg;
	*result = arg;
	return 0;
}

START_TEST(fifo_one_worker)
{
	pool_t *p = new_pool(1);
	struct gate *g = gate_new();
	future_t *first = submit(p, gated_task, g, NULL, NULL);
	future_t *f[ORDERED];
	for (unsigned i = 0; i < ORDERED; i++)
		f[i] = submit(p, log_start, (void *)(uintptr_t)i, NULL, NULL);
	gate_open(g);
	harness_doing("in future_wait");
	for (unsigned i = 0; i < ORDERED; i++) {
		future_wait(f[i], NULL);
		future_release(f[i]);
	}
	future_release(first);
	pool_shutdown(p);
	for (unsigned i = 0; i < ORDERED; i++)
		ck_assert_msg(order.started[i] == i,
		              "one worker, %d tasks queued behind a busy one: task %u started "
		              "in place %u; tasks start in the order they were submitted (a FIFO "
		              "queue: take from the head, add at the tail)",
		              ORDERED, order.started[i], i);
}
END_TEST

/* --- futures ------------------------------------------------------------ */

struct shared_wait {
	future_t *f;
	void *expected;
	atomic_uint returned;
};

static void *wait_shared(void *arg)
{
	struct shared_wait *w = arg;
	void *result = NULL;
	int status = future_wait(w->f, &result);
	HARNESS_REQUIRE(status == 0 && result == w->expected,
	                "future_wait from one of several threads waiting on the same future "
	                "returned %d and result %p; expected 0 and %p",
	                status, result, w->expected);
	atomic_fetch_add(&w->returned, 1);
	return NULL;
}

START_TEST(shared_wait)
{
	const unsigned waiters = 4;
	pool_t *p = new_pool(2);
	struct gate *g = gate_new();
	struct shared_wait w = {.f = submit(p, gated_task, g, NULL, NULL), .expected = g};
	for (unsigned i = 0; i < waiters; i++)
		harness_start_detached(wait_shared, &w);
	harness_sleep_us(100000);
	ck_assert_msg(atomic_load(&w.returned) == 0,
	              "future_wait returned while its task was still running; it must block "
	              "until fn returned");
	gate_open(g);
	ck_assert_msg(harness_wait_count(&w.returned, waiters, PROMPT_SECONDS),
	              "%u threads waited on one future; after its task finished only %u "
	              "returned within %.0f s: finishing a task must wake every waiter "
	              "(pthread_cond_broadcast)",
	              waiters, atomic_load(&w.returned), PROMPT_SECONDS);
	future_release(w.f);
	pool_shutdown(p);
}
END_TEST

static struct timespec realtime_in(double seconds)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	double ns = (double)t.tv_nsec + seconds * 1e9;
	t.tv_sec += (time_t)(ns / 1e9);
	t.tv_nsec = (long)(ns - (double)(time_t)(ns / 1e9) * 1e9);
	return t;
}

#define DEADLINE_S 0.2

START_TEST(timedwait_deadline)
{
	pool_t *p = new_pool(1);
	struct gate *g = gate_new();
	future_t *f = submit(p, gated_task, g, NULL, NULL);
	struct timespec until = realtime_in(DEADLINE_S);
	double t0 = harness_now();
	harness_doing("in future_timedwait");
	bool done = future_timedwait(f, &until);
	double took = harness_now() - t0;
	ck_assert_msg(!done, "future_timedwait returned true while the task was still running");
	ck_assert_msg(took >= DEADLINE_S * 0.95,
	              "future_timedwait with a deadline %.0f ms ahead returned after %.1f ms: "
	              "it must wait until the deadline",
	              DEADLINE_S * 1e3, took * 1e3);
	ck_assert_msg(took < DEADLINE_S + 1.0 * harness_slowdown(),
	              "future_timedwait with a deadline %.0f ms ahead returned after %.0f ms",
	              DEADLINE_S * 1e3, took * 1e3);
	gate_open(g);
	until = realtime_in(PROMPT_SECONDS * harness_slowdown());
	t0 = harness_now();
	done = future_timedwait(f, &until);
	ck_assert_msg(done, "future_timedwait returned false before its deadline although the task "
	                    "finished");
	harness_info("timed out after %.1f ms (deadline %.0f ms); woke %.1f ms after the task "
	             "was let go",
	             took * 1e3, DEADLINE_S * 1e3, (harness_now() - t0) * 1e3);
	until = realtime_in(-1);
	ck_assert_msg(future_timedwait(f, &until),
	              "future_timedwait with a past deadline on a finished task returned false");
	future_release(f);
	pool_shutdown(p);
}
END_TEST

static atomic_uint early_runs, early_callbacks;

static int early_task(void *gate, void **result)
{
	if (gate)
		gate_pass(gate);
	atomic_fetch_add(&early_runs, 1);
	*result = NULL;
	return 0;
}

static void early_callback(future_t *f, void *arg)
{
	(void)f;
	(void)arg;
	atomic_fetch_add(&early_callbacks, 1);
}

/* Futures released while queued, while running, and after finishing: the
 * tasks still run, their callbacks too (memcheck checks the memory). */
START_TEST(release_early)
{
	pool_t *p = new_pool(1);
	struct gate *g = gate_new();
	future_t *running = submit(p, early_task, g, early_callback, NULL);
	future_t *queued = submit(p, early_task, NULL, early_callback, NULL);
	future_t *plain = submit(p, early_task, NULL, NULL, NULL);
	ck_assert_msg(harness_wait_count(&g->arrived, 1, PROMPT_SECONDS),
	              "the first task never started");
	future_release(queued);
	future_release(plain);
	future_release(running);
	gate_open(g);
	future_t *later = submit(p, early_task, NULL, early_callback, NULL);
	harness_doing("in future_wait");
	future_wait(later, NULL);
	future_release(later);
	ck_assert_msg(harness_wait_count(&early_callbacks, 3, PROMPT_SECONDS),
	              "3 tasks with callbacks finished (2 released before), but only %u "
	              "callbacks ran: a released future's task and callback still run",
	              atomic_load(&early_callbacks));
	ck_assert_msg(atomic_load(&early_runs) == 4,
	              "4 tasks submitted, 3 of them released early: %u ran; releasing a future "
	              "does not cancel its task",
	              atomic_load(&early_runs));
	unsigned unseen = pool_shutdown(p);
	ck_assert_msg(unseen == 0, "no task failed, yet pool_shutdown returned %u", unseen);
}
END_TEST

void harness_define(void)
{
	HARNESS_ADD(bad_arguments, 10);
	HARNESS_ADD(thread_create_failure, 20);
	HARNESS_ADD(exactly_once, 40);
	HARNESS_ADD(fifo_one_worker, 15);
	HARNESS_ADD(shared_wait, 15);
	HARNESS_ADD(timedwait_deadline, 15);
	HARNESS_ADD(release_early, 15);
	pool_add_callback_tests();
	pool_add_shutdown_tests();
	pool_add_timing_tests();
	pool_add_race_tests();
	pool_add_memory_tests();
}
