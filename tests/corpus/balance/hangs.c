/* expect: build=passed functional=failed tsan=passed rules=passed */
/* expect-output: did not finish */
/* expect-output: no thread is blocked in a lock */
/* try_withdraw waits for the funds instead of refusing: the first call on
 * a balance that does not cover it spins forever.  The watchdog must turn
 * that into a failed test, not a stuck grader. */
#include "balance.h"

#include <stdatomic.h>

static atomic_long balance;

void balance_set(long value) { atomic_store(&balance, value); }
long balance_get(void) { return atomic_load(&balance); }
void balance_deposit(long amount) { atomic_fetch_add(&balance, amount); }
void balance_withdraw(long amount) { atomic_fetch_sub(&balance, amount); }

bool balance_try_withdraw(long amount)
{
	for (;;) {
		long seen = atomic_load(&balance);
		if (seen >= amount &&
		    atomic_compare_exchange_weak(&balance, &seen, seen - amount))
			return true;
	}
}
