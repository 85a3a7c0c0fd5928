/* expect: build=passed functional=failed tsan=passed helgrind=passed timing=failed */
/* expect-output: whole bank */
/*
 * bank_wide_lock.c -- one mutex for the whole bank instead of the locks in
 * the accounts.  Correct and deadlock-free, but one transfer at a time.
 */
#include "deadlock.h"

#include <stdlib.h>
#include <string.h>

void account_init(account_t *a, unsigned id, long balance)
{
	pthread_mutex_init(&a->lock, NULL);
	a->balance = balance;
	a->id = id;
}

void account_destroy(account_t *a)
{
	pthread_mutex_destroy(&a->lock);
}

static pthread_mutex_t bank = PTHREAD_MUTEX_INITIALIZER;

bool transfer(account_t *from, account_t *to, long amount)
{
	pthread_mutex_lock(&bank);
	bool enough = from->balance >= amount;
	if (enough) {
		from->balance -= amount;
		to->balance += amount;
	}
	pthread_mutex_unlock(&bank);
	return enough;
}

long audit(account_t *const accounts[], size_t n)
{
	pthread_mutex_lock(&bank);
	long total = 0;
	for (size_t i = 0; i < n; i++)
		total += accounts[i]->balance;
	pthread_mutex_unlock(&bank);
	return total;
}
