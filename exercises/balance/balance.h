/*
 * balance.h -- a shared bank balance that many threads update at once,
 * without locks.  See README.md in this folder for the task.
 */
#ifndef BALANCE_H
#define BALANCE_H

#include <stdbool.h>

/* Sets the balance; never called concurrently with the others. */
void balance_set(long value);

/* The current balance. */
long balance_get(void);

/* Adds amount to the balance. */
void balance_deposit(long amount);

/* Takes amount from the balance, unconditionally; it may go below zero. */
void balance_withdraw(long amount);

/* Withdraws amount only if the balance covers it, as one atomic step.
 * Returns whether it did. */
bool balance_try_withdraw(long amount);

#endif
