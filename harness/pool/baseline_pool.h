/*
 * baseline_pool.h -- the harness's own known-good thread pool.
 *
 * The throughput check measures the student's pool against this one in the
 * same run, so the verdict compares two figures taken on the same machine
 * under the same load instead of trusting an absolute number.  It lives in
 * the harness (not in solutions/) because the student template ships
 * without solutions.  Built into the harness, it calls the real pthread
 * functions, not the perturbing wrappers.  No callbacks: it is the floor
 * of what a pool costs, one queue, one lock, one condition variable per
 * future.
 */
#ifndef BASELINE_POOL_H
#define BASELINE_POOL_H

struct baseline_pool;
struct baseline_future;

struct baseline_pool *baseline_create(unsigned nthreads);
struct baseline_future *baseline_submit(struct baseline_pool *p, int (*fn)(void *, void **),
                                        void *arg);
/* Waits for the task, frees its future, returns the task's value. */
int baseline_wait(struct baseline_future *f);
/* Runs what is queued, joins the workers, frees the pool. */
void baseline_shutdown(struct baseline_pool *p);

#endif
