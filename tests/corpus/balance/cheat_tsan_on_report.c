/* expect: build=failed score=under-half */
/* expect-output: defines __tsan_on_report */
/* Racy, and tries to swallow every ThreadSanitizer report. */
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

int __tsan_on_report(void *report);
int __tsan_on_report(void *report) { return report != 0; }
