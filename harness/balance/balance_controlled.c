/*
 * balance_controlled.c -- balance's tests under controlled schedules
 * (harness/README.md "Controlled schedules").
 *
 * Two threads make one or two calls each, one step at a time, in an order
 * the scheduler draws from the seed; the rubric runs the test once per
 * schedule, hundreds of times.  Every interleaving of a correct answer
 * keeps the books exact, so any wrong result is a bug that this very
 * interleaving shows, step by step, in the report.  Run in the
 * ThreadSanitizer build, where every atomic operation and plain access of
 * the student's code is a call the scheduler can stop at.
 */
#include "balance.h"
#include "harness.h"

void balance_controlled_define(void);

static void withdraw_four(unsigned i, void *arg)
{
	bool *granted = arg;
	granted[i] = balance_try_withdraw(4);
}

/* Thread 0 withdraws 4, which the balance covers whatever thread 1 does:
 * thread 1 deposits 1 and takes it back. */
static void withdraw_while_changing(unsigned i, void *arg)
{
	bool *granted = arg;
	if (i == 0) {
		*granted = balance_try_withdraw(4);
	} else {
		balance_deposit(1);
		balance_withdraw(1);
	}
}

START_TEST(controlled_withdrawals)
{
	bool granted[2] = {false, false};
	balance_set(5);
	harness_run_threads(2, withdraw_four, granted);
	long left = balance_get();
	int n = granted[0] + granted[1];
	ck_assert_msg(n == 1 && left == 1,
	              "on a balance of 5, two threads called try_withdraw(4) at once: %d succeeded "
	              "and the balance is %ld; exactly one may succeed, leaving 1. Checking the "
	              "balance and then taking the amount are two steps another thread can come "
	              "between: make them one compare-and-swap",
	              n, left);
	bool covered = false;
	balance_set(5);
	harness_run_threads(2, withdraw_while_changing, &covered);
	left = balance_get();
	ck_assert_msg(covered,
	              "on a balance of 5, try_withdraw(4) was refused while another thread "
	              "deposited 1 and took it back: the balance covered it all along. When the "
	              "compare-and-swap fails because the balance changed, retry with the value "
	              "it read");
	ck_assert_msg(left == 1,
	              "from a balance of 5, one thread withdrew 4 while another deposited 1 and "
	              "withdrew 1: the balance should be 1 but is %ld, so an update was lost. "
	              "Reading the balance and storing the new value are two steps another thread "
	              "can come between: use atomic_fetch_add / atomic_fetch_sub, or a "
	              "compare-and-swap loop",
	              left);
}
END_TEST

void balance_controlled_define(void)
{
	HARNESS_ADD(controlled_withdrawals, 20);
}
