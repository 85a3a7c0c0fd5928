/*
 * prodcons_test.c -- the harness for the prodcons exercise (bounded
 * blocking queue).
 *
 * Items are tagged with their producer and sequence number, so a consumer
 * can tell a lost, duplicated, invented or reordered item the moment it
 * gets one.  Blocking is checked deterministically: helper threads record
 * when their call returns, and the test waits for a return with a generous
 * deadline (a correct queue returns in microseconds) or makes sure one does
 * not come.  Stress runs end with "pills" rather than bq_close, so a close
 * bug fails the close tests and nothing else.  The timing tests compare CPU
 * time with wall time (busy waiting) and the student's queue with the
 * harness's baseline queue measured in the same run (throughput).
 */
#include "baseline_queue.h"
#include "harness.h"
#include "prodcons.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

/* How long a thread that should have been released may take to return. */
#define PROMPT_SECONDS 3.0
/* How long a call must stay blocked to count as blocked. */
#define BLOCKED_US 150000

/* --- tagged items ------------------------------------------------------- */

#define MAX_PRODUCERS 16

static char pill_marker;
#define PILL ((void *)&pill_marker)

/* Producer p's item number s (from 1): never NULL, never the pill. */
static void *tag(unsigned p, long s)
{
	return (void *)(((uintptr_t)(p + 1) << 32) | (uintptr_t)s);
}
static unsigned tag_producer(void *item)
{
	return (unsigned)((uintptr_t)item >> 32) - 1;
}
static long tag_seq(void *item)
{
	return (long)((uintptr_t)item & 0xffffffffu);
}

static bqueue_t *new_queue(size_t capacity)
{
	bqueue_t *q = calloc(1, sizeof *q);
	HARNESS_REQUIRE(q != NULL, "harness: out of memory");
	int err = bq_init(q, capacity);
	HARNESS_REQUIRE(err == 0, "bq_init(q, %zu) returned %d, expected 0", capacity, err);
	return q;
}

/* Waits until *counter reaches target or the deadline passes. */
static bool wait_for(atomic_uint *counter, unsigned target, double seconds)
{
	double deadline = harness_now() + seconds;
	while (atomic_load(counter) < target && harness_now() < deadline)
		harness_sleep_us(1000);
	return atomic_load(counter) >= target;
}

/* Starts a detached helper thread (the test may leave it blocked). */
static void start_detached(void *(*fn)(void *), void *arg)
{
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int err = pthread_create(&t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	HARNESS_REQUIRE(err == 0, "harness: cannot create a thread (error %d)", err);
}

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
	struct putter *p = calloc(1, sizeof *p);
	ck_assert(p != NULL);
	p->q = new_queue(capacity);
	p->puts = (long)capacity + 1;
	start_detached(put_in_order, p);
	unsigned cap = (unsigned)capacity;
	ck_assert_msg(wait_for(&p->returned, cap, PROMPT_SECONDS),
	              "capacity %zu: only %u of the first %zu puts returned; a put into a queue "
	              "with room must not block",
	              capacity, atomic_load(&p->returned), capacity);
	ck_assert_msg(wait_for(&p->started, cap + 1, PROMPT_SECONDS), "harness: putter stalled");
	harness_sleep_us(BLOCKED_US);
	ck_assert_msg(atomic_load(&p->returned) == cap,
	              "capacity %zu: put number %zu returned although the queue was full; it "
	              "must block until a get makes room",
	              capacity, capacity + 1);
	size_t size = bq_size(p->q);
	ck_assert_msg(size == capacity, "capacity %zu: a full queue reports bq_size %zu", capacity,
	              size);
	expect_item(p->q, 1, capacity);
	ck_assert_msg(wait_for(&p->returned, cap + 1, PROMPT_SECONDS),
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

struct transfer {
	bqueue_t *q;
	size_t capacity;
	unsigned producers, consumers;
	long per_producer;
	atomic_uchar *seen; /* producers * per_producer counters */
	atomic_long got;    /* items consumers got so far */
	atomic_uint producers_done, consumers_done;
};

/* Items stop moving for this long: someone waits for a wakeup that never comes. */
#define STALL_SECONDS 5.0

/* Fails the test if t->got has not moved for STALL_SECONDS since *last_at. */
static void check_progress(struct transfer *t, long *last_got, double *last_at)
{
	long got = atomic_load(&t->got);
	double now = harness_now();
	if (got != *last_got) {
		*last_got = got;
		*last_at = now;
		return;
	}
	HARNESS_REQUIRE(
	    now - *last_at < STALL_SECONDS * harness_slowdown(),
	    "%u producer%s, %u consumer%s, capacity %zu: no item moved for %.0f s "
	    "(%ld got so far; %u producer%s and %u consumer%s finished): the others "
	    "are blocked for good; does every get wake a waiting producer and every "
	    "put a waiting consumer?",
	    t->producers, HARNESS_PLURAL(t->producers), t->consumers, HARNESS_PLURAL(t->consumers),
	    t->capacity, STALL_SECONDS * harness_slowdown(), got, atomic_load(&t->producers_done),
	    HARNESS_PLURAL(atomic_load(&t->producers_done)), atomic_load(&t->consumers_done),
	    HARNESS_PLURAL(atomic_load(&t->consumers_done)));
}

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

/* Checks one item a consumer got; last[p] is the last seq it got from p. */
static void check_item(struct transfer *t, void *item, long last[])
{
	unsigned p = tag_producer(item);
	long s = tag_seq(item);
	HARNESS_REQUIRE(p < t->producers && s >= 1 && s <= t->per_producer,
	                "bq_get returned %p, which no producer put (an empty or stale slot?)",
	                item);
	unsigned before = atomic_fetch_add(&t->seen[(long)p * t->per_producer + s - 1], 1);
	HARNESS_REQUIRE(before == 0, "producer %u's item %ld was got twice", p, s);
	HARNESS_REQUIRE(s > last[p],
	                "a consumer got producer %u's item %ld after its item %ld: one "
	                "producer's items must come out in the order they went in",
	                p, s, last[p]);
	last[p] = s;
	atomic_fetch_add(&t->got, 1);
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

/* Watches bq_size and progress while the others work. */
static void observe(struct transfer *t)
{
	long last_got = -1;
	double last_at = harness_now();
	while (atomic_load(&t->consumers_done) < t->consumers) {
		size_t n = bq_size(t->q);
		HARNESS_REQUIRE(n <= t->capacity,
		                "bq_size returned %zu on a queue of capacity %zu: never more "
		                "than capacity items may be inside",
		                n, t->capacity);
		check_progress(t, &last_got, &last_at);
		harness_sleep_us(50);
	}
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
	t.q = new_queue(capacity);
	t.seen = calloc((size_t)(producers * t.per_producer), sizeof *t.seen);
	ck_assert(t.seen != NULL);
	harness_run_threads(producers + consumers + 1, transfer_thread, &t);
	for (unsigned p = 0; p < producers; p++)
		for (long s = 1; s <= t.per_producer; s++)
			ck_assert_msg(atomic_load(&t.seen[(long)p * t.per_producer + s - 1]) == 1,
			              "%u producer%s, %u consumer%s, capacity %zu: producer %u's "
			              "item %ld was put but never got",
			              producers, HARNESS_PLURAL(producers), consumers,
			              HARNESS_PLURAL(consumers), capacity, p, s);
	ck_assert_msg(bq_size(t.q) == 0, "after everything was got, bq_size is %zu", bq_size(t.q));
	bq_destroy(t.q);
	free(t.q);
	free(t.seen);
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

/* --- close ---------------------------------------------------------------- */

struct blocked_calls {
	bqueue_t *q;
	atomic_uint returned, returned_true;
};

static void *blocked_get(void *arg)
{
	struct blocked_calls *b = arg;
	void *item;
	if (bq_get(b->q, &item))
		atomic_fetch_add(&b->returned_true, 1);
	atomic_fetch_add(&b->returned, 1);
	return NULL;
}

static void *blocked_put(void *arg)
{
	struct blocked_calls *b = arg;
	if (bq_put(b->q, tag(1, 1)))
		atomic_fetch_add(&b->returned_true, 1);
	atomic_fetch_add(&b->returned, 1);
	return NULL;
}

/* Starts n threads running fn on q and gives them time to block. */
static struct blocked_calls *start_calls(bqueue_t *q, unsigned n, void *(*fn)(void *))
{
	struct blocked_calls *b = calloc(1, sizeof *b);
	HARNESS_REQUIRE(b != NULL, "harness: out of memory");
	b->q = q;
	for (unsigned i = 0; i < n; i++)
		start_detached(fn, b);
	harness_sleep_us(BLOCKED_US);
	return b;
}

/* Starts n threads running fn and checks that they all stay blocked. */
static struct blocked_calls *start_blocked(bqueue_t *q, unsigned n, void *(*fn)(void *),
                                           const char *what)
{
	struct blocked_calls *b = start_calls(q, n, fn);
	ck_assert_msg(atomic_load(&b->returned) == 0, "%u of %u %s returned instead of blocking",
	              atomic_load(&b->returned), n, what);
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
	bool all = wait_for(&b->returned, consumers, PROMPT_SECONDS);
	ck_assert_msg(all,
	              "%u consumers were blocked in bq_get; 2 items were put, then the queue "
	              "closed; after %.0f s only %u of them had returned: bq_close must wake "
	              "every blocked thread",
	              consumers, PROMPT_SECONDS, atomic_load(&b->returned));
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
	ck_assert_msg(wait_for(&b->returned, producers, PROMPT_SECONDS),
	              "%u producers were blocked in bq_put on a full queue; after bq_close only "
	              "%u returned within %.0f s: bq_close must wake every blocked producer",
	              producers, atomic_load(&b->returned), PROMPT_SECONDS);
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

/* Closes the queue in the middle of the traffic, then makes sure every
 * producer and consumer comes back. */
static void close_in_traffic(struct close_load *c)
{
	long last_got = -1;
	double last_at = harness_now();
	while (atomic_load(&c->t.got) < c->close_after) {
		check_progress(&c->t, &last_got, &last_at);
		harness_sleep_us(200);
	}
	atomic_store(&c->closing, true);
	bq_close(c->t.q);
	double deadline = harness_now() + PROMPT_SECONDS * harness_slowdown();
	unsigned workers = c->t.producers + c->t.consumers, done = 0;
	while ((done = atomic_load(&c->t.producers_done) + atomic_load(&c->t.consumers_done)) <
	           workers &&
	       harness_now() < deadline)
		harness_sleep_us(1000);
	HARNESS_REQUIRE(done == workers,
	                "closed while %u producers and %u consumers were busy: %.0f s later, %u "
	                "producer%s and %u consumer%s had not returned: bq_close must wake every "
	                "blocked thread, and put must not wait for room on a closed queue",
	                c->t.producers, c->t.consumers, PROMPT_SECONDS * harness_slowdown(),
	                c->t.producers - atomic_load(&c->t.producers_done),
	                HARNESS_PLURAL(c->t.producers - atomic_load(&c->t.producers_done)),
	                c->t.consumers - atomic_load(&c->t.consumers_done),
	                HARNESS_PLURAL(c->t.consumers - atomic_load(&c->t.consumers_done)));
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
	c.t.q = new_queue(c.t.capacity);
	c.t.seen = calloc((size_t)(c.t.producers * c.t.per_producer), sizeof *c.t.seen);
	ck_assert(c.t.seen != NULL);
	harness_run_threads(c.t.producers + c.t.consumers + 1, close_load_thread, &c);
	for (unsigned p = 0; p < c.t.producers; p++)
		for (long s = 1; s <= c.t.per_producer; s++) {
			unsigned seen = atomic_load(&c.t.seen[(long)p * c.t.per_producer + s - 1]);
			ck_assert_msg(seen == (s <= c.accepted[p]),
			              "closed under load: producer %u's item %ld was %s, but its "
			              "put returned %s",
			              p, s, seen ? "got" : "never got",
			              s <= c.accepted[p] ? "true" : "false (or never ran)");
		}
}
END_TEST

/* --- timing --------------------------------------------------------------- */

#define IDLE_WINDOW_US 300000
/* Blocked threads may use this share of one CPU over the window. */
#define IDLE_CPU_SHARE 0.1

/* Starts n threads that should block in fn, then measures the CPU time the
 * process uses while they wait.  Calls that return at once are a functional
 * bug the other tests report; the ones still blocked are measured. */
static void check_idle(bqueue_t *q, unsigned n, void *(*fn)(void *), const char *who,
                       const char *where)
{
	struct blocked_calls *b = start_calls(q, n, fn);
	unsigned blocked = n - atomic_load(&b->returned);
	ck_assert_msg(blocked > 0, "all %u %s on %s returned at once instead of blocking", n, who,
	              where);
	double cpu0 = harness_cpu_time();
	harness_sleep_us(IDLE_WINDOW_US);
	double cpu = harness_cpu_time() - cpu0;
	double allowed = IDLE_CPU_SHARE * IDLE_WINDOW_US / 1e6;
	harness_info("%u %s blocked on %s used %.1f ms of CPU in %d ms", blocked, who, where,
	             cpu * 1e3, IDLE_WINDOW_US / 1000);
	ck_assert_msg(cpu < allowed,
	              "%u %s waiting on %s used %.0f ms of CPU in %d ms (allowed: %.0f ms): a "
	              "blocked thread must sleep on a condition variable, not spin",
	              blocked, who, where, cpu * 1e3, IDLE_WINDOW_US / 1000, allowed * 1e3);
}

START_TEST(no_busy_wait)
{
	harness_perturb(HARNESS_PERTURB_OFF);
	check_idle(new_queue(4), 4, blocked_get, "consumers", "an empty queue");
	bqueue_t *full = new_queue(2);
	ck_assert(bq_put(full, tag(0, 1)) && bq_put(full, tag(0, 2)));
	check_idle(full, 4, blocked_put, "producers", "a full queue");
}
END_TEST

/* One interface over the student's queue and the baseline. */
struct queue_kind {
	const char *name;
	void *(*create)(size_t capacity);
	bool (*put)(void *q, void *item);
	bool (*get)(void *q, void **item);
};

static void *student_create(size_t capacity)
{
	return new_queue(capacity);
}
static bool student_put(void *q, void *item)
{
	return bq_put(q, item);
}
static bool student_get(void *q, void **item)
{
	return bq_get(q, item);
}
static void *baseline_create_any(size_t capacity)
{
	void *q = baseline_create(capacity);
	HARNESS_REQUIRE(q != NULL, "harness: out of memory");
	return q;
}
static bool baseline_put_any(void *q, void *item)
{
	return baseline_put(q, item);
}
static bool baseline_get_any(void *q, void **item)
{
	return baseline_get(q, item);
}

static const struct queue_kind student = {"your queue", student_create, student_put, student_get};
static const struct queue_kind baseline = {"baseline queue", baseline_create_any, baseline_put_any,
                                           baseline_get_any};

/* One timed run: threads move items until stop, counting them in moved.
 * Runs are never freed: a slow or broken queue's threads may be left
 * behind.  A put or get that returns false on the open queue fails the
 * test when the run is graded, and marks the run broken otherwise. */
struct timed_run {
	const struct queue_kind *kind;
	void *q, *back;
	unsigned producers, consumers;
	bool graded;
	atomic_bool stop, broken;
	atomic_long moved;
	atomic_uint finished;
};

static bool went_well(bool ok, struct timed_run *r)
{
	HARNESS_REQUIRE(ok || !r->graded, "%s: a put or get returned false on an open queue",
	                r->kind->name);
	if (!ok)
		atomic_store(&r->broken, true);
	return ok;
}

static void *finish(struct timed_run *r)
{
	atomic_fetch_add(&r->finished, 1);
	return NULL;
}

/* Ping-pong: one item goes to the echo thread and back, so every hop needs
 * a thread blocked on an empty queue to wake up. */
static void *ping(void *arg)
{
	struct timed_run *r = arg;
	void *item = tag(0, 1);
	while (!atomic_load(&r->stop)) {
		if (!went_well(r->kind->put(r->q, item), r) ||
		    !went_well(r->kind->get(r->back, &item), r))
			return NULL;
		atomic_fetch_add(&r->moved, 2);
	}
	went_well(r->kind->put(r->q, PILL), r);
	return finish(r);
}

static void *echo(void *arg)
{
	struct timed_run *r = arg;
	void *item = NULL;
	while (went_well(r->kind->get(r->q, &item), r) && item != PILL)
		if (!went_well(r->kind->put(r->back, item), r))
			return NULL;
	return finish(r);
}

/* Many to many: producers put until stop, then one pill each. */
static void *timed_producer(void *arg)
{
	struct timed_run *r = arg;
	while (!atomic_load(&r->stop))
		if (!went_well(r->kind->put(r->q, tag(0, 1)), r))
			return NULL;
	went_well(r->kind->put(r->q, PILL), r);
	return finish(r);
}

static void *timed_consumer(void *arg)
{
	struct timed_run *r = arg;
	void *item = NULL;
	while (went_well(r->kind->get(r->q, &item), r) && item != PILL)
		atomic_fetch_add(&r->moved, 1);
	return finish(r);
}

#define WARMUP_US 20000
#define WINDOW_US 150000

/* Items per second moved in the window; waits a while for the threads. */
static double measure(struct timed_run *r, void *(*producer)(void *), void *(*consumer)(void *))
{
	for (unsigned i = 0; i < r->producers; i++)
		start_detached(producer, r);
	for (unsigned i = 0; i < r->consumers; i++)
		start_detached(consumer, r);
	harness_sleep_us(WARMUP_US);
	double t0 = harness_now();
	long m0 = atomic_load(&r->moved);
	harness_sleep_us(WINDOW_US);
	long m1 = atomic_load(&r->moved);
	double t1 = harness_now();
	atomic_store(&r->stop, true);
	wait_for(&r->finished, r->producers + r->consumers, PROMPT_SECONDS);
	return (double)(m1 - m0) / (t1 - t0);
}

static struct timed_run *new_run(const struct queue_kind *kind, unsigned n, bool graded)
{
	struct timed_run *r = calloc(1, sizeof *r);
	HARNESS_REQUIRE(r != NULL, "harness: out of memory");
	*r = (struct timed_run){.kind = kind, .producers = n, .consumers = n, .graded = graded};
	return r;
}

static double ping_pong_rate(const struct queue_kind *kind)
{
	struct timed_run *r = new_run(kind, 1, true);
	r->q = kind->create(16);
	r->back = kind->create(16);
	return measure(r, ping, echo);
}

/* Not graded: more threads than cores make it noisy, and a queue that loses
 * wakeups under contention already fails the functional tests. */
static double many_to_many_rate(const struct queue_kind *kind, unsigned n, size_t capacity,
                                bool *broken)
{
	struct timed_run *r = new_run(kind, n, false);
	r->q = kind->create(capacity);
	double rate = measure(r, timed_producer, timed_consumer);
	*broken = *broken || atomic_load(&r->broken) ||
	          atomic_load(&r->finished) < r->producers + r->consumers;
	return rate;
}

static double best(double a, double b)
{
	return a > b ? a : b;
}

#define ROUNDS 3
/* The student's queue must move at least this share of the baseline's items. */
#define MIN_SHARE 0.1

START_TEST(throughput)
{
	harness_perturb(HARNESS_PERTURB_OFF);
	double mine = 0, base = 0;
	for (int round = 0; round < ROUNDS; round++) {
		base = best(base, ping_pong_rate(&baseline));
		mine = best(mine, ping_pong_rate(&student));
	}
	harness_info("ping-pong (every hop wakes a blocked consumer): your queue %.0f items/s, "
	             "baseline %.0f items/s (best of %d)",
	             mine, base, ROUNDS);
	harness_leaderboard("prodcons ping-pong items/s", mine, true);
	double mine4 = 0, base4 = 0;
	bool broken = false, base_broken = false;
	for (int round = 0; round < ROUNDS; round++) {
		base4 = best(base4, many_to_many_rate(&baseline, 4, 64, &base_broken));
		mine4 = best(mine4, many_to_many_rate(&student, 4, 64, &broken));
	}
	harness_info(
	    "4 producers, 4 consumers, capacity 64 (not graded): your queue %.0f items/s%s, "
	    "baseline %.0f items/s (best of %d)",
	    mine4, broken ? " (some threads got false or stayed blocked)" : "", base4, ROUNDS);
	ck_assert_msg(mine >= MIN_SHARE * base,
	              "ping-pong between two threads: your queue moved %.0f items/s, the baseline "
	              "queue %.0f items/s in the same run; below %.0f%% of it, so a waiting thread "
	              "is not woken as soon as its condition holds (sleep-polling?)",
	              mine, base, MIN_SHARE * 100);
}
END_TEST

/* --- race workout for ThreadSanitizer and Helgrind -------------------------- */

/* Gets the next item; a get that returns false on an open queue (one that
 * does not block) is retried for a while rather than failed at once, so
 * the run goes on with the producers and the sanitizers see its races in
 * every run, not only when the first get came after the first put. */
static void *workout_get(struct transfer *t)
{
	double give_up = harness_now() + STALL_SECONDS * harness_slowdown();
	void *item = NULL;
	while (!bq_get(t->q, &item)) {
		HARNESS_REQUIRE(harness_now() < give_up,
		                "bq_get kept returning false on an open queue while producers were "
		                "putting: it must wait for an item");
		sched_yield();
	}
	return item;
}

/* Two producers, one consumer (so no stolen wakeups), a queue that never
 * fills, bq_size from another thread, and a close racing a blocked get:
 * every field is touched from several threads, and no correctness bug
 * other than a race can hang or crash it. */
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
	t.q = new_queue(t.capacity);
	t.seen = calloc(t.capacity, sizeof *t.seen);
	ck_assert(t.seen != NULL);
	harness_run_threads(t.producers + 2, workout_thread, &t);
	harness_run_threads(3, close_race_thread, t.q);
	bq_destroy(t.q);
	free(t.q);
	free(t.seen);
}
END_TEST

void harness_define(void)
{
	void prodcons_controlled_define(void); /* prodcons_controlled.c */
	HARNESS_ADD(basics, 5);
	HARNESS_ADD(capacity, 10);
	HARNESS_ADD(exactly_once_in_order, 60);
	HARNESS_ADD(spurious_wakeups, 60);
	HARNESS_ADD(close_wakes_consumers, 10);
	HARNESS_ADD(close_wakes_producers, 10);
	HARNESS_ADD(close_under_load, 30);
	HARNESS_ADD(no_busy_wait, 10);
	HARNESS_ADD(throughput, 30);
	HARNESS_ADD(race_workout, 30);
	prodcons_controlled_define();
}
