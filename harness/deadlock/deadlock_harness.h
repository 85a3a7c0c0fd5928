/*
 * deadlock_harness.h -- what the deadlock harness's files share: opening a
 * bank of accounts whose ids do not follow their addresses, checking that
 * no lock is left held, shuffling, and seeing who waits for a lock.
 *
 * The harness's files, by concern:
 *   deadlock_bank.c        the accounts and the helpers below;
 *   deadlock_functional.c  one thread: the semantics, and one lock order for
 *                          the sanitizers (and harness_define);
 *   deadlock_stress.c      many threads in every direction, with audits;
 *   deadlock_held.c        the harness holds locks itself: transfers between
 *                          other accounts go on, and audit waits;
 *   lockgraph.c            deadlock reports in the student's terms;
 *   deadlock_controlled.c  transfers and audits under controlled schedules.
 */
#ifndef DEADLOCK_HARNESS_H
#define DEADLOCK_HARNESS_H

#include "deadlock.h"

#include <stdbool.h>
#include <stddef.h>

#define MAX_ACCOUNTS 64

/* n accounts holding `each`, with ids that do not follow their addresses,
 * their locks named for reports ("account 7"). */
void bank_open(account_t *accounts, size_t n, long each);
void bank_close(account_t *accounts, size_t n);

/* After a call (`after` names it) returns, none of the accounts' locks may
 * still be held. */
void assert_all_unlocked(account_t *accounts, size_t n, const char *after);

/* Shuffles the array with the run's seeded random numbers. */
void shuffle(account_t **array, size_t n);

/* Some thread is blocked in the student's pthread_mutex_lock of mutex. */
bool someone_waits_for(const void *mutex);

/* The deadlock harness's tests beyond the single-thread ones. */
void deadlock_define_stress(void);
void deadlock_define_held(void);
void deadlock_define_controlled(void); /* deadlock_controlled.c: under controlled schedules */

#endif
