/* expect: exercise=deadlock build=failed score<=10 */
/* expect-output: __OPTIMIZE__ */
/* Attack class 2: the timing build (-O2) takes no lock at all, so transfers
 * look parallel; the other builds hold one bank-wide lock, so they look correct. */
#include "deadlock.h"

#ifndef __OPTIMIZE__
static pthread_mutex_t bank = PTHREAD_MUTEX_INITIALIZER;
#define LOCK() pthread_mutex_lock(&bank)
#define UNLOCK() pthread_mutex_unlock(&bank)
#else
#define LOCK() ((void)0)
#define UNLOCK() ((void)0)
#endif

void account_init(account_t *a, unsigned id, long balance)
{
	pthread_mutex_init(&a->lock, NULL);
	a->id = id;
	a->balance = balance;
}

void account_destroy(account_t *a)
{
	pthread_mutex_destroy(&a->lock);
}

bool transfer(account_t *from, account_t *to, long amount)
{
	LOCK();
	bool ok = from->balance >= amount;
	if (ok && from != to) {
		from->balance -= amount;
		to->balance += amount;
	}
	UNLOCK();
	return ok;
}

long audit(account_t *const accounts[], size_t n)
{
	LOCK();
	long sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += accounts[i]->balance;
	UNLOCK();
	return sum;
}
