/* expect: build=passed functional=failed procs=none tree=unchanged also=zombie calls=any */
/* expect-output: stopped on SIGSTOP and stayed stopped */
/* Stops itself with SIGSTOP: no watchdog can run; the keeper sees the stop
 * and kills it after a second, rather than waiting out the time limit. */
#include "balance.h"

#include <stdatomic.h>
#include <signal.h>

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

void balance_deposit(long amount)
{
	raise(SIGSTOP);
	atomic_fetch_add(&balance, amount);
}
