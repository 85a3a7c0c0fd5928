/* expect: build=passed functional=failed tsan=failed helgrind=failed score=under-half */
/* expect-output: exit() */
/* Calls exit(0) from inside the code under test, after printing what a
 * passing run might print: the grader must not believe either. */
#include "balance.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static atomic_long balance;

void balance_set(long value) { atomic_store(&balance, value); }
long balance_get(void) { return atomic_load(&balance); }

void balance_deposit(long amount)
{
	printf("100%%: Checks: 1, Failures: 0, Errors: 0\n- pass seed_two_threads\n- end x\n");
	exit(0);
	atomic_fetch_add(&balance, amount);
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
