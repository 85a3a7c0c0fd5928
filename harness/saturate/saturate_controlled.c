/*
 * saturate_controlled.c -- saturate's test under controlled schedules
 * (harness/README.md "Controlled schedules").
 *
 * One test thread counts the primes of a short range with three threads;
 * the threads the student's code creates are controlled too, and their
 * joins are modelled, so every one of their shared loads and stores is a
 * step the scheduler orders from the seed.  A count kept in one shared
 * variable updated without a lock or an atomic loses an update in some
 * interleaving, and the report shows the two threads' load and store.
 */
#include "harness.h"
#include "saturate.h"
#include "saturate_harness.h"

enum { HI = 30, THREADS = 3, PRIMES_BELOW_HI = 10 };

static void count(unsigned i, void *arg)
{
	(void)i;
	*(long *)arg = count_primes(0, HI, THREADS);
}

START_TEST(controlled_count)
{
	long got = -1;
	harness_run_threads(1, count, &got);
	ck_assert_msg(got == PRIMES_BELOW_HI,
	              "count_primes(0, %d, %d) returned %ld, not %d, in this interleaving of its "
	              "threads: if they add to one shared count, each addition must be atomic "
	              "(or each thread counts on its own and the totals are added after the joins)",
	              HI, THREADS, got, PRIMES_BELOW_HI);
}
END_TEST

void saturate_define_controlled(void)
{
	HARNESS_ADD(controlled_count, 10);
}
