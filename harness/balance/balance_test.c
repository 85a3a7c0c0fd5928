/*
 * balance_test.c -- the harness for the balance exercise.
 *
 * Lost updates show as a wrong final balance, so every concurrent test
 * compares the end result with the one arithmetic predicts.  try_withdraw
 * bugs (check-then-act, load-then-store) show as more withdrawals succeeding
 * than the funds cover, or as an observer seeing the balance below zero; a
 * compare-and-swap tried only once shows as fewer, refusals of withdrawals
 * the balance covered.
 * These bugs are invisible to ThreadSanitizer (every access is atomic), so
 * the rubric also runs these tests in the ThreadSanitizer build, where the
 * harness's atomic wrappers yield between the student's atomic steps.
 */
#include "balance.h"
#include "harness.h"

#include <stdatomic.h>

START_TEST(single_thread)
{
	balance_set(100);
	ck_assert_msg(balance_get() == 100, "balance_set(100) then balance_get() gave %ld",
	              balance_get());
	balance_deposit(25);
	ck_assert_msg(balance_get() == 125, "100 + deposit(25) gave %ld, expected 125",
	              balance_get());
	balance_withdraw(200);
	ck_assert_msg(balance_get() == -75,
	              "125 - withdraw(200) gave %ld, expected -75 (withdraw is unconditional)",
	              balance_get());
	ck_assert_msg(!balance_try_withdraw(1),
	              "try_withdraw(1) succeeded on a balance of -75; it must return false");
	ck_assert_msg(balance_get() == -75, "a refused try_withdraw changed the balance to %ld",
	              balance_get());
	balance_set(40);
	ck_assert_msg(balance_try_withdraw(40),
	              "try_withdraw(40) on a balance of 40 failed; the funds cover it exactly");
	ck_assert_msg(balance_get() == 0, "40 - try_withdraw(40) gave %ld, expected 0",
	              balance_get());
	ck_assert_msg(!balance_try_withdraw(1), "try_withdraw(1) succeeded on a balance of 0");
	ck_assert_msg(balance_try_withdraw(0), "try_withdraw(0) on a balance of 0 must succeed");
	balance_set(1L << 40);
	balance_deposit(1);
	ck_assert_msg(balance_get() == (1L << 40) + 1, "the balance must hold a full long");
}
END_TEST

/* Threads race only while they overlap in time: on a busy machine a
 * thread can finish a million rounds before another even starts.  So each
 * thread does at least its rounds, and goes on until every thread has done
 * its own and OVERLAP_S has passed; the test counts the rounds done. */
#define OVERLAP_S 0.2

struct rounds {
	long at_least;
	double until;
	unsigned threads;
	atomic_uint reached; /* threads past at_least; relaxed: see more_rounds */
	atomic_long done;    /* added once per thread, when it stops */
};

/* Relaxed atomics only while the threads run: an acquire or a release
 * would order their updates for ThreadSanitizer and hide the race. */
static bool more_rounds(struct rounds *r, long k)
{
	if (k == r->at_least)
		atomic_fetch_add_explicit(&r->reached, 1, memory_order_relaxed);
	if (k < r->at_least || k % 1024 != 0 ||
	    atomic_load_explicit(&r->reached, memory_order_relaxed) < r->threads ||
	    harness_now() < r->until)
		return true;
	atomic_fetch_add(&r->done, k);
	return false;
}

/* The lesson's story: two threads add and take back 5 and 8. */
static void add_and_take_back(unsigned i, void *arg)
{
	long amount = i == 0 ? 5 : 8;
	for (long k = 0; more_rounds(arg, k); k++) {
		balance_deposit(amount);
		balance_withdraw(amount);
	}
}

START_TEST(seed_two_threads)
{
	struct rounds r = {harness_scaled(1000000), harness_now() + OVERLAP_S, 2, 0, 0};
	balance_set(1000);
	harness_run_threads(2, add_and_take_back, &r);
	long got = balance_get();
	ck_assert_msg(got == 1000,
	              "two threads deposited and withdrew 5 (and 8), %ld times in all: the "
	              "balance should be back at 1000 but is %ld, so %s updates were lost",
	              atomic_load(&r.done), got, got > 1000 ? "withdrawal" : "deposit");
}
END_TEST

/* Thread i deposits (i + 1) and withdraws i, so each round nets +1.  Eight
 * threads overlap without help (and this test is also ThreadSanitizer's,
 * where a fixed count keeps its verdict steady). */
static void mixed_worker(unsigned i, void *arg)
{
	long iterations = *(long *)arg;
	for (long k = 0; k < iterations; k++) {
		balance_deposit((long)i + 1);
		balance_withdraw((long)i);
	}
}

START_TEST(many_threads_net)
{
	const unsigned threads = 8;
	long iterations = harness_scaled(200000);
	balance_set(-500);
	harness_run_threads(threads, mixed_worker, &iterations);
	long expected = -500 + (long)threads * iterations;
	long got = balance_get();
	ck_assert_msg(got == expected,
	              "%u threads each made %ld rounds of deposit(i+1), withdraw(i) from -500: "
	              "expected %ld, got %ld (%ld off)",
	              threads, iterations, expected, got, got - expected);
}
END_TEST

struct contention {
	atomic_long successes;
	atomic_long lowest_seen;
	atomic_uint finished;
	unsigned withdrawers;
	long amount;
};

/* Threads 1..n withdraw until refused; thread 0 watches the balance. */
static void contend(unsigned i, void *arg)
{
	struct contention *c = arg;
	if (i == 0) {
		while (atomic_load(&c->finished) < c->withdrawers) {
			long seen = balance_get();
			if (seen < atomic_load(&c->lowest_seen))
				atomic_store(&c->lowest_seen, seen);
		}
		return;
	}
	long mine = 0;
	while (balance_try_withdraw(c->amount))
		mine++;
	atomic_fetch_add(&c->successes, mine);
	atomic_fetch_add(&c->finished, 1);
}

static void contention_rounds(long rounds, long funds_per_round)
{
	struct contention c = {.withdrawers = 6, .amount = 3};
	for (long r = 0; r < rounds; r++) {
		atomic_store(&c.successes, 0);
		atomic_store(&c.lowest_seen, 0);
		atomic_store(&c.finished, 0);
		balance_set(funds_per_round * c.amount);
		/* The observer stops when every withdrawer has been refused. */
		harness_run_threads(c.withdrawers + 1, contend, &c);
		long ok = atomic_load(&c.successes);
		ck_assert_msg(ok == funds_per_round,
		              "round %ld: the balance covered %ld withdrawals of %ld, but %ld "
		              "try_withdraw calls succeeded (final balance %ld): the check and the "
		              "update are not one atomic step",
		              r, funds_per_round, c.amount, ok, balance_get());
		ck_assert_msg(atomic_load(&c.lowest_seen) >= 0,
		              "round %ld: an observer saw the balance at %ld; try_withdraw must "
		              "never take it below zero, not even for a moment",
		              r, atomic_load(&c.lowest_seen));
		ck_assert_msg(balance_get() == 0, "round %ld: %ld left after all were refused", r,
		              balance_get());
	}
}

/* The other half of "exactly as often as the funds cover": withdrawers call
 * try_withdraw(1) on a balance that covers every call, while other threads
 * keep changing it (deposit 1, withdraw 1), so none may be refused.  A
 * single compare-and-swap that gives up when another thread changed the
 * balance first refuses some.  The phase runs for a fixed time, not a
 * count, so the threads overlap however fast the machine is. */
#define COVERED_S           0.3
#define COVERED_WITHDRAWERS 4
#define COVERED_CHANGERS    2

struct covered {
	double until;
	atomic_long calls, refused;
};

static void withdraw_covered(unsigned i, void *arg)
{
	struct covered *c = arg;
	long calls = 0, refused = 0;
	do {
		for (int k = 0; k < 256; k++, calls++) {
			if (i < COVERED_WITHDRAWERS) {
				refused += !balance_try_withdraw(1);
			} else {
				balance_deposit(1);
				balance_withdraw(1);
			}
		}
	} while (harness_now() < c->until);
	if (i < COVERED_WITHDRAWERS) {
		atomic_fetch_add(&c->calls, calls);
		atomic_fetch_add(&c->refused, refused);
	}
}

static void covered_withdrawals(void)
{
	struct covered c = {.until = harness_now() + COVERED_S};
	const long funds = 1L << 40;
	balance_set(funds);
	harness_run_threads(COVERED_WITHDRAWERS + COVERED_CHANGERS, withdraw_covered, &c);
	long calls = atomic_load(&c.calls), refused = atomic_load(&c.refused);
	harness_info("%d threads called try_withdraw(1) %ld times on a balance of 2^40 while %d "
	             "others deposited and withdrew: %ld refused",
	             COVERED_WITHDRAWERS, calls, COVERED_CHANGERS, refused);
	ck_assert_msg(refused == 0,
	              "%d threads called try_withdraw(1) %ld times on a balance of 2^40, which "
	              "covers every call, while %d others deposited and withdrew 1, yet %ld "
	              "call%s refused: when the compare-and-swap fails because another thread "
	              "changed the balance first, retry with the balance it read, as long as that "
	              "still covers the amount",
	              COVERED_WITHDRAWERS, calls, COVERED_CHANGERS, refused,
	              refused == 1 ? " was" : "s were");
	ck_assert_msg(balance_get() == funds - (calls - refused),
	              "%ld successful try_withdraw(1) calls on a balance of 2^40 (other threads "
	              "adding and taking as much as they added) left %ld, expected %ld",
	              calls - refused, balance_get(), funds - (calls - refused));
}

START_TEST(try_withdraw_contention)
{
	harness_perturb(HARNESS_PERTURB_HEAVY);
	covered_withdrawals();
	contention_rounds(harness_scaled(400), 2000);
}
END_TEST

void harness_define(void)
{
	void balance_controlled_define(void); /* balance_controlled.c */
	HARNESS_ADD(single_thread, 5);
	HARNESS_ADD(seed_two_threads, 10);
	HARNESS_ADD(many_threads_net, 10);
	HARNESS_ADD(try_withdraw_contention, 10);
	balance_controlled_define();
}
