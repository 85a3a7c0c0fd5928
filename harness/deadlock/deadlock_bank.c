/*
 * deadlock_bank.c -- the accounts every deadlock test opens, and the checks
 * and helpers the tests share.
 */
#include "deadlock_harness.h"
#include "harness.h"

#include <stdio.h>

/*
 * Account ids spread over the whole unsigned range, not in address order.
 * The first three are 2^31 and 2^30 apart: ordered by subtracting ids
 * ((int)(a->id - b->id), or a qsort comparator returning a->id - b->id),
 * the second and third each come before the other, and the three form a
 * cycle (first < second < third < first), so such an order deadlocks under
 * stress and ThreadSanitizer sees it inverted.  The rest are distinct.
 */
static unsigned account_id(size_t i)
{
	static const unsigned first[] = {0xC0000007u, 0x00000007u, 0x80000007u};
	if (i < sizeof first / sizeof first[0])
		return first[i];
	return (unsigned)(i * 0x9E3779B9u) ^ 0x5bd1e995u;
}

/* Accounts with ids that do not follow their addresses, locks named. */
void bank_open(account_t *accounts, size_t n, long each)
{
	for (size_t i = 0; i < n; i++) {
		unsigned id = account_id(i);
		account_init(&accounts[i], id, each);
		char name[32];
		snprintf(name, sizeof name, "account %u", id);
		harness_name_lock(&accounts[i].lock, name);
	}
}

void bank_close(account_t *accounts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		harness_name_lock(&accounts[i].lock, NULL);
		account_destroy(&accounts[i]);
	}
}

/* After a call returns, none of the accounts' locks may still be held. */
void assert_all_unlocked(account_t *accounts, size_t n, const char *after)
{
	for (size_t i = 0; i < n; i++) {
		int r = pthread_mutex_trylock(&accounts[i].lock);
		ck_assert_msg(r == 0,
		              "after %s, account %u's lock is still held: unlock every lock "
		              "you take, on every path",
		              after, accounts[i].id);
		pthread_mutex_unlock(&accounts[i].lock);
	}
}

void shuffle(account_t **array, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(harness_random() % i);
		account_t *t = array[i - 1];
		array[i - 1] = array[j];
		array[j] = t;
	}
}

bool someone_waits_for(const void *mutex)
{
	struct harness_lock_wait w[64];
	size_t n = harness_lock_snapshot(w, 64);
	for (size_t i = 0; i < n; i++)
		if (w[i].waiting == mutex)
			return true;
	return false;
}
