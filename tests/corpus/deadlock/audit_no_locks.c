/* expect: build=passed functional=failed tsan=failed helgrind=failed timing=passed */
/* expect-output: half done */
/*
 * audit_no_locks.c -- transfers ordered by id, but audit just adds the
 * balances up without locking: it sees transfers half done (and races).
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

bool transfer(account_t *from, account_t *to, long amount)
{
	if (from == to) {
		pthread_mutex_lock(&from->lock);
		bool enough = from->balance >= amount;
		pthread_mutex_unlock(&from->lock);
		return enough;
	}
	account_t *first = from->id < to->id ? from : to;
	account_t *second = from->id < to->id ? to : from;
	pthread_mutex_lock(&first->lock);
	pthread_mutex_lock(&second->lock);
	bool enough = from->balance >= amount;
	if (enough) {
		from->balance -= amount;
		to->balance += amount;
	}
	pthread_mutex_unlock(&second->lock);
	pthread_mutex_unlock(&first->lock);
	return enough;
}

long audit(account_t *const accounts[], size_t n)
{
	long total = 0;
	for (size_t i = 0; i < n; i++)
		total += accounts[i]->balance;
	return total;
}
