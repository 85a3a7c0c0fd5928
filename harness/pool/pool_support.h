/*
 * pool_support.h -- what the pool harness's test files share: pools and
 * submits that fail the test with a clear message, gates that hold a task
 * until the harness lets it finish, and thread counts.
 *
 * Each test file registers its own tests (START_TEST names are static to
 * their file): harness_define (pool_functional.c) calls the others.
 */
#ifndef POOL_SUPPORT_H
#define POOL_SUPPORT_H

#include "harness.h"
#include "pool.h"

#include <stdatomic.h>
#include <stdbool.h>

/* How long a thread that should have been released may take to return. */
#define PROMPT_SECONDS 3.0

/* pool_create(n), failing the test if it returns NULL. */
pool_t *new_pool(unsigned n);

/* pool_submit, failing the test if it returns NULL. */
future_t *submit(pool_t *p, pool_fn fn, void *arg, pool_callback done, void *cb_arg);

/* What the harness is doing, for the message of a task that waited for it
 * in vain ("in pool_submit"): set before each call that could block. */
void harness_doing(const char *what);

/* A gate holds the tasks that pass it until the harness opens it.  A task
 * that waits too long fails the test, saying where the harness was stuck:
 * in a synchronous pool, the harness's own pool_submit runs the task, and
 * the gate can never open. */
struct gate {
	pthread_mutex_t lock;
	pthread_cond_t opened_cv;
	bool opened;
	atomic_uint arrived; /* tasks that reached the gate */
};
struct gate *gate_new(void);
void gate_free(struct gate *g);
void gate_open(struct gate *g);
void gate_pass(struct gate *g);
/* A task function: passes the gate given as arg, returns 0. */
int gated_task(void *gate, void **result);

/* The threads of this process now (harness_thread_count), and after
 * waiting up to seconds (stretched) until at most n are left. */
unsigned threads_now(void);
unsigned threads_down_to(unsigned n, double seconds);

/* Registration of each file's tests. */
void pool_add_callback_tests(void);
void pool_add_shutdown_tests(void);
void pool_add_timing_tests(void);
void pool_add_race_tests(void);
void pool_add_memory_tests(void);

#endif
