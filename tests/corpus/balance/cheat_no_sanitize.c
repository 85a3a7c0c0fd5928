/* expect: build=failed score=under-half */
/* expect-output: no_sanitize */
/* Racy, with instrumentation switched off through a macro. */
#include "balance.h"
#define QUIET __attribute__((no_sanit##ize("thread")))

static long balance;

void balance_set(long value) { balance = value; }
long balance_get(void) { return balance; }
QUIET void balance_deposit(long amount) { balance = balance + amount; }
QUIET void balance_withdraw(long amount) { balance = balance - amount; }

bool balance_try_withdraw(long amount)
{
	if (balance < amount)
		return false;
	balance -= amount;
	return true;
}
