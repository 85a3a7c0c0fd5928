/*
 * pool_race.c -- the workout ThreadSanitizer and Helgrind watch: every
 * function of the pool from several threads at once, on a workload whose
 * result only a race can break.
 *
 * Each task writes its result into plain (non-atomic) memory that the
 * submitter reads after future_wait and the callback reads when it runs:
 * only the pool's own synchronisation orders those accesses, so a pool
 * that hands a result over without a lock (or an atomic) is reported.
 * Futures are released by the submitter before or after completion and by
 * callbacks; some tasks fail and some failures go unseen, and pool_shutdown
 * must count exactly those.
 */
#include "pool_support.h"

#include <stdint.h>
#include <stdlib.h>

struct job {
	long input, output; /* output written by the task, plain memory */
	long seen_by_callback;
	struct workout *w;
};

struct workout {
	pool_t *pool;
	long per_submitter;
	struct job *jobs;
	atomic_uint callbacks;
	atomic_long unseen_failures;
};

static int work(void *arg, void **result)
{
	struct job *j = arg;
	j->output = j->input * 3 + 1;
	(void)pool_worker();
	*result = j;
	return j->input % 5 == 0 ? 1 : 0;
}

static void work_done(future_t *f, void *arg)
{
	struct job *j = arg;
	j->seen_by_callback = j->output;
	if (j->input % 2 == 0)
		future_release(f);
	atomic_fetch_add(&j->w->callbacks, 1);
}

/* Submits, then collects in one of four ways chosen by the input. */
static void workout_submitter(unsigned s, void *arg)
{
	struct workout *w = arg;
	for (long i = 0; i < w->per_submitter; i++) {
		struct job *j = &w->jobs[(long)s * w->per_submitter + i];
		j->input = (long)s * w->per_submitter + i;
		j->w = w;
		bool with_callback = j->input % 4 < 2;
		future_t *f = submit(w->pool, work, j, with_callback ? work_done : NULL, j);
		if (with_callback && j->input % 2 == 0)
			continue; /* the callback releases it */
		if (j->input % 4 == 3) {
			if (j->input % 5 == 0)
				atomic_fetch_add(&w->unseen_failures, 1);
			future_release(f); /* before or after completion */
			continue;
		}
		void *result = NULL;
		future_wait(f, &result);
		HARNESS_REQUIRE(result == j && j->output == j->input * 3 + 1,
		                "after future_wait, task %ld's result is %ld; expected %ld",
		                j->input, j->output, j->input * 3 + 1);
		future_release(f);
	}
}

START_TEST(race_workout)
{
	harness_perturb(
	    (struct harness_perturbation){.yield_rate = 50, .sleep_rate = 5, .sleep_max_us = 50});
	struct workout w = {.pool = new_pool(3), .per_submitter = harness_scaled(4000)};
	w.jobs = harness_alloc((size_t)(2 * w.per_submitter) * sizeof *w.jobs);
	harness_run_threads(2, workout_submitter, &w);
	unsigned unseen = pool_shutdown(w.pool);
	long callbacks = 0;
	for (long i = 0; i < 2 * w.per_submitter; i++) {
		const struct job *j = &w.jobs[i];
		ck_assert_msg(j->output == j->input * 3 + 1,
		              "task %ld's result is %ld, expected %ld", j->input, j->output,
		              j->input * 3 + 1);
		if (j->input % 4 < 2) {
			callbacks++;
			ck_assert_msg(j->seen_by_callback == j->output,
			              "task %ld's callback saw the result %ld; expected %ld",
			              j->input, j->seen_by_callback, j->output);
		}
	}
	ck_assert_msg(atomic_load(&w.callbacks) == callbacks, "%ld callbacks expected, %u ran",
	              callbacks, atomic_load(&w.callbacks));
	ck_assert_msg(unseen == atomic_load(&w.unseen_failures),
	              "pool_shutdown returned %u; %ld failures went unseen", unseen,
	              atomic_load(&w.unseen_failures));
	free(w.jobs);
}
END_TEST

void pool_add_race_tests(void)
{
	HARNESS_ADD(race_workout, 30);
}
