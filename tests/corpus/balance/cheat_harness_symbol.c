/* expect: build=failed score=under-half */
/* expect-output: defines harness_fail_at */
/* Racy, and replaces the harness's failure reporter with one that never fails. */
#include "balance.h"
#include <stdlib.h>

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

void harness_fail_at(const char *file, int line, const char *fmt, ...);
void harness_fail_at(const char *file, int line, const char *fmt, ...)
{
	(void)file, (void)line, (void)fmt;
	exit(0);
}
