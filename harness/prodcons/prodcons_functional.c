/*
 * prodcons_functional.c -- the queue's semantics: one thread's view,
 * capacity (a put into a full queue blocks until a get makes room), and
 * items moved exactly once and in order by many producers and consumers,
 * with and without spurious wakeups.  harness_define, which lists every
 * test of the harness, is here too.
 *
 * Blocking is checked deterministically: a helper thread counts its calls
 * as they start and return, and the test waits for a return with a
 * generous deadline (a correct queue returns in microseconds) or makes
 * sure one does not come.
 */
#include "prodcons_support.h"

#include <errno.h>
#include <stdlib.h>

/* --- single-thread semantics --------------------------------------------- */

START_TEST(basics)
{
	bqueue_t q;
	ck_assert_msg(bq_init(&q, 0) == EINVAL, "bq_init with capacity 0 must return EINVAL");
	ck_assert_msg(bq_init(&q, 3) == 0, "bq_init(q, 3) must return 0");
	ck_assert_msg(bq_size(&q) == 0, "a new queue has size %zu, expected 0", bq_size(&q));
	ck_assert_msg(bq_put(&q, tag(0, 1)) && bq_put(&q, NULL) && bq_put(&q, tag(0, 3)),
	              "put into a queue with room returned false");
	ck_assert_msg(bq_size(&q) == 3, "after 3 puts bq_size is %zu", bq_size(&q));
	void *item = tag(9, 9);
	ck_assert_msg(bq_get(&q, &item) && item == tag(0, 1),
	              "the first get must return the first item put (FIFO)");
	ck_assert_msg(bq_get(&q, &item) && item == NULL, "NULL is an item like any other");
	ck_assert_msg(bq_put(&q, tag(0, 4)), "put after a get freed a slot returned false");
	bq_close(&q);
	ck_assert_msg(!bq_put(&q, tag(0, 5)), "bq_put after bq_close returned true");
	ck_assert_msg(bq_size(&q) == 2, "after close, size is %zu, expected the 2 items left",
	              bq_size(&q));
	ck_assert_msg(bq_get(&q, &item) && item == tag(0, 3),
	              "after close, get must still return the items left, oldest first");
	bq_close(&q);
	ck_assert_msg(bq_get(&q, &item) && item == tag(0, 4),
	              "after closing twice, get must still return the last item left");
	ck_assert_msg(!bq_get(&q, &item), "get on a closed, drained queue returned true");
	ck_assert_msg(!bq_get(&q, &item), "a second get on a closed, drained queue returned true");
	ck_assert_msg(bq_size(&q) == 0, "a drained queue has size %zu", bq_size(&q));
	bq_destroy(&q);
}
END_TEST

/* --- capacity ----------------------------------------------------------- */

/* One thread putting items 1..puts in order, counting each put as it
 * starts and returns. */
struct putter {
	bqueue_t *q;
	long puts;
	atomic_uint started, returned;
};

static void *put_in_order(void *arg)
{
	struct putter *p = arg;
	for (long s = 1; s <= p->puts; s++) {
		atomic_fetch_add(&p->started, 1);
		bool ok = bq_put(p->q, tag(0, s));
		HARNESS_REQUIRE(ok, "bq_put on an open queue returned false");
		atomic_fetch_add(&p->returned, 1);
	}
	return NULL;
}

static void expect_item(bqueue_t *q, long seq, size_t capacity)
{
	void *item = NULL;
	ck_assert_msg(bq_get(q, &item), "bq_get on a queue holding items returned false");
	ck_assert_msg(item == tag(0, seq),
	              "capacity %zu: got item %ld, expected item %ld (items come out in the "
	              "order they went in)",
	              capacity, tag_seq(item), seq);
}

static void check_capacity(size_t capacity)
{
	struct putter *p = harness_alloc(sizeof *p);
	p->q = new_queue(capacity);
	p->puts = (long)capacity + 1;
	harness_start_detached(put_in_order, p);
	unsigned cap = (unsigned)capacity;
	ck_assert_msg(harness_wait_count(&p->returned, cap, PROMPT_SECONDS),
	              "capacity %zu: only %u of the first %zu puts returned; a put into a queue "
	              "with room must not block",
	              capacity, atomic_load(&p->returned), capacity);
	ck_assert_msg(harness_wait_count(&p->started, cap + 1, PROMPT_SECONDS),
	              "harness: putter stalled");
	harness_sleep_us(BLOCKED_US);
	ck_assert_msg(atomic_load(&p->returned) == cap,
	              "capacity %zu: put number %zu returned although the queue was full; it "
	              "must block until a get makes room",
	              capacity, capacity + 1);
	size_t size = bq_size(p->q);
	ck_assert_msg(size == capacity, "capacity %zu: a full queue reports bq_size %zu", capacity,
	              size);
	expect_item(p->q, 1, capacity);
	ck_assert_msg(harness_wait_count(&p->returned, cap + 1, PROMPT_SECONDS),
	              "capacity %zu: a get took an item from the full queue, but the blocked "
	              "put did not return within %.0f s: bq_get must wake a waiting producer",
	              capacity, PROMPT_SECONDS);
	size = bq_size(p->q);
	ck_assert_msg(size == capacity, "capacity %zu: bq_size is %zu, expected %zu", capacity,
	              size, capacity);
	for (long s = 2; s <= p->puts; s++)
		expect_item(p->q, s, capacity);
	ck_assert_msg(bq_size(p->q) == 0, "capacity %zu: emptied queue has size %zu", capacity,
	              bq_size(p->q));
}

START_TEST(capacity)
{
	check_capacity(1);
	check_capacity(3);
	check_capacity(16);
}
END_TEST

/* --- many producers and consumers -------------------------------------- */

static void produce(struct transfer *t, unsigned p)
{
	for (long s = 1; s <= t->per_producer; s++) {
		bool ok = bq_put(t->q, tag(p, s));
		HARNESS_REQUIRE(ok, "bq_put returned false on an open queue");
	}
	/* The last producer to finish tells each consumer to stop. */
	if (atomic_fetch_add(&t->producers_done, 1) + 1 == t->producers)
		for (unsigned c = 0; c < t->consumers; c++)
			HARNESS_REQUIRE(bq_put(t->q, PILL),
			                "bq_put returned false on an open queue");
}

static void consume(struct transfer *t)
{
	long last[MAX_PRODUCERS] = {0};
	for (;;) {
		void *item = NULL;
		bool ok = bq_get(t->q, &item);
		HARNESS_REQUIRE(ok, "bq_get returned false on an open queue while producers "
		                    "were still running");
		if (item == PILL)
			break;
		check_item(t, item, last);
	}
	atomic_fetch_add(&t->consumers_done, 1);
}

static void transfer_thread(unsigned i, void *arg)
{
	struct transfer *t = arg;
	if (i < t->producers)
		produce(t, i);
	else if (i < t->producers + t->consumers)
		consume(t);
	else
		observe(t);
}

static void run_transfer(unsigned producers, unsigned consumers, size_t capacity, long items)
{
	struct transfer t = {.capacity = capacity, .producers = producers, .consumers = consumers};
	t.per_producer = items / producers + 1;
	transfer_open(&t);
	harness_run_threads(producers + consumers + 1, transfer_thread, &t);
	for (unsigned p = 0; p < producers; p++)
		for (long s = 1; s <= t.per_producer; s++)
			ck_assert_msg(transfer_seen(&t, p, s) == 1,
			              "%u producer%s, %u consumer%s, capacity %zu: producer %u's "
			              "item %ld was put but never got",
			              producers, HARNESS_PLURAL(producers), consumers,
			              HARNESS_PLURAL(consumers), capacity, p, s);
	ck_assert_msg(bq_size(t.q) == 0, "after everything was got, bq_size is %zu", bq_size(t.q));
	transfer_free(&t);
}

START_TEST(exactly_once_in_order)
{
	long items = harness_scaled(8000);
	run_transfer(1, 1, 1, items);
	run_transfer(4, 4, 64, items);
	run_transfer(3, 3, 1, items);
	run_transfer(8, 8, 2, items);
	run_transfer(2, 6, 3, items);
	run_transfer(6, 2, 5, items);
}
END_TEST

START_TEST(spurious_wakeups)
{
	harness_perturb((struct harness_perturbation){
	    .yield_rate = 50, .sleep_rate = 5, .sleep_max_us = 50, .spurious_rate = 600});
	long items = harness_scaled(4000);
	run_transfer(2, 2, 1, items);
	run_transfer(4, 4, 2, items);
	run_transfer(1, 3, 1, items);
	run_transfer(3, 1, 1, items);
	struct harness_calls calls = harness_calls();
	harness_info("%lu spurious wakeups injected into %lu waits", calls.spurious_wakeups,
	             calls.cond_wait);
}
END_TEST

void harness_define(void)
{
	HARNESS_ADD(basics, 5);
	HARNESS_ADD(capacity, 10);
	HARNESS_ADD(exactly_once_in_order, 60);
	HARNESS_ADD(spurious_wakeups, 60);
	prodcons_add_close_tests();
	prodcons_add_timing_tests();
	prodcons_add_workout_tests();
	prodcons_add_controlled_tests();
}
