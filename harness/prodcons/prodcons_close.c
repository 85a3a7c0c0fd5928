/*
 * prodcons_close.c -- bq_close: it wakes every blocked consumer (which
 * still get the items left) and every blocked producer (which take
 * nothing), and closed in the middle of the traffic, exactly the items
 * whose put returned true come out, each once.
 */
#include "prodcons_support.h"

/* Starts n calls of fn and checks that they all stay blocked. */
static struct blocked_calls *start_blocked(bqueue_t *q, unsigned n, void (*fn)(void *calls),
                                           const char *what)
{
	struct blocked_calls *b = start_calls(q, n, fn);
	unsigned returned = harness_background_returned(&b->calls);
	ck_assert_msg(returned == 0, "%u of %u %s returned instead of blocking", returned, n, what);
	return b;
}

/* Close wakes blocked consumers: two get the items put just before, the
 * others return false. */
START_TEST(close_wakes_consumers)
{
	harness_perturb((struct harness_perturbation){.yield_rate = 50});
	const unsigned consumers = 4;
	bqueue_t *q = new_queue(4);
	struct blocked_calls *b =
	    start_blocked(q, consumers, blocked_get, "bq_get calls on an empty open queue");
	ck_assert_msg(bq_put(q, tag(0, 1)) && bq_put(q, tag(0, 2)),
	              "bq_put returned false on an open queue");
	double t0 = harness_now();
	bq_close(q);
	bool all = harness_background_wait(&b->calls, consumers, PROMPT_SECONDS);
	ck_assert_msg(all,
	              "%u consumers were blocked in bq_get; 2 items were put, then the queue "
	              "closed; after %.0f s only %u of them had returned: bq_close must wake "
	              "every blocked thread",
	              consumers, PROMPT_SECONDS, harness_background_returned(&b->calls));
	harness_info("all %u blocked consumers returned %.1f ms after bq_close", consumers,
	             (harness_now() - t0) * 1e3);
	ck_assert_msg(atomic_load(&b->returned_true) == 2,
	              "2 items were put just before bq_close, but %u blocked gets returned "
	              "true: items put before close must still be delivered",
	              atomic_load(&b->returned_true));
}
END_TEST

/* Close wakes producers blocked on a full queue; they take nothing. */
START_TEST(close_wakes_producers)
{
	harness_perturb((struct harness_perturbation){.yield_rate = 50});
	const unsigned producers = 3;
	bqueue_t *q = new_queue(2);
	ck_assert_msg(bq_put(q, tag(0, 1)) && bq_put(q, tag(0, 2)),
	              "bq_put returned false on an open queue with room");
	struct blocked_calls *b =
	    start_blocked(q, producers, blocked_put, "bq_put calls on a full queue");
	bq_close(q);
	ck_assert_msg(harness_background_wait(&b->calls, producers, PROMPT_SECONDS),
	              "%u producers were blocked in bq_put on a full queue; after bq_close only "
	              "%u returned within %.0f s: bq_close must wake every blocked producer",
	              producers, harness_background_returned(&b->calls), PROMPT_SECONDS);
	ck_assert_msg(atomic_load(&b->returned_true) == 0,
	              "%u of the producers blocked on a full queue returned true after "
	              "bq_close: a put on a closed queue must return false and take nothing",
	              atomic_load(&b->returned_true));
	ck_assert_msg(bq_size(q) == 2, "after close, the full queue of 2 reports size %zu",
	              bq_size(q));
	void *item = NULL;
	ck_assert_msg(bq_get(q, &item) && item == tag(0, 1) && bq_get(q, &item) &&
	                  item == tag(0, 2),
	              "after close, get must return the 2 items put before it, in order");
	ck_assert_msg(!bq_get(q, &item), "get on a closed, drained queue returned true");
}
END_TEST

/* Producers and consumers run until a close in the middle of the traffic:
 * exactly the items whose put returned true come out, each once. */
struct close_load {
	struct transfer t;
	long close_after;
	atomic_bool closing; /* set just before the harness calls bq_close */
	long accepted[MAX_PRODUCERS];
};

static void produce_until_closed(struct close_load *c, unsigned p)
{
	long s = 1;
	while (s <= c->t.per_producer && bq_put(c->t.q, tag(p, s)))
		s++;
	HARNESS_REQUIRE(s > c->t.per_producer || atomic_load(&c->closing),
	                "bq_put returned false before the queue was closed");
	c->accepted[p] = s - 1;
	atomic_fetch_add(&c->t.producers_done, 1);
}

static void consume_until_closed(struct close_load *c)
{
	long last[MAX_PRODUCERS] = {0};
	void *item = NULL;
	while (bq_get(c->t.q, &item))
		check_item(&c->t, item, last);
	HARNESS_REQUIRE(atomic_load(&c->closing),
	                "bq_get returned false before the queue was closed");
	atomic_fetch_add(&c->t.consumers_done, 1);
}

static bool every_worker_done(void *arg)
{
	const struct close_load *c = arg;
	return atomic_load(&c->t.producers_done) + atomic_load(&c->t.consumers_done) ==
	       c->t.producers + c->t.consumers;
}

/* Closes the queue in the middle of the traffic, then makes sure every
 * producer and consumer comes back. */
static void close_in_traffic(struct close_load *c)
{
	struct harness_progress progress;
	harness_progress_start(&progress, (unsigned long)atomic_load(&c->t.got));
	while (atomic_load(&c->t.got) < c->close_after) {
		check_progress(&c->t, &progress);
		harness_sleep_us(200);
	}
	atomic_store(&c->closing, true);
	bq_close(c->t.q);
	bool all = harness_wait_until(every_worker_done, c, PROMPT_SECONDS);
	unsigned left_p = c->t.producers - atomic_load(&c->t.producers_done);
	unsigned left_c = c->t.consumers - atomic_load(&c->t.consumers_done);
	HARNESS_REQUIRE(all,
	                "closed while %u producers and %u consumers were busy: %.0f s later, %u "
	                "producer%s and %u consumer%s had not returned: bq_close must wake every "
	                "blocked thread, and put must not wait for room on a closed queue",
	                c->t.producers, c->t.consumers, PROMPT_SECONDS * harness_slowdown(), left_p,
	                HARNESS_PLURAL(left_p), left_c, HARNESS_PLURAL(left_c));
}

static void close_load_thread(unsigned i, void *arg)
{
	struct close_load *c = arg;
	if (i < c->t.producers)
		produce_until_closed(c, i);
	else if (i < c->t.producers + c->t.consumers)
		consume_until_closed(c);
	else
		close_in_traffic(c);
}

START_TEST(close_under_load)
{
	struct close_load c = {.t = {.capacity = 4, .producers = 3, .consumers = 3}};
	c.close_after = harness_scaled(20000);
	c.t.per_producer = 4 * c.close_after;
	transfer_open(&c.t);
	harness_run_threads(c.t.producers + c.t.consumers + 1, close_load_thread, &c);
	for (unsigned p = 0; p < c.t.producers; p++)
		for (long s = 1; s <= c.t.per_producer; s++) {
			unsigned seen = transfer_seen(&c.t, p, s);
			ck_assert_msg(seen == (s <= c.accepted[p]),
			              "closed under load: producer %u's item %ld was %s, but its "
			              "put returned %s",
			              p, s, seen ? "got" : "never got",
			              s <= c.accepted[p] ? "true" : "false (or never ran)");
		}
}
END_TEST

void prodcons_add_close_tests(void)
{
	HARNESS_ADD(close_wakes_consumers, 10);
	HARNESS_ADD(close_wakes_producers, 10);
	HARNESS_ADD(close_under_load, 30);
}
