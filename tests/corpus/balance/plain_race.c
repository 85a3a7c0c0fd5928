/* expect: build=passed tsan=failed helgrind=failed rules=failed score=under-half */
/* expect-output: balance = balance + amount */
/* The lesson's racy version with a correct-looking try_withdraw. */
#include "balance.h"

static long balance;

void balance_set(long value) { balance = value; }
long balance_get(void) { return balance; }
void balance_deposit(long amount) { balance = balance + amount; }
void balance_withdraw(long amount) { balance = balance - amount; }

bool balance_try_withdraw(long amount)
{
	if (balance < amount)
		return false;
	balance -= amount;
	return true;
}
