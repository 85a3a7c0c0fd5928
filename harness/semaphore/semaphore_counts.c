/*
 * semaphore_counts.c -- exact counts under many threads: permits handed
 * from posting to waiting threads, a pool of permits never over-issued,
 * and run_limited, checked by the high-water mark of tasks inside at once,
 * which must equal the limit exactly.
 *
 * Stress tests run in rounds within a time budget, so a busy machine does
 * fewer rounds instead of failing, and every run goes through the
 * stall-bounded runs of semaphore_support.c.
 */
#include "semaphore_support.h"

/* Time budget of a stress test's rounds: after it, no new round starts. */
#define STRESS_BUDGET_S 5.0

/* --- exact counts under many threads ------------------------------------- */

struct handoff {
	csem_t sem;
	atomic_long tokens; /* posts announced minus permits taken */
	long per_thread;
};

/* Threads 0-3 post; threads 4-7 take as many permits, by wait and timedwait. */
static void handoff_worker(unsigned i, void *arg)
{
	struct handoff *h = arg;
	for (long k = 0; k < h->per_thread; k++) {
		if (i < 4) {
			atomic_fetch_add(&h->tokens, 1);
			csem_post(&h->sem);
			continue;
		}
		if (k % 2) {
			csem_wait(&h->sem);
		} else {
			struct timespec deadline = realtime_after(PATIENT_WAIT_S);
			HARNESS_REQUIRE(
			    csem_timedwait(&h->sem, &deadline),
			    "csem_timedwait timed out after %.0f s while posts were still "
			    "coming: a post was lost or woke nobody",
			    PATIENT_WAIT_S);
		}
		long before = atomic_fetch_sub(&h->tokens, 1);
		HARNESS_REQUIRE(before >= 1,
		                "a wait returned a permit nobody had posted (value now %u): "
		                "recheck the value after every wakeup",
		                csem_value(&h->sem));
	}
}

struct pool {
	csem_t sem;
	unsigned permits;
	atomic_uint inside;
	atomic_uint most_inside;
	long rounds;
};

static void note_most(atomic_uint *most, unsigned now)
{
	unsigned seen = atomic_load(most);
	while (now > seen && !atomic_compare_exchange_weak(most, &seen, now))
		;
}

/* Every thread takes a permit, stays a moment, and gives it back. */
static void pool_worker(unsigned i, void *arg)
{
	struct pool *p = arg;
	for (long k = 0; k < p->rounds; k++) {
		if ((k + i) % 2) {
			csem_wait(&p->sem);
		} else {
			struct timespec deadline = realtime_after(PATIENT_WAIT_S);
			HARNESS_REQUIRE(
			    csem_timedwait(&p->sem, &deadline),
			    "csem_timedwait on a pool of %u permits timed out after %.0f s",
			    p->permits, PATIENT_WAIT_S);
		}
		unsigned now = atomic_fetch_add(&p->inside, 1) + 1;
		note_most(&p->most_inside, now);
		unsigned value = csem_value(&p->sem);
		HARNESS_REQUIRE(value < p->permits,
		                "a thread holding one of %u permits read the value %u: waits took "
		                "permits that were not there",
		                p->permits, value);
		atomic_fetch_sub(&p->inside, 1);
		csem_post(&p->sem);
	}
}

/* Each stress below runs in rounds of this many operations per thread, as
 * many rounds as EXACT_ROUNDS or the time budget allow. */
#define EXACT_ROUNDS 6
#define ROUND_OPS    500

static void handoff_rounds(double deadline)
{
	int rounds = 0;
	do {
		struct handoff h = {.per_thread = harness_scaled(ROUND_OPS)};
		init_or_fail(&h.sem, 0);
		run_threads_within(8, handoff_worker, &h, "4 threads posting and 4 taking permits");
		ck_assert_msg(csem_value(&h.sem) == 0,
		              "4 threads posted %ld times each and 4 took as many: value %u, "
		              "expected 0",
		              h.per_thread, csem_value(&h.sem));
		csem_destroy(&h.sem);
	} while (++rounds < EXACT_ROUNDS && harness_now() < deadline);
	harness_info("%d of %d rounds of 4 threads posting and 4 taking %ld permits each", rounds,
	             EXACT_ROUNDS, harness_scaled(ROUND_OPS));
}

static void pool_rounds(double deadline)
{
	int rounds = 0;
	unsigned most = 0;
	do {
		struct pool p = {.permits = 3, .rounds = harness_scaled(ROUND_OPS)};
		init_or_fail(&p.sem, p.permits);
		run_threads_within(8, pool_worker, &p, "8 threads sharing 3 permits");
		most = atomic_load(&p.most_inside) > most ? atomic_load(&p.most_inside) : most;
		ck_assert_msg(atomic_load(&p.most_inside) <= p.permits,
		              "%u threads held a permit at once from a semaphore of %u",
		              atomic_load(&p.most_inside), p.permits);
		ck_assert_msg(csem_value(&p.sem) == p.permits,
		              "every thread gave back its permit: value %u, expected %u",
		              csem_value(&p.sem), p.permits);
		csem_destroy(&p.sem);
	} while (++rounds < EXACT_ROUNDS && harness_now() < deadline);
	harness_info("pool of 3 permits, 8 threads, %d of %d rounds: at most %u held permits at "
	             "once",
	             rounds, EXACT_ROUNDS, most);
}

START_TEST(exact_counts)
{
	harness_perturb(HARNESS_PERTURB_HEAVY);
	handoff_rounds(harness_deadline(STRESS_BUDGET_S / 2));
	pool_rounds(harness_deadline(STRESS_BUDGET_S / 2));
}
END_TEST

/* --- run_limited ---------------------------------------------------------- */

#define MAX_TASKS       16
#define TASK_HOLD_US    30000
#define TASK_PATIENCE_S 2.0

/*
 * Each task stays inside until as many tasks as the limit allows are inside
 * together and the student's code has created every task's thread (or,
 * once, TASK_PATIENCE_S passed), then TASK_HOLD_US more.  So a correct
 * run_limited reaches the limit however slowly its threads start, a
 * serialising one is caught after one wait, one that waits for a free slot
 * before creating each thread is caught with its threads not all started,
 * and one that lets too many in has TASK_HOLD_US for the extra tasks to show.
 */
struct limit_run {
	pthread_mutex_t lock;
	unsigned ntasks, inside, most_inside, target;
	unsigned long creates_before; /* the student's pthread_create calls so far */
	unsigned long fewest_created; /* threads created when a task gave up waiting */
	bool gave_up;
	unsigned runs[MAX_TASKS + 1]; /* the last counts calls with a bad index */
};

static unsigned long threads_created(const struct limit_run *r)
{
	return harness_calls().thread_create - r->creates_before;
}

/* Enough company inside, and every thread created; or a task gave up. */
static bool company_arrived(void *arg)
{
	struct limit_run *r = arg;
	pthread_mutex_lock(&r->lock);
	bool arrived =
	    r->gave_up || (r->most_inside >= r->target && threads_created(r) >= r->ntasks);
	pthread_mutex_unlock(&r->lock);
	return arrived;
}

/* Waits for company and for every thread; the first task to run out of
 * patience notes how many threads existed then, and releases the others. */
static void wait_for_company(struct limit_run *r)
{
	if (harness_wait_until(company_arrived, r, TASK_PATIENCE_S))
		return;
	pthread_mutex_lock(&r->lock);
	if (!r->gave_up) {
		r->gave_up = true;
		r->fewest_created = threads_created(r);
	}
	pthread_mutex_unlock(&r->lock);
}

static void limited_task(unsigned i, void *arg)
{
	struct limit_run *r = arg;
	pthread_mutex_lock(&r->lock);
	r->runs[i < r->ntasks ? i : MAX_TASKS]++;
	if (++r->inside > r->most_inside)
		r->most_inside = r->inside;
	pthread_mutex_unlock(&r->lock);
	wait_for_company(r);
	harness_sleep_us(TASK_HOLD_US);
	pthread_mutex_lock(&r->lock);
	r->inside--;
	pthread_mutex_unlock(&r->lock);
}

static void check_run_limited(unsigned ntasks, unsigned limit)
{
	struct limit_run r = {.lock = PTHREAD_MUTEX_INITIALIZER};
	r.ntasks = ntasks;
	r.target = ntasks < limit ? ntasks : limit;
	r.creates_before = harness_calls().thread_create;
	r.fewest_created = ntasks;
	int err = run_limited_within(ntasks, limit, limited_task, &r);
	ck_assert_msg(err == 0, "run_limited(%u, %u) returned %d, expected 0", ntasks, limit, err);
	ck_assert_msg(r.runs[MAX_TASKS] == 0,
	              "run_limited(%u, %u) called task(i, arg) with i >= %u", ntasks, limit,
	              ntasks);
	for (unsigned i = 0; i < ntasks; i++)
		ck_assert_msg(r.runs[i] == 1,
		              "run_limited(%u, %u) ran task %u %u times, expected once", ntasks,
		              limit, i, r.runs[i]);
	harness_info("run_limited(%u, %u): at most %u task%s ran at once", ntasks, limit,
	             r.most_inside, HARNESS_PLURAL(r.most_inside));
	ck_assert_msg(r.most_inside <= r.target,
	              "run_limited(%u, %u): %u tasks ran at once; the limit is %u", ntasks, limit,
	              r.most_inside, limit);
	ck_assert_msg(r.most_inside == r.target,
	              "run_limited(%u, %u): never more than %u ran together, though each task "
	              "waited %.0f s for others to join it; %u should: start every thread first, "
	              "and let the semaphore, not the order of creation, hold them back",
	              ntasks, limit, r.most_inside, TASK_PATIENCE_S, r.target);
	ck_assert_msg(r.fewest_created >= ntasks,
	              "run_limited(%u, %u): while the first task waited %.0f s inside, only %lu of "
	              "the %u task threads had been created: start every thread at once, and let "
	              "the semaphore inside each thread, not a wait before pthread_create, hold "
	              "the tasks back",
	              ntasks, limit, TASK_PATIENCE_S, r.fewest_created, ntasks);
}

START_TEST(limit)
{
	check_run_limited(12, 3);
	check_run_limited(5, 1);
	check_run_limited(4, 8);
	check_run_limited(MAX_TASKS, MAX_TASKS - 1);
	ck_assert_msg(run_limited(0, 2, limited_task, NULL) == 0,
	              "run_limited with no tasks must return 0");
}
END_TEST

void semaphore_add_count_tests(void)
{
	HARNESS_ADD(exact_counts, 20);
	HARNESS_ADD(limit, 15);
}
