/*
 * semaphore.h -- a counting semaphore built from a mutex and a condition
 * variable, and run_limited(), which uses one to cap how many tasks run at
 * once.  See README.md in this folder for the task.
 */
#ifndef SEMAPHORE_H
#define SEMAPHORE_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

typedef struct csem {
	pthread_mutex_t lock;   /* guards value and waiters */
	pthread_cond_t nonzero; /* signalled when value may have become > 0 */
	unsigned value;         /* permits available */
	unsigned waiters;       /* free for the implementation to use */
} csem_t;

/* Initialises s with value permits: 0, or an errno value. */
int csem_init(csem_t *s, unsigned value);

/* Releases what csem_init set up; no thread may be using s. */
void csem_destroy(csem_t *s);

/* P: blocks until value > 0, then decrements it. */
void csem_wait(csem_t *s);

/* Decrements value if it is > 0; never blocks.  Returns whether it did. */
bool csem_trywait(csem_t *s);

/* Like csem_wait, but gives up at abstime (a CLOCK_REALTIME deadline, as for
 * pthread_cond_timedwait).  Returns true if it took a permit, false on
 * timeout. */
bool csem_timedwait(csem_t *s, const struct timespec *abstime);

/* V: increments value and wakes a waiter. */
void csem_post(csem_t *s);

/* The current value. */
unsigned csem_value(csem_t *s);

/* Runs task(i, arg) for every i < ntasks, each on its own thread, all
 * started at once, with at most limit of them inside task at any moment,
 * enforced with a csem_t.  Returns 0 after all finished, or an errno value. */
int run_limited(unsigned ntasks, unsigned limit, void (*task)(unsigned i, void *arg), void *arg);

#endif
