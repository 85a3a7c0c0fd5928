/*
 * semaphore_support.c -- realtime deadlines, background waiters and the
 * stall-bounded runs the semaphore tests share (semaphore_support.h).
 *
 * A stress run or a run_limited call goes on a thread of its own while the
 * test's thread watches the student's calls: a lost wakeup fails the test
 * after STALL_S without a single call, instead of hanging it until the
 * watchdog (which Helgrind stretches to minutes), and slow progress on a
 * busy machine is never mistaken for a stall.
 */
#include "semaphore_support.h"

#include <stdio.h>
#include <stdlib.h>

/* A stress run is stuck once the student's code has made no call to a
 * mutex or condition variable for this long (stretched under the
 * sanitizers, up to STALL_MAX_S): a correct one makes thousands a second,
 * however busy the machine, and a slow one still makes some. */
#define STALL_S     3.0
#define STALL_MAX_S 10.0

double realtime_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

struct timespec realtime_after(double seconds)
{
	double at = realtime_now() + seconds;
	struct timespec t = {.tv_sec = (time_t)at};
	t.tv_nsec = (long)((at - (double)t.tv_sec) * 1e9);
	if (t.tv_nsec >= 1000000000L)
		t.tv_nsec = 999999999L;
	return t;
}

void init_or_fail(csem_t *s, unsigned value)
{
	int err = csem_init(s, value);
	ck_assert_msg(err == 0, "csem_init(s, %u) returned %d, expected 0", value, err);
}

static void wait_call(void *sem)
{
	csem_wait(sem);
}

void start_waiters(struct harness_background *b, unsigned n, csem_t *s)
{
	harness_background_start(b, n, wait_call, s);
}

/* The student's calls so far: they move while the code makes progress. */
static unsigned long student_calls(void)
{
	struct harness_calls c = harness_calls();
	return c.mutex_lock + c.cond_wait + c.cond_signal + c.cond_broadcast;
}

/* Runs job(arg) on a thread of its own and fails the test, naming `what`,
 * once it stalls.  On failure the record stays allocated: the stuck thread
 * still points at it. */
static void run_within(void (*job)(void *), void *arg, const char *what)
{
	struct harness_background *b = harness_alloc(sizeof *b);
	harness_background_start(b, 1, job, arg);
	double stall = harness_deadline(STALL_S) - harness_now();
	stall = stall < STALL_MAX_S ? stall : STALL_MAX_S;
	struct harness_progress progress;
	harness_progress_start(&progress, student_calls());
	while (!harness_background_wait(b, 1, 0.1))
		ck_assert_msg(harness_progress_stalled(&progress, student_calls()) < stall,
		              "%s stalled: for %.0f s no thread made any call to a mutex or "
		              "condition variable in your code, while threads were still waiting "
		              "on a semaphore that had permits posted; does csem_post wake a "
		              "waiter?",
		              what, stall);
	free(b);
}

struct threads_job {
	unsigned n;
	void (*fn)(unsigned i, void *arg);
	void *arg;
};

static void threads_job_main(void *arg)
{
	struct threads_job *j = arg;
	harness_run_threads(j->n, j->fn, j->arg);
}

void run_threads_within(unsigned n, void (*fn)(unsigned i, void *arg), void *arg, const char *what)
{
	struct threads_job j = {n, fn, arg};
	run_within(threads_job_main, &j, what);
}

struct limited_job {
	unsigned ntasks, limit;
	void (*task)(unsigned i, void *arg);
	void *arg;
	int err;
};

static void limited_job_main(void *arg)
{
	struct limited_job *j = arg;
	j->err = run_limited(j->ntasks, j->limit, j->task, j->arg);
}

int run_limited_within(unsigned ntasks, unsigned limit, void (*task)(unsigned i, void *arg),
                       void *arg)
{
	struct limited_job j = {ntasks, limit, task, arg, 0};
	char what[64];
	snprintf(what, sizeof what, "run_limited(%u, %u)", ntasks, limit);
	run_within(limited_job_main, &j, what);
	return j.err;
}
