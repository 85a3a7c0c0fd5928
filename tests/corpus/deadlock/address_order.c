/* expect: score=full */
/*
 * address_order.c -- a correct alternative: the global order is the order
 * of the accounts in memory instead of their ids.
 */
#include "deadlock.h"

#include <stdint.h>
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

static bool before(const account_t *a, const account_t *b)
{
	return (uintptr_t)a < (uintptr_t)b;
}

bool transfer(account_t *from, account_t *to, long amount)
{
	account_t *first = before(from, to) ? from : to;
	account_t *second = before(from, to) ? to : from;
	pthread_mutex_lock(&first->lock);
	if (second != first)
		pthread_mutex_lock(&second->lock);
	bool enough = from->balance >= amount;
	if (enough && from != to) {
		from->balance -= amount;
		to->balance += amount;
	}
	if (second != first)
		pthread_mutex_unlock(&second->lock);
	pthread_mutex_unlock(&first->lock);
	return enough;
}

static int by_address(const void *a, const void *b)
{
	const account_t *x = *(account_t *const *)a, *y = *(account_t *const *)b;
	return before(y, x) - before(x, y);
}

long audit(account_t *const accounts[], size_t n)
{
	account_t *sorted[64];
	memcpy(sorted, accounts, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, by_address);
	for (size_t i = 0; i < n; i++)
		pthread_mutex_lock(&sorted[i]->lock);
	long total = 0;
	for (size_t i = 0; i < n; i++)
		total += sorted[i]->balance;
	for (size_t i = n; i-- > 0;)
		pthread_mutex_unlock(&sorted[i]->lock);
	return total;
}
