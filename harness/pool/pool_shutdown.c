/*
 * pool_shutdown.c -- errors that never vanish, and pool_shutdown: it
 * refuses outside threads with ESHUTDOWN, runs everything queued, joins
 * every thread, returns exactly the failures nobody saw, and is prompt
 * on an idle pool.
 */
#include "pool_support.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* --- errors ------------------------------------------------------------- */

static int fail_with(void *code, void **result)
{
	*result = code;
	return (int)(uintptr_t)code;
}

static atomic_uint error_callbacks;

static void see_error(future_t *f, void *arg)
{
	(void)f;
	(void)arg;
	atomic_fetch_add(&error_callbacks, 1);
}

/* How a test treats one failing task's future. */
enum fate { WAITED, CALLBACK, CALLBACK_KEPT, RELEASED, KEPT, TIMEDWAITED, FATES };

static const struct {
	const char *what;
	bool seen;
	unsigned count;
} fates[FATES] = {
    [WAITED] = {"collected by future_wait, then released", true, 5},
    [CALLBACK] = {"seen by their callback, released", true, 4},
    [CALLBACK_KEPT] = {"seen by their callback, never released", true, 3},
    [RELEASED] = {"released without a wait", false, 3},
    [KEPT] = {"neither waited for nor released", false, 2},
    [TIMEDWAITED] = {"only future_timedwait-ed (which does not count), released", false, 2},
};

static future_t *failing(pool_t *p, enum fate fate, unsigned code)
{
	bool callback = fate == CALLBACK || fate == CALLBACK_KEPT;
	return submit(p, fail_with, (void *)(uintptr_t)code, callback ? see_error : NULL, NULL);
}

static void settle(future_t *f, enum fate fate, unsigned code)
{
	if (fate == WAITED) {
		int status = future_wait(f, NULL);
		HARNESS_REQUIRE(status == (int)code,
		                "future_wait returned %d for a task that returned %u", status,
		                code);
	}
	if (fate == TIMEDWAITED) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += (time_t)(PROMPT_SECONDS * harness_slowdown());
		HARNESS_REQUIRE(future_timedwait(f, &until),
		                "future_timedwait timed out on a task that returns at once");
	}
	if (fate != KEPT && fate != CALLBACK_KEPT)
		future_release(f);
}

START_TEST(errors_counted)
{
	pool_t *p = new_pool(3);
	unsigned expected = 0, code = 1, callbacks = 0;
	for (int fate = 0; fate < FATES; fate++)
		for (unsigned i = 0; i < fates[fate].count; i++, code++) {
			settle(failing(p, fate, code), fate, code);
			expected += !fates[fate].seen;
			callbacks += fate == CALLBACK || fate == CALLBACK_KEPT;
			future_release(submit(p, fail_with, NULL, NULL, NULL)); /* succeeds */
		}
	/* Callbacks must have seen their failures before the count is taken. */
	harness_wait_count(&error_callbacks, callbacks, PROMPT_SECONDS);
	harness_doing("in pool_shutdown");
	unsigned unseen = pool_shutdown(p);
	for (int fate = 0; fate < FATES; fate++)
		harness_info("%u failing tasks %s: %s", fates[fate].count, fates[fate].what,
		             fates[fate].seen ? "seen" : "nobody saw their failure");
	ck_assert_msg(unseen == expected,
	              "pool_shutdown returned %u; nobody saw the failures of exactly %u tasks "
	              "(above): a failure is seen when future_wait returns it or its callback "
	              "runs, and every other failure, released or not, must be counted",
	              unseen, expected);
}
END_TEST

/* --- refusing new work -------------------------------------------------- */

struct closing {
	pool_t *pool;
	atomic_bool shutting;
	atomic_uint returned;
	unsigned unseen;
};

static void *shut_down(void *arg)
{
	struct closing *c = arg;
	atomic_store(&c->shutting, true);
	c->unseen = pool_shutdown(c->pool);
	atomic_fetch_add(&c->returned, 1);
	return NULL;
}

START_TEST(refuses_outside_submit)
{
	struct closing *c = harness_alloc(sizeof *c);
	c->pool = new_pool(2);
	struct gate *g = gate_new();
	submit(c->pool, gated_task, g, NULL, NULL);
	ck_assert_msg(harness_wait_count(&g->arrived, 1, PROMPT_SECONDS),
	              "the first task never started");
	harness_start_detached(shut_down, c);
	while (!atomic_load(&c->shutting))
		harness_sleep_us(1000);
	harness_sleep_us(200000); /* pool_shutdown has begun; a task holds it up */
	errno = 0;
	future_t *f = pool_submit(c->pool, fail_with, NULL, NULL, NULL);
	int err = errno;
	gate_open(g);
	ck_assert_msg(f == NULL && err == ESHUTDOWN,
	              "pool_submit from a thread outside the pool, while pool_shutdown ran, "
	              "returned %s with errno %d (%s); expected NULL with ESHUTDOWN",
	              f ? "a future" : "NULL", err, strerror(err));
	ck_assert_msg(harness_wait_count(&c->returned, 1, PROMPT_SECONDS),
	              "pool_shutdown did not return within %.0f s of its last task finishing",
	              PROMPT_SECONDS);
}
END_TEST

/* --- draining and joining ------------------------------------------------ */

static atomic_uint drained_runs, drained_callbacks;

static int short_task(void *arg, void **result)
{
	(void)arg;
	harness_sleep_us(200);
	atomic_fetch_add(&drained_runs, 1);
	*result = NULL;
	return 0;
}

static void count_drained(future_t *f, void *arg)
{
	(void)f;
	(void)arg;
	atomic_fetch_add(&drained_callbacks, 1);
}

START_TEST(drains_and_joins)
{
	const unsigned tasks = 300, workers = 3;
	unsigned before = threads_now();
	pool_t *p = new_pool(workers);
	unsigned with_pool = threads_now();
	for (unsigned i = 0; i < tasks; i++) {
		future_t *f = submit(p, short_task, NULL, i % 2 ? count_drained : NULL, NULL);
		if (i % 3 == 0)
			future_release(f); /* the others pool_shutdown frees */
	}
	harness_doing("in pool_shutdown");
	pool_shutdown(p);
	unsigned runs = atomic_load(&drained_runs), callbacks = atomic_load(&drained_callbacks);
	ck_assert_msg(runs == tasks && callbacks == tasks / 2,
	              "pool_shutdown was called with %u tasks queued on %u workers; when it "
	              "returned %u of them had run and %u of %u callbacks: it must run everything "
	              "queued before it stops the workers",
	              tasks, workers, runs, callbacks, tasks / 2);
	unsigned after = threads_down_to(before, 1.0);
	harness_info("%u threads before pool_create(%u), %u with the pool, %u after pool_shutdown",
	             before, workers, with_pool, after);
	ck_assert_msg(with_pool >= before + workers,
	              "pool_create(%u) left %u thread%s running; it starts its %u workers (and "
	              "the callback thread)",
	              workers, with_pool - before, HARNESS_PLURAL(with_pool - before), workers);
	ck_assert_msg(after <= before,
	              "%u thread%s of the pool still ran after pool_shutdown returned: it must "
	              "join every thread it started (workers and callback thread)",
	              after - before, HARNESS_PLURAL(after - before));
}
END_TEST

/* Idle pools, small and large, shut down at once: nobody polls. */
START_TEST(idle_shutdown_prompt)
{
	static const unsigned sizes[] = {1, 64};
	for (unsigned i = 0; i < 2; i++) {
		unsigned before = threads_now();
		pool_t *p = new_pool(sizes[i]);
		unsigned started = threads_now() - before;
		ck_assert_msg(started >= sizes[i],
		              "pool_create(%u) started %u thread%s; it starts its workers (and its "
		              "callback thread) before it returns",
		              sizes[i], started, HARNESS_PLURAL(started));
		harness_sleep_us(50000);
		double t0 = harness_now();
		harness_doing("in pool_shutdown");
		pool_shutdown(p);
		double took = harness_now() - t0;
		harness_info("pool_shutdown of an idle pool of %u took %.1f ms", sizes[i],
		             took * 1e3);
		ck_assert_msg(took < 0.5 * harness_slowdown(),
		              "pool_shutdown of an idle pool of %u workers took %.0f ms: it must "
		              "wake the sleeping threads (pthread_cond_broadcast), not wait for "
		              "them to notice",
		              sizes[i], took * 1e3);
	}
	pool_shutdown(new_pool(4)); /* at once, before its threads even started */
}
END_TEST

void pool_add_shutdown_tests(void)
{
	HARNESS_ADD(errors_counted, 15);
	HARNESS_ADD(refuses_outside_submit, 15);
	HARNESS_ADD(drains_and_joins, 20);
	HARNESS_ADD(idle_shutdown_prompt, 15);
}
