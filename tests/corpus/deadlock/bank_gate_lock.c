/* expect: build=passed functional=passed tsan=failed timing=failed */
/* expect-output: whole bank */
/*
 * bank_gate_lock.c -- the accounts' locks are taken in any order, but only
 * while holding one bank-wide "gate" mutex.  No deadlock (a thread that
 * waits holds the gate, and no one who holds an account lock needs it), but
 * a transfer that waits for one busy account keeps every other transfer
 * out: the parallelism check catches it.
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

static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;

bool transfer(account_t *from, account_t *to, long amount)
{
	pthread_mutex_lock(&gate);
	pthread_mutex_lock(&from->lock);
	if (to != from)
		pthread_mutex_lock(&to->lock);
	pthread_mutex_unlock(&gate);
	bool enough = from->balance >= amount;
	if (enough && to != from) {
		from->balance -= amount;
		to->balance += amount;
	}
	if (to != from)
		pthread_mutex_unlock(&to->lock);
	pthread_mutex_unlock(&from->lock);
	return enough;
}

long audit(account_t *const accounts[], size_t n)
{
	pthread_mutex_lock(&gate);
	for (size_t i = 0; i < n; i++)
		pthread_mutex_lock(&accounts[i]->lock);
	pthread_mutex_unlock(&gate);
	long total = 0;
	for (size_t i = 0; i < n; i++)
		total += accounts[i]->balance;
	for (size_t i = n; i-- > 0;)
		pthread_mutex_unlock(&accounts[i]->lock);
	return total;
}
