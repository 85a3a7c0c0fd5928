/*
 * semaphore_functional.c -- one semaphore's rules: values and trywait,
 * timedwait and its deadline, posts that wake waiters, and waits that
 * survive spurious and stolen wakeups.  harness_define, which lists every
 * test of the harness, is here too.
 *
 * Waits that should block run on "probes", calls on threads of their own
 * (harness_background), so the test's own thread can check they have not
 * returned, post, and give up with a clear message instead of hanging.
 * The `if`-instead-of-`while` bug is made certain, not lucky: the tests
 * that target it set the spurious-wakeup rate of the student's condition
 * waits to 90%, and also steal a posted permit with csem_trywait before
 * the woken waiter can run.
 */
#include "semaphore_support.h"

#include <sys/prctl.h>

/* Nine condition waits in ten return at once, as POSIX allows. */
static const struct harness_perturbation SPURIOUS_STORM = {0, 0, 0, 900, 1000};
/* Only this: a timed wait signalled after its deadline reports ETIMEDOUT. */
static const struct harness_perturbation LATE_SIGNALS = {0, 0, 0, 0, 1000};

static double seconds_of(struct timespec t)
{
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* --- probes: one call of the student's code on a thread of its own ------ */

enum probe_op { PROBE_WAIT, PROBE_TRYWAIT, PROBE_TIMEDWAIT };

/* Set .deadline (for PROBE_TIMEDWAIT) before probe_start; the results are
 * the test's to read once probe_done says the call returned. */
struct probe {
	csem_t *sem;
	enum probe_op op;
	struct timespec deadline;
	bool taken;           /* what the call returned (csem_wait: true) */
	double returned_at;   /* harness_now() when it returned */
	double returned_real; /* CLOCK_REALTIME when it returned */
	struct harness_background call;
};

static void probe_call(void *arg)
{
	struct probe *p = arg;
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
}

static void probe_start(struct probe *p, csem_t *s, enum probe_op op)
{
	p->sem = s;
	p->op = op;
	p->taken = false;
	harness_background_start(&p->call, 1, probe_call, p);
}

static bool probe_done(struct probe *p)
{
	return harness_background_returned(&p->call) == 1;
}

/* Waits up to `seconds` for the call to return; whether it did. */
static bool probe_finish(struct probe *p, double seconds)
{
	return harness_background_wait(&p->call, 1, seconds);
}

/* --- one thread's view --------------------------------------------------- */

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

/* --- timedwait ----------------------------------------------------------- */

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
	struct probe timed = {.deadline = realtime_after(0.01)};
	struct harness_background others;
	double deadline = seconds_of(timed.deadline);
	probe_start(&timed, s, PROBE_TIMEDWAIT);
	harness_sleep_us(2000);
	start_waiters(&others, DEADLINE_WAITERS, s);
	spin_until_real(deadline + 0.0002);
	csem_post(s);
	ck_assert_msg(probe_finish(&timed, GIVE_UP_S),
	              "csem_timedwait had not returned %.0f s after its deadline", GIVE_UP_S);
	harness_background_wait(&others, timed.taken ? 0 : 1, 0.5);
	unsigned woke = harness_background_returned(&others);
	ck_assert_msg(timed.taken || woke >= 1,
	              "round %d: a post landed as a csem_timedwait's deadline passed; the wait "
	              "returned false, and %u csem_wait call%s stayed blocked for 0.5 s while the "
	              "value was %u: the post's wakeup went to the timed waiter, which gave up "
	              "without looking at the value again. After a timeout, take the permit if "
	              "one is there",
	              round, DEADLINE_WAITERS, HARNESS_PLURAL(DEADLINE_WAITERS), csem_value(s));
	for (unsigned released = woke; released < DEADLINE_WAITERS; released++)
		csem_post(s);
	ck_assert_msg(harness_background_wait(&others, DEADLINE_WAITERS, GIVE_UP_S),
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

/* --- posts wake waiters -------------------------------------------------- */

#define WAKE_WAITERS 3

/* Under a storm of spurious wakeups, so that a wait that returns without a
 * permit does so in every run, not in one run out of three. */
START_TEST(post_wakes_waiters)
{
	harness_perturb(SPURIOUS_STORM);
	csem_t s;
	struct harness_background waiters;
	init_or_fail(&s, 0);
	start_waiters(&waiters, WAKE_WAITERS, &s);
	harness_sleep_us(50000);
	ck_assert_msg(harness_background_returned(&waiters) == 0,
	              "csem_wait returned on a value of 0 with nothing posted (value now %u)",
	              csem_value(&s));
	for (unsigned posts = 1; posts <= WAKE_WAITERS; posts++) {
		csem_post(&s);
		harness_background_wait(&waiters, posts, GIVE_UP_S);
		unsigned woke = harness_background_returned(&waiters);
		ck_assert_msg(woke >= posts,
		              "%u threads blocked in csem_wait, %u post%s: only %u returned within "
		              "%.0f s; csem_post must wake a waiter (pthread_cond_signal)",
		              WAKE_WAITERS, posts, HARNESS_PLURAL(posts), woke, GIVE_UP_S);
		harness_sleep_us(20000);
		woke = harness_background_returned(&waiters);
		ck_assert_msg(woke == posts, "%u post%s let %u blocked csem_wait call%s return",
		              posts, HARNESS_PLURAL(posts), woke, HARNESS_PLURAL(woke));
	}
	ck_assert_msg(csem_value(&s) == 0, "value %u after 3 posts took 3 waiters, expected 0",
	              csem_value(&s));
	csem_destroy(&s);
}
END_TEST

/* --- spurious and stolen wakeups ----------------------------------------- */

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

void harness_define(void)
{
	HARNESS_ADD(basics, 10);
	HARNESS_ADD(timedwait, 15);
	HARNESS_ADD(post_wakes_waiters, 15);
	HARNESS_ADD(spurious_wakeups, 20);
	semaphore_add_count_tests();
	semaphore_add_workout_tests();
	semaphore_add_timing_tests();
	semaphore_add_controlled_tests();
}
