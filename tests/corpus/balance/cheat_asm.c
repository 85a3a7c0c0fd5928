/* expect: build=failed score=under-half */
/* expect-output: uses '__asm__' */
/* Hides a plain increment from the sanitizers in inline assembly. */
#include "balance.h"

static long balance;

void balance_set(long value) { balance = value; }
long balance_get(void) { return balance; }
void balance_deposit(long amount) { __asm__ volatile("addq %1, %0" : "+m"(balance) : "r"(amount)); }
void balance_withdraw(long amount) { balance = balance - amount; }

bool balance_try_withdraw(long amount)
{
	if (balance < amount)
		return false;
	balance -= amount;
	return true;
}
