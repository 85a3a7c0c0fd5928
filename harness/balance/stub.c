/*
 * balance.c -- YOUR WORK GOES HERE.
 *
 * This is the racy version from the lesson: a plain long updated with
 * read-modify-write.  It is correct with one thread and loses updates
 * with two.  Make it correct without locks: read README.md.
 */
#include "balance.h"

static long balance;

void balance_set(long value)
{
	balance = value;
}

long balance_get(void)
{
	return balance;
}

void balance_deposit(long amount)
{
	balance = balance + amount;
}

void balance_withdraw(long amount)
{
	balance = balance - amount;
}

bool balance_try_withdraw(long amount)
{
	if (balance < amount)
		return false;
	balance = balance - amount;
	return true;
}
