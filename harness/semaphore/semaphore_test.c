/*
 * semaphore_test.c -- the harness for the semaphore exercise.
 *
 * Waits that should block run on "probe" threads, so the test's own thread
 * can check they have not returned, post, and give up with a clear message
 * instead of hanging.  The `if`-instead-of-`while` bug is made certain, not
 * lucky: the tests that target it set the spurious-wakeup rate of the
 * student's condition waits to 90%, and also steal a posted permit with
 * csem_trywait before the woken waiter can run.  run_limited is checked by
 * the high-water mark of tasks inside at once, which must equal the limit
 * exactly.  The timing tests (native build only) measure the process's CPU
 * time while every thread is blocked, and the post-to-wakeup latency
 * against a plain condition-variable handoff measured in the same run.
 * Stress runs and run_limited calls go through run_within(), which fails
 * the test once the student's code stalls for STALL_S (no call at all)
 * rather than letting a lost wakeup hang it until the watchdog (which
 * Helgrind stretches to minutes), and stress tests run in rounds within a
 * time budget, so a busy machine does fewer rounds instead of failing.
 */
#include "harness.h"
#include "semaphore.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>

/* Nine condition waits in ten return at once, as POSIX allows. */
static const struct harness_perturbation SPURIOUS_STORM = {0, 0, 0, 900, 1000};
/* Only this: a timed wait signalled after its deadline reports ETIMEDOUT. */
static const struct harness_perturbation LATE_SIGNALS = {0, 0, 0, 0, 1000};

/* Longest a test waits for a call that should return, before failing. */
#define GIVE_UP_S 2.0

static double realtime_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static struct timespec realtime_after(double seconds)
{
	double at = realtime_now() + seconds;
	struct timespec t = {.tv_sec = (time_t)at};
	t.tv_nsec = (long)((at - (double)t.tv_sec) * 1e9);
	if (t.tv_nsec >= 1000000000L)
		t.tv_nsec = 999999999L;
	return t;
}

static double seconds_of(struct timespec t)
{
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void init_or_fail(csem_t *s, unsigned value)
{
	int err = csem_init(s, value);
	ck_assert_msg(err == 0, "csem_init(s, %u) returned %d, expected 0", value, err);
}

/* --- probes: one call of the student's code on a thread of its own ------ */

enum probe_op { PROBE_WAIT, PROBE_TRYWAIT, PROBE_TIMEDWAIT };

struct probe {
	csem_t *sem;
	enum probe_op op;
	struct timespec deadline; /* for PROBE_TIMEDWAIT */
	pthread_t thread;
	atomic_bool done;
	bool joined;
	bool taken;           /* what the call returned (csem_wait: true) */
	double returned_at;   /* harness_now() when it returned */
	double returned_real; /* CLOCK_REALTIME when it returned */
};

static void *probe_main(void *arg)
{
	struct probe *p = arg;
	harness_adopt_thread();
	if (p->op == PROBE_WAIT) {
		csem_wait(p->sem);
		p->taken = true;
	} else if (p->op == PROBE_TRYWAIT) {
		p->taken = csem_trywait(p->sem);
	} else {
		/* A late timer: a post just after the deadline wakes this waiter
		 * before its timeout does (see check_post_at_deadline). */
		prctl(PR_SET_TIMERSLACK, 5000000UL);
		p->taken = csem_timedwait(p->sem, &p->deadline);
	}
	p->returned_at = harness_now();
	p->returned_real = realtime_now();
	atomic_store(&p->done, true);
	return NULL;
}

static void probe_start(struct probe *p, csem_t *s, enum probe_op op)
{
	struct timespec deadline = p->deadline;
	*p = (struct probe){.sem = s, .op = op, .deadline = deadline};
	int err = pthread_create(&p->thread, NULL, probe_main, p);
	ck_assert_msg(err == 0, "harness: cannot create a thread (error %d)", err);
}

static bool probe_done(struct probe *p)
{
	return atomic_load(&p->done);
}

/* Waits up to `seconds` for the call to return; joins it if it did. */
static bool probe_finish(struct probe *p, double seconds)
{
	double give_up = harness_now() + seconds;
	while (!probe_done(p) && harness_now() < give_up)
		harness_sleep_us(1000);
	if (probe_done(p) && !p->joined) {
		pthread_join(p->thread, NULL);
		p->joined = true;
	}
	return p->joined;
}

static unsigned probes_done(struct probe *p, unsigned n)
{
	unsigned done = 0;
	for (unsigned i = 0; i < n; i++)
		done += probe_done(&p[i]);
	return done;
}

/* Waits up to `seconds` until at least `want` of the probes returned. */
static unsigned await_probes(struct probe *p, unsigned n, unsigned want, double seconds)
{
	double give_up = harness_now() + seconds;
	while (probes_done(p, n) < want && harness_now() < give_up)
		harness_sleep_us(1000);
	return probes_done(p, n);
}

/* --- bounded runs: a lost wakeup fails the test instead of hanging it ---- */

/* A stress run is stuck once the student's code has made no call to a
 * mutex or condition variable for this long (stretched under the
 * sanitizers, up to STALL_MAX_S): a correct one makes thousands a second,
 * however busy the machine, and a slow one still makes some. */
#define STALL_S     3.0
#define STALL_MAX_S 10.0
/* Time budget of a stress test's rounds: after it, no new round starts. */
#define STRESS_BUDGET_S 5.0
/* Deadline of the timedwaits in stress runs, where permits keep coming. */
#define PATIENT_WAIT_S 5.0

struct background {
	void (*job)(void *arg);
	void *arg;
	pthread_mutex_t lock;
	pthread_cond_t finished;
	bool done;
};

static void *background_main(void *arg)
{
	struct background *b = arg;
	harness_adopt_thread();
	b->job(b->arg);
	pthread_mutex_lock(&b->lock);
	b->done = true;
	pthread_cond_signal(&b->finished);
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

/* The student's calls so far: they move while the code makes progress. */
static unsigned long student_calls(void)
{
	struct harness_calls c = harness_calls();
	return c.mutex_lock + c.cond_wait + c.cond_signal + c.cond_broadcast;
}

/* Waits up to `seconds` for the job to finish; says whether it did. */
static bool background_wait(struct background *b, double seconds)
{
	struct timespec until = realtime_after(seconds);
	pthread_mutex_lock(&b->lock);
	while (!b->done && pthread_cond_timedwait(&b->finished, &b->lock, &until) == 0)
		;
	bool done = b->done;
	pthread_mutex_unlock(&b->lock);
	return done;
}

/* Runs job(arg) on a thread of its own and fails the test, naming `what`,
 * once it stalls: STALL_S without a call of the student's code (slow
 * progress is not a stall).  On failure the record stays allocated: the
 * stuck thread still points at it. */
static void run_within(void (*job)(void *), void *arg, const char *what)
{
	struct background *b = malloc(sizeof *b);
	ck_assert_msg(b != NULL, "harness: out of memory");
	*b = (struct background){job, arg, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
	                         false};
	pthread_t t;
	ck_assert_msg(pthread_create(&t, NULL, background_main, b) == 0,
	              "harness: cannot create a thread");
	unsigned long calls = student_calls();
	double last_progress = harness_now(), stall = harness_deadline(STALL_S) - last_progress;
	stall = stall < STALL_MAX_S ? stall : STALL_MAX_S;
	while (!background_wait(b, 0.1)) {
		unsigned long now_calls = student_calls();
		if (now_calls != calls) {
			calls = now_calls;
			last_progress = harness_now();
		}
		ck_assert_msg(harness_now() - last_progress < stall,
		              "%s stalled: for %.0f s no thread made any call to a mutex or "
		              "condition variable in your code, while threads were still waiting "
		              "on a semaphore that had permits posted; does csem_post wake a "
		              "waiter?",
		              what, stall);
	}
	pthread_join(t, NULL);
	free(b);
}

struct threads_job {
	unsigned n;
	void (*fn)(unsigned i, void *arg);
	void *arg;
};

static void threads_job_main(void *arg)
{
	struct threads_job *j = arg;
	harness_run_threads(j->n, j->fn, j->arg);
}

/* harness_run_threads, failing the test if the threads get stuck. */
static void run_threads_within(unsigned n, void (*fn)(unsigned i, void *arg), void *arg,
                               const char *what)
{
	struct threads_job j = {n, fn, arg};
	run_within(threads_job_main, &j, what);
}

struct limited_job {
	unsigned ntasks, limit;
	void (*task)(unsigned i, void *arg);
	void *arg;
	int err;
};

static void limited_job_main(void *arg)
{
	struct limited_job *j = arg;
	j->err = run_limited(j->ntasks, j->limit, j->task, j->arg);
}

/* The student's run_limited, failing the test if it gets stuck. */
static int run_limited_within(unsigned ntasks, unsigned limit, void (*task)(unsigned i, void *arg),
                              void *arg)
{
	struct limited_job j = {ntasks, limit, task, arg, 0};
	char what[64];
	snprintf(what, sizeof what, "run_limited(%u, %u)", ntasks, limit);
	run_within(limited_job_main, &j, what);
	return j.err;
}

/* --- functional: one thread's view -------------------------------------- */

static void check_trywait_at_zero(csem_t *s)
{
	struct probe p = {0};
	probe_start(&p, s, PROBE_TRYWAIT);
	ck_assert_msg(probe_finish(&p, GIVE_UP_S),
	              "csem_trywait on a value of 0 had not returned after %.0f s: it must never "
	              "block",
	              GIVE_UP_S);
	ck_assert_msg(!p.taken, "csem_trywait on a value of 0 returned true");
}

START_TEST(basics)
{
	csem_t s, other;
	init_or_fail(&s, 2);
	init_or_fail(&other, 0);
	ck_assert_msg(csem_value(&s) == 2, "csem_init(s, 2) then csem_value gave %u",
	              csem_value(&s));
	ck_assert_msg(csem_trywait(&s) && csem_trywait(&s),
	              "csem_trywait failed on a semaphore initialised to 2");
	ck_assert_msg(csem_value(&s) == 0, "2 - two trywaits left the value at %u, expected 0",
	              csem_value(&s));
	check_trywait_at_zero(&s);
	ck_assert_msg(csem_value(&s) == 0, "a failed trywait changed the value to %u",
	              csem_value(&s));
	csem_post(&other);
	ck_assert_msg(csem_value(&s) == 0 && csem_value(&other) == 1,
	              "posting one semaphore changed another (values %u and %u, expected 0 and 1): "
	              "keep all state inside the csem_t",
	              csem_value(&s), csem_value(&other));
	for (int i = 0; i < 3; i++)
		csem_post(&s);
	ck_assert_msg(csem_value(&s) == 3, "three posts on 0 gave %u", csem_value(&s));
	for (int i = 0; i < 3; i++)
		csem_wait(&s);
	ck_assert_msg(csem_value(&s) == 0, "three waits on 3 gave %u", csem_value(&s));
	csem_destroy(&s);
	csem_destroy(&other);
}
END_TEST

/* --- functional: timedwait ---------------------------------------------- */

static void check_timedwait_past_deadline(csem_t *s)
{
	struct timespec past = realtime_after(-1.0);
	csem_post(s);
	ck_assert_msg(csem_timedwait(s, &past),
	              "csem_timedwait with a permit available returned false because its deadline "
	              "had passed: take an available permit whatever the deadline");
	struct probe p = {.deadline = past};
	probe_start(&p, s, PROBE_TIMEDWAIT);
	ck_assert_msg(probe_finish(&p, GIVE_UP_S),
	              "csem_timedwait on 0 with a deadline already past had not returned after "
	              "%.0f s: it must return false at once (is it waiting without a deadline?)",
	              GIVE_UP_S);
	ck_assert_msg(!p.taken,
	              "csem_timedwait on 0 with a deadline already past returned true "
	              "(value now %u): a wakeup is not a permit",
	              csem_value(s));
}

static void check_timedwait_times_out(csem_t *s, double in_seconds)
{
	struct probe p = {.deadline = realtime_after(in_seconds)};
	double deadline = seconds_of(p.deadline);
	probe_start(&p, s, PROBE_TIMEDWAIT);
	ck_assert_msg(probe_finish(&p, in_seconds + GIVE_UP_S),
	              "csem_timedwait on 0 had not returned %.0f s after its deadline: it must "
	              "return false at the deadline (is it waiting without a deadline?)",
	              GIVE_UP_S);
	ck_assert_msg(!p.taken,
	              "csem_timedwait on 0, with nothing posted, returned true %.3f s %s its "
	              "deadline (value now %u): recheck the value after every wakeup",
	              p.returned_real > deadline ? p.returned_real - deadline
	                                         : deadline - p.returned_real,
	              p.returned_real > deadline ? "after" : "before", csem_value(s));
	ck_assert_msg(p.returned_real >= deadline,
	              "csem_timedwait returned false %.3f s before its deadline: a wakeup before "
	              "the deadline is not a timeout; wait again",
	              deadline - p.returned_real);
	ck_assert_msg(p.returned_real < deadline + 0.5,
	              "csem_timedwait returned false %.3f s after its deadline",
	              p.returned_real - deadline);
}

static void check_timedwait_takes_post(csem_t *s)
{
	struct probe p = {.deadline = realtime_after(30.0)};
	probe_start(&p, s, PROBE_TIMEDWAIT);
	harness_sleep_us(30000);
	ck_assert_msg(!probe_done(&p), "csem_timedwait on 0 returned %s before anything was posted",
	              p.taken ? "true" : "false");
	double posted_at = harness_now();
	csem_post(s);
	ck_assert_msg(probe_finish(&p, GIVE_UP_S),
	              "csem_timedwait (deadline 30 s away) had not returned %.0f s after a post: "
	              "csem_post must wake a waiter",
	              GIVE_UP_S);
	ck_assert_msg(p.taken,
	              "csem_timedwait returned false %.3f s after a post, long before "
	              "its deadline",
	              p.returned_at - posted_at);
}

/* Holds the CPU until CLOCK_REALTIME reaches `at` (sleeping would wake late). */
static void spin_until_real(double at)
{
	while (realtime_now() < at)
		;
}

#define DEADLINE_ROUNDS  30
#define DEADLINE_WAITERS 2

/*
 * One round of a post that lands just as a timedwait's deadline passes.
 * The timed waiter blocks first, then DEADLINE_WAITERS csem_wait calls
 * block behind it; the post comes 0.2 ms after the deadline, while the
 * timed waiter's timer (5 ms of slack) has not fired yet, so the signal
 * reaches the timed waiter, and its wait reports ETIMEDOUT (the deadline
 * passed before the signal; POSIX says so, and the harness makes the
 * signal spent, as systems other than glibc do).  The permit must then be
 * taken by the timed waiter itself, or else reach one of the others.
 * Returns whether the timed waiter took it.
 */
static bool post_at_deadline_round(csem_t *s, int round)
{
	struct probe timed = {.deadline = realtime_after(0.01)}, others[DEADLINE_WAITERS] = {0};
	double deadline = seconds_of(timed.deadline);
	probe_start(&timed, s, PROBE_TIMEDWAIT);
	harness_sleep_us(2000);
	for (unsigned i = 0; i < DEADLINE_WAITERS; i++)
		probe_start(&others[i], s, PROBE_WAIT);
	spin_until_real(deadline + 0.0002);
	csem_post(s);
	ck_assert_msg(probe_finish(&timed, GIVE_UP_S),
	              "csem_timedwait had not returned %.0f s after its deadline", GIVE_UP_S);
	unsigned woke = await_probes(others, DEADLINE_WAITERS, timed.taken ? 0 : 1, 0.5);
	ck_assert_msg(timed.taken || woke >= 1,
	              "round %d: a post landed as a csem_timedwait's deadline passed; the wait "
	              "returned false, and %u csem_wait call%s stayed blocked for 0.5 s while the "
	              "value was %u: the post's wakeup went to the timed waiter, which gave up "
	              "without looking at the value again. After a timeout, take the permit if "
	              "one is there",
	              round, DEADLINE_WAITERS, HARNESS_PLURAL(DEADLINE_WAITERS), csem_value(s));
	unsigned released = woke;
	for (; released < DEADLINE_WAITERS; released++)
		csem_post(s);
	for (unsigned i = 0; i < DEADLINE_WAITERS; i++)
		ck_assert_msg(probe_finish(&others[i], GIVE_UP_S),
		              "a csem_wait had not returned %.0f s after its post", GIVE_UP_S);
	ck_assert_msg(csem_value(s) == 0, "value %u after each post found its waiter, expected 0",
	              csem_value(s));
	return timed.taken;
}

static void check_post_at_deadline(csem_t *s)
{
	harness_perturb(LATE_SIGNALS);
	unsigned taken = 0;
	for (int round = 0; round < DEADLINE_ROUNDS; round++)
		taken += post_at_deadline_round(s, round);
	harness_info("%d posts landed as a timedwait's deadline passed: the timed waiter took "
	             "%u, another waiter the rest",
	             DEADLINE_ROUNDS, taken);
}

START_TEST(timedwait)
{
	harness_perturb(SPURIOUS_STORM);
	csem_t s;
	init_or_fail(&s, 0);
	check_timedwait_past_deadline(&s);
	for (int round = 0; round < 4; round++)
		check_timedwait_times_out(&s, 0.05);
	check_timedwait_takes_post(&s);
	ck_assert_msg(csem_value(&s) == 0, "value %u after the timedwait checks, expected 0",
	              csem_value(&s));
	check_post_at_deadline(&s);
	csem_destroy(&s);
}
END_TEST

/* --- functional: posts wake waiters -------------------------------------- */

#define WAKE_WAITERS 3

/* Under a storm of spurious wakeups, so that a wait that returns without a
 * permit does so in every run, not in one run out of three. */
START_TEST(post_wakes_waiters)
{
	harness_perturb(SPURIOUS_STORM);
	csem_t s;
	struct probe p[WAKE_WAITERS] = {0};
	init_or_fail(&s, 0);
	for (unsigned i = 0; i < WAKE_WAITERS; i++)
		probe_start(&p[i], &s, PROBE_WAIT);
	harness_sleep_us(50000);
	ck_assert_msg(probes_done(p, WAKE_WAITERS) == 0,
	              "csem_wait returned on a value of 0 with nothing posted (value now %u)",
	              csem_value(&s));
	for (unsigned posts = 1; posts <= WAKE_WAITERS; posts++) {
		csem_post(&s);
		unsigned woke = await_probes(p, WAKE_WAITERS, posts, GIVE_UP_S);
		ck_assert_msg(woke >= posts,
		              "%u threads blocked in csem_wait, %u post%s: only %u returned within "
		              "%.0f s; csem_post must wake a waiter (pthread_cond_signal)",
		              WAKE_WAITERS, posts, HARNESS_PLURAL(posts), woke, GIVE_UP_S);
		harness_sleep_us(20000);
		woke = probes_done(p, WAKE_WAITERS);
		ck_assert_msg(woke == posts, "%u post%s let %u blocked csem_wait call%s return",
		              posts, HARNESS_PLURAL(posts), woke, HARNESS_PLURAL(woke));
	}
	for (unsigned i = 0; i < WAKE_WAITERS; i++)
		probe_finish(&p[i], GIVE_UP_S);
	ck_assert_msg(csem_value(&s) == 0, "value %u after 3 posts took 3 waiters, expected 0",
	              csem_value(&s));
	csem_destroy(&s);
}
END_TEST

/* --- functional: spurious and stolen wakeups ----------------------------- */

/* Returns whether the trywait stole the permit meant for the waiter. */
static bool spurious_round(csem_t *s)
{
	struct probe p = {0};
	probe_start(&p, s, PROBE_WAIT);
	harness_sleep_us(10000);
	ck_assert_msg(!probe_done(&p),
	              "csem_wait returned although nothing was posted; the value is now %u. The "
	              "harness makes condition waits wake up spuriously, as POSIX allows: wait in "
	              "a while loop that rechecks the value",
	              csem_value(s));
	csem_post(s);
	bool stolen = csem_trywait(s);
	harness_sleep_us(10000);
	if (stolen) {
		ck_assert_msg(!probe_done(&p),
		              "a post woke csem_wait, but csem_trywait took the permit first, and "
		              "csem_wait returned anyway; the value is now %u. Recheck the value "
		              "after every wakeup",
		              csem_value(s));
		csem_post(s);
	}
	ck_assert_msg(probe_finish(&p, GIVE_UP_S),
	              "a thread blocked in csem_wait had not returned %.0f s after a post",
	              GIVE_UP_S);
	ck_assert_msg(csem_value(s) == 0, "value %u after one wait took one post, expected 0",
	              csem_value(s));
	return stolen;
}

START_TEST(spurious_wakeups)
{
	harness_perturb(SPURIOUS_STORM);
	csem_t s;
	init_or_fail(&s, 0);
	unsigned stolen = 0, rounds = 20;
	for (unsigned r = 0; r < rounds; r++)
		stolen += spurious_round(&s);
	struct harness_calls calls = harness_calls();
	harness_info("%lu spurious wakeups injected; %u of %u posts stolen by a trywait",
	             calls.spurious_wakeups, stolen, rounds);
	csem_destroy(&s);
}
END_TEST

/* --- functional: exact counts under many threads ------------------------- */

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

/* --- functional: run_limited --------------------------------------------- */

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
	pthread_cond_t changed;
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

/* Waits for company and for every thread, polling the creation count. */
static void wait_for_company(struct limit_run *r)
{
	double give_up = realtime_now() + TASK_PATIENCE_S;
	while (!r->gave_up && (r->most_inside < r->target || threads_created(r) < r->ntasks)) {
		struct timespec soon = realtime_after(0.002);
		pthread_cond_timedwait(&r->changed, &r->lock, &soon);
		if (realtime_now() >= give_up) {
			r->gave_up = true;
			r->fewest_created = threads_created(r);
		}
	}
}

static void limited_task(unsigned i, void *arg)
{
	struct limit_run *r = arg;
	pthread_mutex_lock(&r->lock);
	r->runs[i < r->ntasks ? i : MAX_TASKS]++;
	if (++r->inside > r->most_inside)
		r->most_inside = r->inside;
	pthread_cond_broadcast(&r->changed);
	wait_for_company(r);
	pthread_mutex_unlock(&r->lock);
	harness_sleep_us(TASK_HOLD_US);
	pthread_mutex_lock(&r->lock);
	r->inside--;
	pthread_mutex_unlock(&r->lock);
}

static void check_run_limited(unsigned ntasks, unsigned limit)
{
	struct limit_run r = {.lock = PTHREAD_MUTEX_INITIALIZER,
	                      .changed = PTHREAD_COND_INITIALIZER};
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
	pthread_cond_destroy(&r.changed);
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

/* --- sanitizers: every operation at once --------------------------------- */

#define MIX_THREADS 6
#define MIX_PERMITS 2

/* Workers only record what they saw; the test's thread judges after the
 * join, so a wrong submission ends the run normally and the sanitizer's
 * verdict is about races alone. */
struct mix {
	csem_t sem;
	long rounds;
	unsigned highest_value[MIX_THREADS];
	unsigned timeouts[MIX_THREADS];
};

/* Takes a permit one of three ways, or reads the value; gives back what it took. */
static bool mix_step(struct mix *m, unsigned i, long k)
{
	struct timespec deadline;
	unsigned value;
	switch ((k + i) % 4) {
	case 0:
		csem_wait(&m->sem);
		return true;
	case 1:
		return csem_trywait(&m->sem);
	case 2:
		deadline = realtime_after(PATIENT_WAIT_S);
		if (csem_timedwait(&m->sem, &deadline))
			return true;
		m->timeouts[i]++;
		return false;
	default:
		value = csem_value(&m->sem);
		if (value > m->highest_value[i])
			m->highest_value[i] = value;
		return false;
	}
}

static void mix_worker(unsigned i, void *arg)
{
	struct mix *m = arg;
	for (long k = 0; k < m->rounds; k++)
		if (mix_step(m, i, k))
			csem_post(&m->sem);
}

static void short_task(unsigned i, void *arg)
{
	(void)i;
	atomic_fetch_add((atomic_uint *)arg, 1);
}

START_TEST(everything_at_once)
{
	struct mix m = {.rounds = harness_scaled(2000)};
	init_or_fail(&m.sem, MIX_PERMITS);
	run_threads_within(MIX_THREADS, mix_worker, &m, "6 threads using every operation at once");
	for (unsigned i = 0; i < MIX_THREADS; i++) {
		ck_assert_msg(m.timeouts[i] == 0,
		              "csem_timedwait timed out after %.0f s with only %d permits in use",
		              PATIENT_WAIT_S, MIX_PERMITS);
		ck_assert_msg(m.highest_value[i] <= MIX_PERMITS,
		              "csem_value read %u from a semaphore of %d permits",
		              m.highest_value[i], MIX_PERMITS);
	}
	ck_assert_msg(csem_value(&m.sem) == MIX_PERMITS,
	              "value %u after every permit came back, expected %d", csem_value(&m.sem),
	              MIX_PERMITS);
	csem_destroy(&m.sem);
	atomic_uint ran = 0;
	ck_assert_msg(run_limited_within(6, 2, short_task, &ran) == 0, "run_limited(6, 2) failed");
	ck_assert_msg(atomic_load(&ran) == 6, "run_limited(6, 2) ran %u task%s", atomic_load(&ran),
	              HARNESS_PLURAL(atomic_load(&ran)));
}
END_TEST

/* --- timing: blocked waiters use no CPU, and wake promptly --------------- */

static void long_task(unsigned i, void *arg)
{
	(void)i;
	(void)arg;
	harness_sleep_us(600000);
}

static void *limited_in_background(void *arg)
{
	(void)arg;
	harness_adopt_thread();
	int err = run_limited(3, 1, long_task, NULL);
	HARNESS_REQUIRE(err == 0, "run_limited(3, 1) returned %d", err);
	return NULL;
}

START_TEST(no_busy_wait)
{
	harness_perturb(HARNESS_PERTURB_OFF);
	csem_t s;
	struct probe p[2] = {0};
	pthread_t limited;
	init_or_fail(&s, 0);
	probe_start(&p[0], &s, PROBE_WAIT);
	probe_start(&p[1], &s, PROBE_WAIT);
	ck_assert(pthread_create(&limited, NULL, limited_in_background, NULL) == 0);
	harness_sleep_us(100000);
	double cpu0 = harness_cpu_time(), t0 = harness_now();
	harness_sleep_us(300000);
	double cpu = harness_cpu_time() - cpu0, wall = harness_now() - t0;
	csem_post(&s);
	csem_post(&s);
	ck_assert_msg(probe_finish(&p[0], GIVE_UP_S) && probe_finish(&p[1], GIVE_UP_S),
	              "two posts did not release two blocked csem_wait calls");
	pthread_join(limited, NULL);
	double share = cpu / wall;
	harness_info("while 2 threads sat in csem_wait and 2 waited in run_limited for %.0f ms, "
	             "the process used %.1f ms of CPU (%.0f%% of a core)",
	             wall * 1e3, cpu * 1e3, share * 100);
	ck_assert_msg(share < 0.15,
	              "blocked threads used %.0f%% of a core: a waiter must sleep in "
	              "pthread_cond_wait, not spin",
	              share * 100);
	csem_destroy(&s);
}
END_TEST

/* The harness's own condition-variable handoff, the yardstick for latency. */
struct yardstick {
	pthread_mutex_t lock;
	pthread_cond_t go;
	bool posted;
	double returned_at;
};

static void *yardstick_waiter(void *arg)
{
	struct yardstick *y = arg;
	pthread_mutex_lock(&y->lock);
	while (!y->posted)
		pthread_cond_wait(&y->go, &y->lock);
	pthread_mutex_unlock(&y->lock);
	y->returned_at = harness_now();
	return NULL;
}

static double yardstick_latency(void)
{
	struct yardstick y = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, 0};
	pthread_t t;
	ck_assert(pthread_create(&t, NULL, yardstick_waiter, &y) == 0);
	harness_sleep_us(5000);
	double posted_at = harness_now();
	pthread_mutex_lock(&y.lock);
	y.posted = true;
	pthread_cond_signal(&y.go);
	pthread_mutex_unlock(&y.lock);
	pthread_join(t, NULL);
	return y.returned_at - posted_at;
}

static double student_latency(csem_t *s)
{
	struct probe p = {0};
	probe_start(&p, s, PROBE_WAIT);
	harness_sleep_us(5000);
	double posted_at = harness_now();
	csem_post(s);
	ck_assert_msg(probe_finish(&p, GIVE_UP_S), "a post did not wake a blocked csem_wait");
	return p.returned_at - posted_at;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, by_value);
	return v[n / 2];
}

#define LATENCY_ROUNDS 25

START_TEST(prompt_wakeup)
{
	harness_perturb(HARNESS_PERTURB_OFF);
	csem_t s;
	double mine[LATENCY_ROUNDS], yard[LATENCY_ROUNDS];
	init_or_fail(&s, 0);
	for (int r = 0; r < LATENCY_ROUNDS; r++) {
		mine[r] = student_latency(&s);
		yard[r] = yardstick_latency();
	}
	double m = median(mine, LATENCY_ROUNDS), y = median(yard, LATENCY_ROUNDS);
	double allowed = 20 * y + 0.002;
	harness_info("median post-to-wakeup latency %.3f ms; a plain condition variable "
	             "handoff: %.3f ms; allowed %.3f ms",
	             m * 1e3, y * 1e3, allowed * 1e3);
	ck_assert_msg(
	    m <= allowed,
	    "a post took %.1f ms (median) to wake a blocked csem_wait, against %.3f ms for "
	    "a condition variable: is the waiter sleeping and polling?",
	    m * 1e3, y * 1e3);
	csem_destroy(&s);
}
END_TEST

void harness_define(void)
{
	void semaphore_controlled_define(void); /* semaphore_controlled.c */
	HARNESS_ADD(basics, 10);
	HARNESS_ADD(timedwait, 15);
	HARNESS_ADD(post_wakes_waiters, 15);
	HARNESS_ADD(spurious_wakeups, 20);
	HARNESS_ADD(exact_counts, 20);
	HARNESS_ADD(limit, 15);
	HARNESS_ADD(everything_at_once, 20);
	HARNESS_ADD(no_busy_wait, 10);
	HARNESS_ADD(prompt_wakeup, 10);
	semaphore_controlled_define();
}
