/* expect: build=passed functional=failed tsan=passed rules=passed */
/* Every access is atomic, so ThreadSanitizer is silent, but reading and
 * then storing is two steps: updates between them are lost. */
#include "balance.h"

#include <stdatomic.h>

static atomic_long balance;

void balance_set(long value) { atomic_store(&balance, value); }
long balance_get(void) { return atomic_load(&balance); }

void balance_deposit(long amount)
{
	long seen = atomic_load(&balance);
	atomic_store(&balance, seen + amount);
}

void balance_withdraw(long amount) { balance_deposit(-amount); }

bool balance_try_withdraw(long amount)
{
	long seen = atomic_load(&balance);
	while (seen >= amount) {
		if (atomic_compare_exchange_weak(&balance, &seen, seen - amount))
			return true;
	}
	return false;
}
