/* expect: build=passed functional=failed tsan=failed timing=passed */
/* expect-output: DEADLOCK */
/*
 * id_difference_cast.c -- transfer picks the first lock with
 * `(int)(from->id - to->id) < 0`; audit sorts correctly.  Once ids lie 2^31
 * or more apart the cast difference has the wrong sign (exactly 2^31 apart,
 * both directions say "from first"), so two transfers between the same
 * pair lock in opposite orders and deadlock.
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
	bool from_first = (int)(from->id - to->id) < 0;
	account_t *first = from_first ? from : to;
	account_t *second = from_first ? to : from;
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
