/* expect: build=passed functional=failed tsan=failed rules=passed */
/* expect-output: did not finish */
/* expect-output: no thread is blocked in a lock */
/* A compare-and-swap loop that never refreshes its expected value spins
 * forever as soon as another thread changes the balance. */
#include "balance.h"

#include <stdatomic.h>

static atomic_long balance;

void balance_set(long value) { atomic_store(&balance, value); }
long balance_get(void) { return atomic_load(&balance); }

void balance_deposit(long amount)
{
	long seen = atomic_load(&balance);
	for (;;) {
		long expected = seen;
		if (atomic_compare_exchange_strong(&balance, &expected, seen + amount))
			return;
	}
}

void balance_withdraw(long amount) { balance_deposit(-amount); }

bool balance_try_withdraw(long amount)
{
	long seen = atomic_load(&balance);
	while (seen >= amount)
		if (atomic_compare_exchange_weak(&balance, &seen, seen - amount))
			return true;
	return false;
}
