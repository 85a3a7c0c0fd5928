/*
 * pool.h -- a thread pool: futures, callbacks on one thread, and errors
 * that never vanish.
 *
 * The interface is fixed by the course contract: do not change it.
 *
 * - nthreads worker threads run tasks in parallel, in the order submitted.
 *   pool_worker is answered from thread-local storage.
 * - done (may be NULL) runs once per task after fn returns, on the pool's
 *   one callback thread (never a worker, never a thread outside the pool),
 *   one callback at a time, in the order the tasks finished.  During the
 *   callback future_wait(f) returns at once.  A callback may submit more
 *   tasks.
 * - Errors never vanish: a task's failure is seen when future_wait returns
 *   it or when its callback runs (future_timedwait does not count).
 *   pool_shutdown refuses new tasks from threads outside the pool, still
 *   accepts those the pool's own threads submit (a task or a callback),
 *   runs every queued task and callback, joins every thread, frees the
 *   pool and every future (released or not), and returns how many failures
 *   nobody saw.  Once pool_shutdown is called, no thread outside the pool
 *   uses the pool or its futures.
 * - Every future is released by the caller at most once; it is freed only
 *   when it is released and done and its callback has returned (or by
 *   pool_shutdown).
 * - Idle workers and an idle callback thread use no CPU.
 */
#ifndef POOL_H
#define POOL_H

#include <stdbool.h>
#include <time.h>

typedef struct pool pool_t; /* both structs are the submission's own */
typedef struct future future_t;
typedef int (*pool_fn)(void *arg, void **result); /* 0, or an error code */
typedef void (*pool_callback)(future_t *f, void *cb_arg);

pool_t *pool_create(unsigned nthreads); /* 1 to 256; NULL with errno */
future_t *pool_submit(pool_t *p, pool_fn fn, void *arg, pool_callback done, void *cb_arg);
/* NULL with errno: EINVAL for a NULL fn, ENOMEM, or ESHUTDOWN for a thread
   outside the pool once pool_shutdown has begun */
int future_wait(future_t *f, void **result); /* blocks until fn returned;
                                                returns fn's value, *result its result
                                                (result may be NULL) */
bool future_timedwait(future_t *f, const struct timespec *abstime);
/* CLOCK_REALTIME deadline; true once done */
void future_release(future_t *f); /* the caller is done with f, which may
                                     still be queued or running */
int pool_worker(void);            /* 0 to nthreads-1 on a pool's worker
                                     thread, -1 on any other thread */
unsigned pool_shutdown(pool_t *p);

#endif
