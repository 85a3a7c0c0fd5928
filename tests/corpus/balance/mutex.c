/* expect: build=passed functional=passed tsan=passed helgrind=passed rules=failed */
/* expect-output: pthread_mutex_lock */
/* Correct, but with a lock: the exercise is to do it without. */
#include "balance.h"

#include <pthread.h>

static long balance;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void balance_set(long value) { balance = value; }

long balance_get(void)
{
	pthread_mutex_lock(&lock);
	long v = balance;
	pthread_mutex_unlock(&lock);
	return v;
}

void balance_deposit(long amount)
{
	pthread_mutex_lock(&lock);
	balance += amount;
	pthread_mutex_unlock(&lock);
}

void balance_withdraw(long amount) { balance_deposit(-amount); }

bool balance_try_withdraw(long amount)
{
	pthread_mutex_lock(&lock);
	bool ok = balance >= amount;
	if (ok)
		balance -= amount;
	pthread_mutex_unlock(&lock);
	return ok;
}
