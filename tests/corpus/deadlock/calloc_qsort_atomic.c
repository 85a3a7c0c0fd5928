/* expect: score=full */
/*
 * Correct alternative (it proves the allow list admits it): transfers lock
 * in id order; audit sorts a calloc'd copy of the array with qsort (a stack
 * copy if calloc fails), and a statistics counter uses the compiler's
 * __atomic builtins.
 */
#include "deadlock.h"

#include <stdlib.h>
#include <string.h>

static unsigned long transfers;

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
	__atomic_fetch_add(&transfers, 1, __ATOMIC_RELAXED);
	account_t *first = from->id <= to->id ? from : to;
	account_t *second = from->id <= to->id ? to : from;
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

static int by_id(const void *a, const void *b)
{
	unsigned x = (*(account_t *const *)a)->id;
	unsigned y = (*(account_t *const *)b)->id;
	return (x > y) - (x < y);
}

long audit(account_t *const accounts[], size_t n)
{
	account_t *fallback[64];
	account_t **sorted = calloc(n ? n : 1, sizeof *sorted);
	if (!sorted) {
		sorted = fallback;
		n = n > 64 ? 64 : n;
	}
	memcpy(sorted, accounts, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, by_id);
	for (size_t i = 0; i < n; i++)
		pthread_mutex_lock(&sorted[i]->lock);
	long total = 0;
	for (size_t i = 0; i < n; i++)
		total += sorted[i]->balance;
	for (size_t i = n; i-- > 0;)
		pthread_mutex_unlock(&sorted[i]->lock);
	if (sorted != fallback)
		free(sorted);
	return total;
}
