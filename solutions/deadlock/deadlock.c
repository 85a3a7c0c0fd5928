/*
 * deadlock.c -- reference solution: one global lock order, by account id.
 *
 * A deadlock needs a cycle of threads each holding a lock the next one wants.
 * If every thread takes the locks it needs in increasing id order, the
 * highest-id lock held in any would-be cycle is wanted by a thread that
 * already holds a higher one, which it never does: no cycle, no deadlock.
 * transfer() orders its two accounts; audit() sorts a copy of the array
 * (the caller's array must not change) and locks in that order.
 */
#include "deadlock.h"

#include <stdlib.h>
#include <string.h>

#define AUDIT_MAX 64

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
		/* One mutex: locking it twice would deadlock on ourselves. */
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

static int by_id(const void *a, const void *b)
{
	unsigned x = (*(account_t *const *)a)->id;
	unsigned y = (*(account_t *const *)b)->id;
	return (x > y) - (x < y);
}

long audit(account_t *const accounts[], size_t n)
{
	account_t *sorted[AUDIT_MAX];
	if (n > AUDIT_MAX)
		n = AUDIT_MAX;
	memcpy(sorted, accounts, n * sizeof(account_t *));
	qsort(sorted, n, sizeof(account_t *), by_id);
	for (size_t i = 0; i < n; i++)
		pthread_mutex_lock(&sorted[i]->lock);
	long total = 0;
	for (size_t i = 0; i < n; i++)
		total += sorted[i]->balance;
	for (size_t i = n; i-- > 0;)
		pthread_mutex_unlock(&sorted[i]->lock);
	return total;
}
