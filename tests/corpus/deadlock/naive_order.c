/* expect: build=passed functional=failed tsan=failed timing=passed */
/* expect-output: DEADLOCK */
/*
 * naive_order.c -- transfer locks `from` and then `to`; audit is right.
 * Two threads moving money in opposite directions each hold one lock and
 * wait for the other: the stress test deadlocks and prints the cycle, and
 * both sanitizers report the inverted order from a single thread.
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

static int by_id(const void *a, const void *b)
{
	unsigned x = (*(account_t *const *)a)->id;
	unsigned y = (*(account_t *const *)b)->id;
	return (x > y) - (x < y);
}

long audit(account_t *const accounts[], size_t n)
{
	account_t *sorted[64];
	memcpy(sorted, accounts, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, by_id);
	for (size_t i = 0; i < n; i++)
		pthread_mutex_lock(&sorted[i]->lock);
	long total = 0;
	for (size_t i = 0; i < n; i++)
		total += sorted[i]->balance;
	for (size_t i = n; i-- > 0;)
		pthread_mutex_unlock(&sorted[i]->lock);
	return total;
}
