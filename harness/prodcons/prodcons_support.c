/*
 * prodcons_support.c -- queues, checked transfers and background calls
 * the prodcons tests share (prodcons_support.h).
 *
 * A stall is told from slowness by progress: a transfer fails once no item
 * has moved for STALL_SECONDS, however long a busy machine takes to move
 * them all.
 */
#include "prodcons_support.h"

#include <stdlib.h>

char pill_marker;

bqueue_t *new_queue(size_t capacity)
{
	bqueue_t *q = harness_alloc(sizeof *q);
	int err = bq_init(q, capacity);
	HARNESS_REQUIRE(err == 0, "bq_init(q, %zu) returned %d, expected 0", capacity, err);
	return q;
}

void transfer_open(struct transfer *t)
{
	t->q = new_queue(t->capacity);
	t->seen = harness_alloc((size_t)t->producers * (size_t)t->per_producer * sizeof *t->seen);
}

void transfer_free(struct transfer *t)
{
	bq_destroy(t->q);
	free(t->q);
	free(t->seen);
}

static atomic_uchar *seen_counter(const struct transfer *t, unsigned p, long s)
{
	return &t->seen[(long)p * t->per_producer + s - 1];
}

unsigned transfer_seen(const struct transfer *t, unsigned p, long s)
{
	return atomic_load(seen_counter(t, p, s));
}

void check_progress(struct transfer *t, struct harness_progress *progress)
{
	long got = atomic_load(&t->got);
	double stalled = harness_progress_stalled(progress, (unsigned long)got);
	HARNESS_REQUIRE(
	    stalled < STALL_SECONDS * harness_slowdown(),
	    "%u producer%s, %u consumer%s, capacity %zu: no item moved for %.0f s "
	    "(%ld got so far; %u producer%s and %u consumer%s finished): the others "
	    "are blocked for good; does every get wake a waiting producer and every "
	    "put a waiting consumer?",
	    t->producers, HARNESS_PLURAL(t->producers), t->consumers, HARNESS_PLURAL(t->consumers),
	    t->capacity, STALL_SECONDS * harness_slowdown(), got, atomic_load(&t->producers_done),
	    HARNESS_PLURAL(atomic_load(&t->producers_done)), atomic_load(&t->consumers_done),
	    HARNESS_PLURAL(atomic_load(&t->consumers_done)));
}

void check_item(struct transfer *t, void *item, long last[])
{
	unsigned p = tag_producer(item);
	long s = tag_seq(item);
	HARNESS_REQUIRE(p < t->producers && s >= 1 && s <= t->per_producer,
	                "bq_get returned %p, which no producer put (an empty or stale slot?)",
	                item);
	unsigned before = atomic_fetch_add(seen_counter(t, p, s), 1);
	HARNESS_REQUIRE(before == 0, "producer %u's item %ld was got twice", p, s);
	HARNESS_REQUIRE(s > last[p],
	                "a consumer got producer %u's item %ld after its item %ld: one "
	                "producer's items must come out in the order they went in",
	                p, s, last[p]);
	last[p] = s;
	atomic_fetch_add(&t->got, 1);
}

void observe(struct transfer *t)
{
	struct harness_progress progress;
	harness_progress_start(&progress, (unsigned long)atomic_load(&t->got));
	while (atomic_load(&t->consumers_done) < t->consumers) {
		size_t n = bq_size(t->q);
		HARNESS_REQUIRE(n <= t->capacity,
		                "bq_size returned %zu on a queue of capacity %zu: never more "
		                "than capacity items may be inside",
		                n, t->capacity);
		check_progress(t, &progress);
		harness_sleep_us(50);
	}
}

void blocked_get(void *calls)
{
	struct blocked_calls *b = calls;
	void *item;
	if (bq_get(b->q, &item))
		atomic_fetch_add(&b->returned_true, 1);
}

void blocked_put(void *calls)
{
	struct blocked_calls *b = calls;
	if (bq_put(b->q, tag(1, 1)))
		atomic_fetch_add(&b->returned_true, 1);
}

struct blocked_calls *start_calls(bqueue_t *q, unsigned n, void (*fn)(void *calls))
{
	struct blocked_calls *b = harness_alloc(sizeof *b);
	b->q = q;
	harness_background_start(&b->calls, n, fn, b);
	harness_sleep_us(BLOCKED_US);
	return b;
}
