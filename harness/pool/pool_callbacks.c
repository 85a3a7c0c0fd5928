/*
 * pool_callbacks.c -- the pool's threads: callbacks on one thread of their
 * own, one at a time and in completion order; callbacks that release and
 * submit; each worker's pool_worker() index.
 *
 * Every callback and task notes the thread it runs on (pthread_self) and
 * what pool_worker() says there; the checks compare those notes with the
 * harness's own threads after the pool shut down.
 */
#include "pool_support.h"

#include <stdint.h>
#include <stdlib.h>

/* --- which thread runs the callbacks ------------------------------------ */

#define NOTED 512

struct thread_notes {
	pool_t *pool;
	pthread_t submitters[2];
	atomic_uint tasks, callbacks, inside, most_inside;
	pthread_t task_thread[NOTED], callback_thread[NOTED];
	int callback_index[NOTED];
	bool wait_ok[NOTED];
};

static int noted_task(void *arg, void **result)
{
	struct thread_notes *n = arg;
	unsigned i = atomic_fetch_add(&n->tasks, 1);
	if (i < NOTED)
		n->task_thread[i] = pthread_self();
	*result = n;
	return (int)(i % 3); /* some fail: their callbacks see it */
}

static void noted_callback(future_t *f, void *arg)
{
	struct thread_notes *n = arg;
	unsigned inside = atomic_fetch_add(&n->inside, 1) + 1;
	unsigned most = atomic_load(&n->most_inside);
	while (inside > most && !atomic_compare_exchange_weak(&n->most_inside, &most, inside))
		;
	unsigned i = atomic_fetch_add(&n->callbacks, 1);
	if (i < NOTED) {
		n->callback_thread[i] = pthread_self();
		n->callback_index[i] = pool_worker();
		void *result = NULL;
		int status = future_wait(f, &result); /* done: returns at once */
		n->wait_ok[i] = result == n && status >= 0 && status < 3;
	}
	harness_sleep_us(200); /* long enough for a second callback to overlap */
	atomic_fetch_sub(&n->inside, 1);
}

static void notes_submitter(unsigned i, void *arg)
{
	struct thread_notes *n = arg;
	n->submitters[i] = pthread_self();
	for (unsigned k = 0; k < NOTED / 2; k++)
		future_release(submit(n->pool, noted_task, n, noted_callback, n));
}

static bool ran_tasks(const struct thread_notes *n, pthread_t t)
{
	for (unsigned i = 0; i < NOTED; i++)
		if (pthread_equal(n->task_thread[i], t))
			return true;
	return false;
}

/* Two threads submit NOTED tasks with callbacks to a pool of 4, which
 * then shuts down: the notes of every task and callback. */
static struct thread_notes *noted_run(void)
{
	struct thread_notes *n = harness_alloc(sizeof *n);
	n->pool = new_pool(4);
	harness_run_threads(2, notes_submitter, n);
	pool_shutdown(n->pool);
	ck_assert_msg(atomic_load(&n->callbacks) == NOTED,
	              "%d tasks with callbacks were submitted; %u callbacks ran by the end of "
	              "pool_shutdown",
	              NOTED, atomic_load(&n->callbacks));
	return n;
}

START_TEST(callback_thread)
{
	const struct thread_notes *n = noted_run();
	pthread_t t = n->callback_thread[0];
	for (unsigned i = 0; i < NOTED; i++) {
		ck_assert_msg(
		    !ran_tasks(n, n->callback_thread[i]),
		    "a callback ran on a worker thread (one that ran tasks too): "
		    "callbacks run on the pool's one callback thread, which runs no task");
		ck_assert_msg(pthread_equal(n->callback_thread[i], t),
		              "callbacks ran on more than one thread: every callback runs on the "
		              "pool's one callback thread");
		ck_assert_msg(
		    n->callback_index[i] == -1,
		    "pool_worker() returned %d on the callback thread, which is no worker: "
		    "it must return -1 there (a worker's index is thread-local)",
		    n->callback_index[i]);
		ck_assert_msg(n->wait_ok[i], "future_wait(f) inside f's callback did not return "
		                             "f's status and result");
	}
	ck_assert_msg(!pthread_equal(t, pthread_self()) && !pthread_equal(t, n->submitters[0]) &&
	                  !pthread_equal(t, n->submitters[1]),
	              "callbacks ran on a thread that called pool_submit or pool_shutdown: they "
	              "run on the pool's own callback thread, never on a caller's");
}
END_TEST

START_TEST(one_callback_at_a_time)
{
	struct thread_notes *n = noted_run();
	unsigned most = atomic_load(&n->most_inside);
	harness_info("%u callbacks of tasks run by 4 workers, at most %u at once",
	             atomic_load(&n->callbacks), most);
	ck_assert_msg(most <= 1,
	              "%u callbacks ran at the same time: callbacks run one at a time, one "
	              "after another on the pool's callback thread",
	              most);
}
END_TEST

/* --- completion order ---------------------------------------------------- */

#define ORDERED 4

static atomic_uint order_at;
static unsigned callback_order[ORDERED];

static void note_order(future_t *f, void *arg)
{
	(void)f;
	unsigned at = atomic_fetch_add(&order_at, 1);
	if (at < ORDERED)
		callback_order[at] = (unsigned)(uintptr_t)arg;
}

/* Tasks 0..3 run together; the harness lets them finish 3, 2, 1, 0, each
 * after the last one's future is done: callbacks must come 3, 2, 1, 0. */
START_TEST(completion_order)
{
	pool_t *p = new_pool(ORDERED);
	struct gate *g[ORDERED];
	future_t *f[ORDERED];
	for (unsigned i = 0; i < ORDERED; i++) {
		g[i] = gate_new();
		f[i] = submit(p, gated_task, g[i], note_order, (void *)(uintptr_t)i);
	}
	for (unsigned i = 0; i < ORDERED; i++)
		ck_assert_msg(harness_wait_count(&g[i]->arrived, 1, PROMPT_SECONDS),
		              "a pool of %d workers was given %d tasks, and task %u did not start "
		              "within %.0f s",
		              ORDERED, ORDERED, i, PROMPT_SECONDS);
	harness_doing("in future_wait");
	for (unsigned i = ORDERED; i-- > 0;) {
		gate_open(g[i]);
		future_wait(f[i], NULL);
		harness_sleep_us(20000);
	}
	for (unsigned i = 0; i < ORDERED; i++)
		future_release(f[i]);
	pool_shutdown(p);
	for (unsigned i = 0; i < ORDERED; i++)
		ck_assert_msg(callback_order[i] == ORDERED - 1 - i,
		              "tasks finished in the order 3, 2, 1, 0, but callback %u to run was "
		              "task %u's: callbacks run in the order tasks finish (a FIFO of "
		              "finished tasks), not the order they were submitted",
		              i, callback_order[i]);
}
END_TEST

/* --- callbacks that release and submit ---------------------------------- */

static atomic_uint released_callbacks;

static int fail_some(void *arg, void **result)
{
	*result = arg;
	return (uintptr_t)arg % 2 ? 5 : 0;
}

static void release_in_callback(future_t *f, void *arg)
{
	(void)arg;
	future_release(f);
	atomic_fetch_add(&released_callbacks, 1);
}

START_TEST(release_from_callback)
{
	const unsigned tasks = (unsigned)harness_scaled(400);
	pool_t *p = new_pool(3);
	for (unsigned i = 0; i < tasks; i++)
		submit(p, fail_some, (void *)(uintptr_t)i, release_in_callback, NULL);
	bool all = harness_wait_count(&released_callbacks, tasks, PROMPT_SECONDS);
	ck_assert_msg(all,
	              "%u callbacks each called future_release on their own future; %u of them "
	              "returned within %.0f s: a callback may release its future (do not hold a "
	              "lock future_release needs while calling the callback)",
	              tasks, atomic_load(&released_callbacks), PROMPT_SECONDS);
	unsigned unseen = pool_shutdown(p);
	ck_assert_msg(unseen == 0,
	              "every failing task's callback ran (it saw the failure), yet pool_shutdown "
	              "returned %u",
	              unseen);
}
END_TEST

#define CHAIN 24

struct chain {
	pool_t *pool;
	atomic_uint tasks, callbacks, children;
};

static int chain_child(void *arg, void **result)
{
	struct chain *c = arg;
	atomic_fetch_add(&c->children, 1);
	*result = c;
	return 0;
}

/* A task: every third one submits a child task from the worker itself. */
static int chain_task(void *arg, void **result)
{
	struct chain *c = arg;
	unsigned n = atomic_fetch_add(&c->tasks, 1);
	if (n % 3 == 0) {
		future_t *child = pool_submit(c->pool, chain_child, c, NULL, NULL);
		HARNESS_REQUIRE(child != NULL,
		                "a task called pool_submit during pool_shutdown and got NULL: the "
		                "pool still accepts tasks its own threads submit while it drains");
		future_release(child);
	}
	*result = c;
	return 0;
}

/* A callback: submits the next link of the chain, then releases its own. */
static void chain_callback(future_t *f, void *arg)
{
	struct chain *c = arg;
	unsigned n = atomic_fetch_add(&c->callbacks, 1) + 1;
	if (n < CHAIN) {
		future_t *next = pool_submit(c->pool, chain_task, c, chain_callback, c);
		HARNESS_REQUIRE(next != NULL,
		                "a callback called pool_submit during pool_shutdown and got NULL: "
		                "the pool still accepts tasks its callback thread submits while it "
		                "drains");
	}
	future_release(f);
}

START_TEST(submit_during_shutdown)
{
	struct chain *c = harness_alloc(sizeof *c);
	c->pool = new_pool(2);
	submit(c->pool, chain_task, c, chain_callback, c);
	harness_doing("in pool_shutdown");
	pool_shutdown(c->pool);
	ck_assert_msg(atomic_load(&c->callbacks) == CHAIN && atomic_load(&c->tasks) == CHAIN,
	              "pool_shutdown began right after the first task of a chain was submitted, "
	              "each callback submitting the next task: it returned after %u of %d tasks "
	              "and %u callbacks; it must run everything queued, including what its own "
	              "threads submit while it drains",
	              atomic_load(&c->tasks), CHAIN, atomic_load(&c->callbacks));
	unsigned children = (CHAIN + 2) / 3;
	ck_assert_msg(atomic_load(&c->children) == children,
	              "%u tasks submitted by tasks during pool_shutdown, %u ran", children,
	              atomic_load(&c->children));
}
END_TEST

/* --- worker indexes ----------------------------------------------------- */

struct index_notes {
	unsigned n;
	atomic_uint arrived;
	int index[8];
	pthread_t thread[8];
};

/* Holds each worker in its first task until all n arrived. */
static int note_index(void *arg, void **result)
{
	struct index_notes *x = arg;
	unsigned i = atomic_fetch_add(&x->arrived, 1);
	HARNESS_REQUIRE(i < x->n, "harness: more tasks than workers arrived");
	x->index[i] = pool_worker();
	x->thread[i] = pthread_self();
	double give_up = harness_now() + PROMPT_SECONDS * harness_slowdown();
	while (atomic_load(&x->arrived) < x->n && harness_now() < give_up)
		harness_sleep_us(500);
	HARNESS_REQUIRE(atomic_load(&x->arrived) == x->n,
	                "%u tasks on a pool of %u workers: only %u ran at the same time", x->n,
	                x->n, atomic_load(&x->arrived));
	x->index[i] = x->index[i] == pool_worker() ? x->index[i] : -2;
	*result = NULL;
	return 0;
}

static void check_indexes(const struct index_notes *x)
{
	unsigned seen = 0;
	for (unsigned i = 0; i < x->n; i++) {
		int k = x->index[i];
		ck_assert_msg(k != -2,
		              "pool_worker() changed on a worker thread while it ran a task "
		              "(a global shared by the workers, not thread-local?)");
		ck_assert_msg(
		    k >= 0 && k < (int)x->n,
		    "pool_worker() returned %d on a worker of a pool of %u; expected 0 to "
		    "%u",
		    k, x->n, x->n - 1);
		ck_assert_msg(
		    !(seen & (1u << k)),
		    "two workers of a pool of %u both got pool_worker() == %d: each worker "
		    "has its own index (thread-local storage, not a global)",
		    x->n, k);
		seen |= 1u << k;
	}
}

static void ask_index(void *index)
{
	*(int *)index = pool_worker();
}

START_TEST(worker_indexes)
{
	struct index_notes a = {.n = 4}, b = {.n = 3};
	pool_t *pa = new_pool(a.n), *pb = new_pool(b.n);
	future_t *fa[8], *fb[8];
	for (unsigned i = 0; i < a.n; i++)
		fa[i] = submit(pa, note_index, &a, NULL, NULL);
	for (unsigned i = 0; i < b.n; i++)
		fb[i] = submit(pb, note_index, &b, NULL, NULL);
	harness_doing("in future_wait");
	for (unsigned i = 0; i < a.n; i++)
		future_wait(fa[i], NULL), future_release(fa[i]);
	for (unsigned i = 0; i < b.n; i++)
		future_wait(fb[i], NULL), future_release(fb[i]);
	ck_assert_msg(pool_worker() == -1,
	              "pool_worker() returned %d on the test's own thread, which is no worker: "
	              "it must return -1 there (each worker's index is thread-local, not a "
	              "global every thread shares)",
	              pool_worker());
	int outside = -3;
	ck_assert_msg(harness_run_within(ask_index, &outside, PROMPT_SECONDS),
	              "pool_worker() did not return within %.0f s", PROMPT_SECONDS);
	ck_assert_msg(outside == -1,
	              "pool_worker() returned %d on a thread outside the pools; expected -1 (a "
	              "thread-local index)",
	              outside);
	pool_shutdown(pa);
	pool_shutdown(pb);
	check_indexes(&a);
	check_indexes(&b);
}
END_TEST

void pool_add_callback_tests(void)
{
	HARNESS_ADD(callback_thread, 20);
	HARNESS_ADD(one_callback_at_a_time, 20);
	HARNESS_ADD(completion_order, 15);
	HARNESS_ADD(release_from_callback, 20);
	HARNESS_ADD(submit_during_shutdown, 20);
	HARNESS_ADD(worker_indexes, 15);
}
