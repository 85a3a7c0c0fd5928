/*
 * balance.c -- reference solution: one atomic long.
 *
 * Deposits and withdrawals are single atomic read-modify-write operations
 * (fetch_add / fetch_sub), so no update can be lost.  try_withdraw must
 * check and update as one step: a compare-and-swap loop retries when another
 * thread changed the balance between our read and our write.
 */
#include "balance.h"

#include <stdatomic.h>

static atomic_long balance;

void balance_set(long value)
{
	atomic_store(&balance, value);
}

long balance_get(void)
{
	return atomic_load(&balance);
}

void balance_deposit(long amount)
{
	atomic_fetch_add(&balance, amount);
}

void balance_withdraw(long amount)
{
	atomic_fetch_sub(&balance, amount);
}

bool balance_try_withdraw(long amount)
{
	long seen = atomic_load(&balance);
	while (seen >= amount) {
		/* On failure, seen is refreshed with the current balance. */
		if (atomic_compare_exchange_weak(&balance, &seen, seen - amount))
			return true;
	}
	return false;
}
