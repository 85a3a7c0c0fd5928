/*
 * semaphore_controlled.c -- the semaphore's test under controlled
 * schedules (harness/README.md "Controlled schedules").
 *
 * Two threads wait on a semaphore at 0 while a third posts twice, one step
 * of the student's code at a time, in an order drawn from the seed; the
 * scheduler also wakes waits spuriously, as POSIX allows.  In every
 * interleaving of a correct answer both waits return, each having taken a
 * permit that was there.  A post that signals no one leaves a waiter
 * asleep for ever (the scheduler reports the deadlock); a wait under `if`
 * instead of `while` takes a permit another thread took first, and the
 * value wraps below zero.
 */
#include "harness.h"
#include "semaphore.h"
#include "semaphore_support.h"

#include <limits.h>

enum { WAITERS = 2 };

static void wait_or_post(unsigned i, void *arg)
{
	csem_t *s = arg;
	if (i == WAITERS) {
		for (int k = 0; k < WAITERS; k++)
			csem_post(s);
		return;
	}
	csem_wait(s);
	unsigned left = csem_value(s);
	HARNESS_REQUIRE(left <= WAITERS,
	                "after csem_wait returned, csem_value() read %u: the value went below "
	                "zero and wrapped around, so a wait took a permit that was not there. A "
	                "waiter that wakes up must look at the value again before taking one: "
	                "wait in a while loop, not under an if",
	                left);
}

START_TEST(controlled_wait_post)
{
	csem_t s;
	ck_assert_msg(csem_init(&s, 0) == 0, "csem_init(&s, 0) failed");
	harness_run_threads(WAITERS + 1, wait_or_post, &s);
	unsigned left = csem_value(&s);
	ck_assert_msg(left == 0,
	              "%d threads waited once each and one posted %d times on a semaphore at 0: "
	              "its value should be 0, but is %u",
	              WAITERS, WAITERS, left);
	csem_post(&s);
	left = csem_value(&s);
	ck_assert_msg(left == 1, "then one more csem_post left csem_value() at %u, not 1", left);
	csem_destroy(&s);
}
END_TEST

void semaphore_add_controlled_tests(void)
{
	HARNESS_ADD(controlled_wait_post, 20);
}
