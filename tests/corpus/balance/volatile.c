/* expect: build=passed tsan=failed helgrind=failed rules=failed */
/* expect-output: data race */
/* volatile stops the compiler caching the value; it does not make
 * the read-modify-write atomic. */
#include "balance.h"

static volatile long balance;

void balance_set(long value) { balance = value; }
long balance_get(void) { return balance; }
void balance_deposit(long amount) { balance += amount; }
void balance_withdraw(long amount) { balance -= amount; }

bool balance_try_withdraw(long amount)
{
	if (balance < amount)
		return false;
	balance -= amount;
	return true;
}
