/* expect: build=passed functional=failed tsan=passed helgrind=passed rules=passed */
/* expect-output: yet */
/* expect-output: retry with the balance it read */
/* try_withdraw tries one compare-and-swap and gives up when another thread
 * changed the balance between its read and its swap: it then refuses a
 * withdrawal the balance covers, which the contract forbids. */
#include "balance.h"

#include <stdatomic.h>

static atomic_long balance;

void balance_set(long value) { atomic_store(&balance, value); }
long balance_get(void) { return atomic_load(&balance); }
void balance_deposit(long amount) { atomic_fetch_add(&balance, amount); }
void balance_withdraw(long amount) { atomic_fetch_sub(&balance, amount); }

bool balance_try_withdraw(long amount)
{
	long seen = atomic_load(&balance);
	if (seen < amount)
		return false;
	return atomic_compare_exchange_strong(&balance, &seen, seen - amount);
}
