/* expect: build=passed functional=failed tsan=failed timing=passed */
/* expect-output: DEADLOCK */
/*
 * id_subtraction.c -- the classic comparator `return a->id - b->id;`,
 * used by qsort in audit and to pick the first lock in transfer.  With ids
 * more than 2^31 apart the difference overflows an int, and the order is
 * not total: exactly 2^31 apart, each account comes "first"; three ids
 * spread over the range form a cycle.  Two or three threads then lock in
 * opposite orders and deadlock, and ThreadSanitizer sees the inversion.
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

static int by_id(const void *a, const void *b)
{
	const account_t *x = *(account_t *const *)a;
	const account_t *y = *(account_t *const *)b;
	return x->id - y->id;
}

bool transfer(account_t *from, account_t *to, long amount)
{
	if (from == to) {
		pthread_mutex_lock(&from->lock);
		bool enough = from->balance >= amount;
		pthread_mutex_unlock(&from->lock);
		return enough;
	}
	account_t *first = by_id(&from, &to) < 0 ? from : to;
	account_t *second = first == from ? to : from;
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
