/* expect: build=failed score=under-half */
/* expect-output: defines __tsan_default_options */
/* Racy, and tries to switch ThreadSanitizer's reports off. */
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

const char *__tsan_default_options(void) { return "report_bugs=0 exitcode=0"; }
