/* expect: build=passed functional=failed tsan=passed helgrind=passed rules=passed */
/* expect-output: not one atomic step */
/* Deposits are atomic, but try_withdraw checks and then acts: two threads
 * can both see enough funds and both withdraw. */
#include "balance.h"

#include <stdatomic.h>

static atomic_long balance;

void balance_set(long value) { atomic_store(&balance, value); }
long balance_get(void) { return atomic_load(&balance); }
void balance_deposit(long amount) { atomic_fetch_add(&balance, amount); }
void balance_withdraw(long amount) { atomic_fetch_sub(&balance, amount); }

bool balance_try_withdraw(long amount)
{
	if (atomic_load(&balance) < amount)
		return false;
	atomic_fetch_sub(&balance, amount);
	return true;
}
