/* expect: score=full */
/*
 * trylock_backoff.c -- a correct alternative without a global order: take
 * the first lock, only TRY the others, and on failure release everything,
 * yield and start again.  No thread ever waits while holding a lock, so the
 * "hold and wait" condition for deadlock never holds.
 */
#include "deadlock.h"

#include <sched.h>

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

/* Locks all n (distinct) accounts, or none and returns false. */
static bool try_lock_all(account_t *const accounts[], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (pthread_mutex_trylock(&accounts[i]->lock) != 0) {
			while (i-- > 0)
				pthread_mutex_unlock(&accounts[i]->lock);
			return false;
		}
	}
	return true;
}

static void lock_all(account_t *const accounts[], size_t n)
{
	while (!try_lock_all(accounts, n))
		sched_yield();
}

static void unlock_all(account_t *const accounts[], size_t n)
{
	for (size_t i = 0; i < n; i++)
		pthread_mutex_unlock(&accounts[i]->lock);
}

bool transfer(account_t *from, account_t *to, long amount)
{
	account_t *both[2] = {from, to};
	size_t n = from == to ? 1 : 2;
	lock_all(both, n);
	bool enough = from->balance >= amount;
	if (enough && from != to) {
		from->balance -= amount;
		to->balance += amount;
	}
	unlock_all(both, n);
	return enough;
}

long audit(account_t *const accounts[], size_t n)
{
	lock_all(accounts, n);
	long total = 0;
	for (size_t i = 0; i < n; i++)
		total += accounts[i]->balance;
	unlock_all(accounts, n);
	return total;
}
