/*
 * deadlock.c -- YOUR WORK GOES HERE.
 *
 * This is the textbook version: transfer() locks `from` and then `to`, and
 * audit() locks the accounts in the order it is given them.  It is right with
 * one thread, and two threads transferring in opposite directions (or two
 * audits given different orders) deadlock.  Make it deadlock-free without a
 * lock shared by all accounts: read README.md.
 */
#include "deadlock.h"

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
	pthread_mutex_lock(&from->lock);
	pthread_mutex_lock(&to->lock);
	bool enough = from->balance >= amount;
	if (enough) {
		from->balance -= amount;
		to->balance += amount;
	}
	pthread_mutex_unlock(&to->lock);
	pthread_mutex_unlock(&from->lock);
	return enough;
}

long audit(account_t *const accounts[], size_t n)
{
	long total = 0;
	for (size_t i = 0; i < n; i++)
		pthread_mutex_lock(&accounts[i]->lock);
	for (size_t i = 0; i < n; i++)
		total += accounts[i]->balance;
	for (size_t i = n; i-- > 0;)
		pthread_mutex_unlock(&accounts[i]->lock);
	return total;
}
