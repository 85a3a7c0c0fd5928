/* expect: build=passed functional=failed procs=none tree=unchanged also=zombie calls=any */
/* Kills its parent (the keeper; as nobody it may not even be allowed to), and deposits nothing. */
#include "balance.h"

#include <stdatomic.h>
#include <signal.h>
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

void balance_deposit(long amount)
{
	kill(getppid(), SIGKILL);
	(void)amount;
}
