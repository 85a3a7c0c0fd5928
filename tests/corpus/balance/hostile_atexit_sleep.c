/* expect: build=passed functional=failed procs=none tree=unchanged also=zombie calls=any */
/* expect-output: did not finish */
/* Registers an atexit handler that sleeps, then calls exit(0). */
#include "balance.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

static atomic_long balance;

void balance_set(long value) { atomic_store(&balance, value); }
long balance_get(void) { return atomic_load(&balance); }
void balance_withdraw(long amount) { atomic_fetch_sub(&balance, amount); }

bool balance_try_withdraw(long amount)
{
	long seen = atomic_load(&balance);
	while (seen >= amount)
		if (atomic_compare_exchange_weak(&balance, &seen, seen - amount))
			return true;
	return false;
}

static void linger(void) { sleep(1000); }

void balance_deposit(long amount)
{
	atexit(linger);
	exit(0);
	atomic_fetch_add(&balance, amount);
}
