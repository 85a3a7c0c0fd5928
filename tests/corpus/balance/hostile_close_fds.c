/* expect: build=passed functional=failed procs=none tree=unchanged also=zombie calls=any */
/* expect-output: did not finish */
/* Closes every file descriptor, the verdict channel among them. */
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
	for (int fd = 0; fd < 1024; fd++)
		close(fd);
	atomic_fetch_add(&balance, amount);
}
