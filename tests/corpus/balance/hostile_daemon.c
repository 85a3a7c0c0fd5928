/* expect: build=passed functional=failed procs=none tree=unchanged also=zombie calls=any */
/* expect-output: process */
/* Starts a double-forked setsid daemon meant to outlive grading; deposits nothing. */
#include "balance.h"

#include <stdatomic.h>
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
	static atomic_int started;
	if (atomic_fetch_add(&started, 1) == 0 && fork() == 0) {
		setsid();
		if (fork() == 0) {
			for (;;)
				sleep(1000);
		}
		_exit(0);
	}
	(void)amount;
}
