/*
 * pool_memory.c -- the workout Memcheck watches: every way a future's
 * life can end, so that a future freed too early (use after free) or never
 * (a leak) shows up as a report with a frame in the student's file.
 *
 * Futures are released while queued, while running, after finishing, from
 * their own callback, or never (pool_shutdown frees those); callbacks
 * submit more tasks while pool_shutdown drains; a pool_create whose thread
 * creation fails must free what it allocated.  Tasks and callbacks
 * allocate nothing of the harness's: a harness leak below a student frame
 * would be blamed on the student.
 */
#include "pool_support.h"

#include <errno.h>

static atomic_uint runs, callbacks, chained;

static int counted_task(void *gate, void **result)
{
	if (gate)
		gate_pass(gate);
	atomic_fetch_add(&runs, 1);
	*result = NULL;
	return gate ? 0 : 3;
}

static void counted_callback(future_t *f, void *release)
{
	atomic_fetch_add(&callbacks, 1);
	if (release)
		future_release(f);
}

#define CHAIN 8

/* Submits the next link until CHAIN, while pool_shutdown drains. */
static void chain_callback(future_t *f, void *pool)
{
	if (atomic_fetch_add(&chained, 1) + 1 < CHAIN)
		HARNESS_REQUIRE(pool_submit(pool, counted_task, NULL, chain_callback, pool) != NULL,
		                "a callback's pool_submit during pool_shutdown returned NULL");
	future_release(f);
}

/* Every way a future's life ends, on a pool of 2 whose workers are held
 * by gated tasks while the others queue.  Returns the failures nobody
 * will see: those of the two futures released or kept without a wait or a
 * callback (every ungated task fails). */
static unsigned lives_of_futures(pool_t *p, struct gate *g)
{
	future_t *running = submit(p, counted_task, g, NULL, NULL);
	future_t *blocker = submit(p, counted_task, g, NULL, NULL);
	HARNESS_REQUIRE(harness_wait_count(&g->arrived, 2, PROMPT_SECONDS),
	                "2 tasks on a pool of 2 workers did not both start");
	future_release(submit(p, counted_task, NULL, NULL, NULL));             /* queued */
	future_release(submit(p, counted_task, NULL, counted_callback, NULL)); /* queued */
	submit(p, counted_task, NULL, counted_callback, (void *)1);            /* by its callback */
	submit(p, counted_task, NULL, NULL, NULL);                             /* never */
	submit(p, counted_task, NULL, counted_callback, NULL);                 /* never */
	future_release(running);                                               /* running */
	gate_open(g);
	harness_doing("in future_wait");
	future_wait(blocker, NULL);
	future_release(blocker); /* done */
	submit(p, counted_task, NULL, chain_callback, p);
	return 2;
}

START_TEST(memory_workout)
{
	harness_fail_thread_create(2, EAGAIN);
	pool_t *failed = pool_create(3);
	harness_fail_thread_create(0, 0);
	ck_assert_msg(failed == NULL, "pool_create(3) succeeded though a pthread_create failed");
	pool_t *p = new_pool(2);
	struct gate *g = gate_new();
	unsigned expected = lives_of_futures(p, g);
	harness_doing("in pool_shutdown");
	unsigned unseen = pool_shutdown(p);
	ck_assert_msg(atomic_load(&runs) == 7 + CHAIN && atomic_load(&callbacks) == 3 &&
	                  atomic_load(&chained) == CHAIN,
	              "%u tasks ran (expected %d), %u callbacks (expected 3), %u chained "
	              "(expected %d)",
	              atomic_load(&runs), 7 + CHAIN, atomic_load(&callbacks), atomic_load(&chained),
	              CHAIN);
	ck_assert_msg(unseen == expected, "pool_shutdown returned %u; expected %u", unseen,
	              expected);
	gate_free(g);
}
END_TEST

void pool_add_memory_tests(void)
{
	HARNESS_ADD(memory_workout, 20);
}
