/* expect: build=passed functional=passed */
/* expect-output: a thread ran without calling any pthread or atomic function of your code for too long */
/* Correct, but a deposit of 1 onto a balance of 5 (the controlled test's
 * scene: another thread is about to withdraw 4) then computes for most of
 * a second without a scheduling point (no pthread or atomic call): the
 * controlled mode's escape hatch must end control and let the test run
 * freely, never hang or fail the run. */
#include "balance.h"

#include <stdatomic.h>

static atomic_long balance;

void balance_set(long value) { atomic_store(&balance, value); }
long balance_get(void) { return atomic_load(&balance); }

/* Seconds of arithmetic on locals only: nothing the scheduler sees. */
static void warm_up(long seed)
{
	unsigned long x = (unsigned long)seed;
	for (unsigned long i = 0; i < 500000000UL; i++)
		x = x * 6364136223846793005UL + 1442695040888963407UL;
	volatile unsigned long kept = x; /* the loop is not optimised away */
	(void)kept;
}

void balance_deposit(long amount)
{
	if (atomic_fetch_add(&balance, amount) == 5 && amount == 1)
		warm_up(amount);
}

void balance_withdraw(long amount) { atomic_fetch_sub(&balance, amount); }

bool balance_try_withdraw(long amount)
{
	long seen = atomic_load(&balance);
	while (seen >= amount)
		if (atomic_compare_exchange_weak(&balance, &seen, seen - amount))
			return true;
	return false;
}
