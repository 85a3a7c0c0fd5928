/*
 * deadlock.h -- the interface of the deadlock exercise (fixed by the
 * contract: do not change it; the grader uses its own copy).
 *
 * Accounts are moved between with transfer() and summed with audit(), from
 * any number of threads at once, without ever deadlocking.
 */
#ifndef DEADLOCK_H
#define DEADLOCK_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct account {
	pthread_mutex_t lock;
	long balance;
	unsigned id; /* unique among live accounts */
} account_t;

void account_init(account_t *a, unsigned id, long balance);
void account_destroy(account_t *a);

/* Moves amount (>= 0) from `from` to `to` with both accounts locked.  Moves
 * nothing and returns false when `from` holds less than amount.  from == to
 * is allowed: returns whether the funds suffice and changes nothing. */
bool transfer(account_t *from, account_t *to, long amount);

/* The sum of n (<= 64) distinct accounts as one consistent snapshot, holding
 * all their locks at once.  The array comes in any order and is not changed. */
long audit(account_t *const accounts[], size_t n);

#endif
