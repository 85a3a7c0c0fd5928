/*
 * prodcons_timing.c -- the timing tests (native build only): the CPU time
 * the process uses while its threads are blocked (busy waiting), and the
 * student's queue against the harness's baseline queue measured in the
 * same run (throughput), so the verdict compares two figures taken under
 * the same load instead of trusting an absolute number.
 */
#include "baseline_queue.h"
#include "prodcons_support.h"

/* --- no busy waiting ------------------------------------------------------ */

#define IDLE_WINDOW_US 300000
/* Blocked threads may use this share of one CPU over the window. */
#define IDLE_CPU_SHARE 0.1

/* Starts n calls that should block in fn, then measures the CPU time the
 * process uses while they wait.  Calls that return at once are a functional
 * bug the other tests report; the ones still blocked are measured. */
static void check_idle(bqueue_t *q, unsigned n, void (*fn)(void *calls), const char *who,
                       const char *where)
{
	struct blocked_calls *b = start_calls(q, n, fn);
	unsigned blocked = n - harness_background_returned(&b->calls);
	ck_assert_msg(blocked > 0, "all %u %s on %s returned at once instead of blocking", n, who,
	              where);
	double cpu = harness_cpu_while_idle(IDLE_WINDOW_US / 1e6);
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

/* --- throughput ----------------------------------------------------------- */

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

/* One throughput run: threads move items until stop, counting them in
 * moved.  In ping-pong (back set) one item goes to the echo thread on q and
 * comes back on back, so every hop needs a thread blocked on an empty
 * queue to wake up; many to many, producers put until stop.  Runs are
 * never freed: a slow or broken queue's threads may be left behind.  A put
 * or get that returns false on the open queue fails the test when the run
 * is graded, and marks the run broken otherwise. */
struct throughput_run {
	const struct queue_kind *kind;
	void *q, *back;
	unsigned producers, consumers;
	bool graded;
	atomic_bool stop, broken;
	atomic_long moved;
	atomic_uint finished;
};

static bool went_well(bool ok, struct throughput_run *r)
{
	HARNESS_REQUIRE(ok || !r->graded, "%s: a put or get returned false on an open queue",
	                r->kind->name);
	if (!ok)
		atomic_store(&r->broken, true);
	return ok;
}

static void *finish(struct throughput_run *r)
{
	atomic_fetch_add(&r->finished, 1);
	return NULL;
}

/* Puts until stop (in ping-pong, getting each item back before the next
 * put), then one pill. */
static void *timed_producer(void *arg)
{
	struct throughput_run *r = arg;
	void *item = tag(0, 1);
	while (!atomic_load(&r->stop)) {
		if (!went_well(r->kind->put(r->q, item), r))
			return NULL;
		if (!r->back)
			continue;
		if (!went_well(r->kind->get(r->back, &item), r))
			return NULL;
		atomic_fetch_add(&r->moved, 2);
	}
	went_well(r->kind->put(r->q, PILL), r);
	return finish(r);
}

/* Gets until a pill: many to many, counting each item; in ping-pong, the
 * echo, sending each one back. */
static void *timed_consumer(void *arg)
{
	struct throughput_run *r = arg;
	void *item = NULL;
	while (went_well(r->kind->get(r->q, &item), r) && item != PILL) {
		if (!r->back)
			atomic_fetch_add(&r->moved, 1);
		else if (!went_well(r->kind->put(r->back, item), r))
			return NULL;
	}
	return finish(r);
}

#define WARMUP_US 20000
#define WINDOW_US 150000

/* Items per second moved in the window; waits a while for the threads. */
static double measure(struct throughput_run *r)
{
	for (unsigned i = 0; i < r->producers; i++)
		harness_start_detached(timed_producer, r);
	for (unsigned i = 0; i < r->consumers; i++)
		harness_start_detached(timed_consumer, r);
	harness_sleep_us(WARMUP_US);
	double t0 = harness_now();
	long m0 = atomic_load(&r->moved);
	harness_sleep_us(WINDOW_US);
	long m1 = atomic_load(&r->moved);
	double t1 = harness_now();
	atomic_store(&r->stop, true);
	harness_wait_count(&r->finished, r->producers + r->consumers, PROMPT_SECONDS);
	return (double)(m1 - m0) / (t1 - t0);
}

static struct throughput_run *new_run(const struct queue_kind *kind, unsigned n, bool graded)
{
	struct throughput_run *r = harness_alloc(sizeof *r);
	r->kind = kind;
	r->producers = r->consumers = n;
	r->graded = graded;
	return r;
}

static double ping_pong_rate(const struct queue_kind *kind)
{
	struct throughput_run *r = new_run(kind, 1, true);
	r->q = kind->create(16);
	r->back = kind->create(16);
	return measure(r);
}

/* Not graded: more threads than cores make it noisy, and a queue that loses
 * wakeups under contention already fails the functional tests. */
static double many_to_many_rate(const struct queue_kind *kind, unsigned n, size_t capacity,
                                bool *broken)
{
	struct throughput_run *r = new_run(kind, n, false);
	r->q = kind->create(capacity);
	double rate = measure(r);
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

void prodcons_add_timing_tests(void)
{
	HARNESS_ADD(no_busy_wait, 10);
	HARNESS_ADD(throughput, 30);
}
