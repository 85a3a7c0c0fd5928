/*
 * prodcons_workout.c -- the race workout ThreadSanitizer and Helgrind
 * watch: two producers, one consumer (so no stolen wakeups), a queue that
 * never fills, bq_size from another thread, and a close racing a blocked
 * get.  Every field is touched from several threads, and no correctness
 * bug other than a race can hang or crash it.
 */
#include "prodcons_support.h"

/* One get, tried again until it returns true. */
struct get_attempt {
	bqueue_t *q;
	void *item;
};

static bool got_item(void *arg)
{
	struct get_attempt *g = arg;
	return bq_get(g->q, &g->item);
}

/* Gets the next item; a get that returns false on an open queue (one that
 * does not block) is retried for a while rather than failed at once, so
 * the run goes on with the producers and the sanitizers see its races in
 * every run, not only when the first get came after the first put. */
static void *workout_get(struct transfer *t)
{
	struct get_attempt g = {t->q, NULL};
	HARNESS_REQUIRE(harness_wait_until(got_item, &g, STALL_SECONDS),
	                "bq_get kept returning false on an open queue while producers were "
	                "putting: it must wait for an item");
	return g.item;
}

static void workout_thread(unsigned i, void *arg)
{
	struct transfer *t = arg;
	if (i < t->producers) {
		for (long s = 1; s <= t->per_producer; s++)
			HARNESS_REQUIRE(bq_put(t->q, tag(i, s)), "bq_put returned false");
	} else if (i == t->producers) {
		long last[MAX_PRODUCERS] = {0};
		for (long n = 0; n < t->producers * t->per_producer; n++)
			check_item(t, workout_get(t), last);
		atomic_fetch_add(&t->consumers_done, 1);
	} else {
		observe(t);
	}
}

static void close_race_thread(unsigned i, void *arg)
{
	bqueue_t *q = arg;
	void *item;
	if (i == 0) {
		HARNESS_REQUIRE(!bq_get(q, &item), "bq_get on a closed empty queue returned true");
	} else if (i == 1) {
		harness_sleep_us(2000);
		bq_close(q);
	} else {
		(void)bq_size(q);
	}
}

START_TEST(race_workout)
{
	harness_perturb(
	    (struct harness_perturbation){.yield_rate = 50, .sleep_rate = 5, .sleep_max_us = 50});
	struct transfer t = {.producers = 2, .consumers = 1};
	t.per_producer = harness_scaled(20000);
	t.capacity = (size_t)(t.producers * t.per_producer);
	transfer_open(&t);
	harness_run_threads(t.producers + 2, workout_thread, &t);
	harness_run_threads(3, close_race_thread, t.q);
	transfer_free(&t);
}
END_TEST

void prodcons_add_workout_tests(void)
{
	HARNESS_ADD(race_workout, 30);
}
