/* expect: build=passed functional=failed procs=none tree=unchanged also=zombie calls=any */
/* expect-output: did not finish */
/* Writes 256 MiB to stdout and 256 MiB to stderr, then exits. */
#include "balance.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
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
	static char block[1 << 20];
	memset(block, (int)'x', sizeof block);
	for (int i = 0; i < 256; i++) {
		(void)!write(1, block, sizeof block);
		(void)!write(2, block, sizeof block);
	}
	exit(0);
	atomic_fetch_add(&balance, amount);
}
