/*
 * wrappers.c -- the functions the student's object calls instead of
 * pthreads' and fork.
 *
 * The grader rewrites the student object's references with
 * `objcopy --redefine-syms=wrap.syms`, so pthread_mutex_lock in the student's
 * code becomes harness_wrap_mutex_lock here, while the harness and libcheck
 * keep calling the real functions.  The wrappers
 *   - perturb the schedule around the call (perturb.c);
 *   - inject spurious wakeups into condition waits, and late timeouts, as
 *     POSIX allows;
 *   - count calls and note who holds and waits for which mutex
 *     (locktable.c), for the hang report and for checks on how the
 *     student's code behaves;
 *   - record each student thread's life (spans.c);
 *   - can make a chosen fork() fail;
 *   - under a controlled schedule (controlled.h), make each call a scheduling
 *     point and model its blocking instead (schedmodel.c).
 * The atomics of the ThreadSanitizer build are wrapped in tsan_atomics.c.
 */
#include "controlled.h"
#include "harness.h"
#include "internal.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static struct {
	atomic_ulong mutex_lock, mutex_unlock, cond_wait, cond_signal, cond_broadcast;
	atomic_ulong thread_create, fork, spurious_wakeups;
} calls;

static atomic_uint fork_fail_countdown;
static int fork_fail_errno;

struct harness_calls harness_calls(void)
{
	return (struct harness_calls){
	    atomic_load(&calls.mutex_lock),     atomic_load(&calls.mutex_unlock),
	    atomic_load(&calls.cond_wait),      atomic_load(&calls.cond_signal),
	    atomic_load(&calls.cond_broadcast), atomic_load(&calls.thread_create),
	    atomic_load(&calls.fork),           atomic_load(&calls.spurious_wakeups),
	};
}

int harness_wrap_mutex_lock(pthread_mutex_t *m);
int harness_wrap_mutex_trylock(pthread_mutex_t *m);
int harness_wrap_mutex_unlock(pthread_mutex_t *m);
int harness_wrap_mutex_destroy(pthread_mutex_t *m);
int harness_wrap_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
int harness_wrap_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *t);
int harness_wrap_cond_signal(pthread_cond_t *c);
int harness_wrap_cond_broadcast(pthread_cond_t *c);
int harness_wrap_thread_create(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *),
                               void *arg);
int harness_wrap_thread_join(pthread_t t, void **result);
pid_t harness_wrap_fork(void);

int harness_wrap_mutex_lock(pthread_mutex_t *m)
{
	atomic_fetch_add(&calls.mutex_lock, 1);
	if (harness_sched_active()) {
		harness_sched_point();
		int r = harness_sched_lock(m, __builtin_return_address(0));
		if (r == 0)
			harness_lock_note(m, true);
		return r;
	}
	harness_perturb_point();
	harness_lock_wait_begin(m, NULL, __builtin_return_address(0));
	int r = pthread_mutex_lock(m);
	harness_lock_wait_end();
	if (r == 0)
		harness_lock_note(m, true);
	harness_perturb_point();
	return r;
}

int harness_wrap_mutex_trylock(pthread_mutex_t *m)
{
	int r;
	if (harness_sched_active()) {
		harness_sched_point();
		r = harness_sched_trylock(m, __builtin_return_address(0));
	} else {
		harness_perturb_point();
		r = pthread_mutex_trylock(m);
	}
	if (r == 0) {
		atomic_fetch_add(&calls.mutex_lock, 1);
		harness_lock_note(m, true);
	}
	return r;
}

int harness_wrap_mutex_unlock(pthread_mutex_t *m)
{
	atomic_fetch_add(&calls.mutex_unlock, 1);
	harness_lock_note(m, false);
	if (harness_sched_active()) {
		harness_sched_point();
		return harness_sched_unlock(m, __builtin_return_address(0));
	}
	int r = pthread_mutex_unlock(m);
	harness_perturb_point();
	return r;
}

/* Only so that Helgrind's suppressions can name the student's destroys
 * (helgrind.supp): the call itself is unchanged. */
int harness_wrap_mutex_destroy(pthread_mutex_t *m)
{
	return pthread_mutex_destroy(m);
}

/* A spurious wakeup as POSIX permits it: the mutex is released and retaken,
 * and the wait returns 0 without any signal. */
static bool spurious_wakeup(pthread_mutex_t *m)
{
	if (!harness_chance(harness_perturbation_now().spurious_rate))
		return false;
	atomic_fetch_add(&calls.spurious_wakeups, 1);
	harness_lock_note(m, false);
	pthread_mutex_unlock(m);
	harness_yield_briefly();
	pthread_mutex_lock(m);
	harness_lock_note(m, true);
	return true;
}

/* Whether the deadline ts has passed, on the clock it was read from: a
 * condition variable may time its waits on CLOCK_REALTIME or
 * CLOCK_MONOTONIC, and the one whose present lies nearer to ts is it. */
static bool deadline_passed(const struct timespec *ts)
{
	struct timespec real, mono;
	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	double at = (double)ts->tv_sec + (double)ts->tv_nsec / 1e9;
	double r = (double)real.tv_sec + (double)real.tv_nsec / 1e9;
	double m = (double)mono.tv_sec + (double)mono.tv_nsec / 1e9;
	double r_off = r > at ? r - at : at - r, m_off = m > at ? m - at : at - m;
	return (r_off < m_off ? r : m) >= at;
}

/* A condition wait under a controlled schedule: the model decides when it
 * wakes; a timeout it chooses is real once the deadline has passed. */
static int controlled_wait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *ts,
                           const void *caller)
{
	harness_sched_point();
	harness_lock_note(m, false);
	bool timed_out = false;
	int r = harness_sched_cond_wait(c, m, ts != NULL, &timed_out, caller);
	harness_lock_note(m, true);
	if (!timed_out || !ts)
		return r;
	while (!deadline_passed(ts))
		harness_sleep_us(1000);
	return ETIMEDOUT;
}

/* Both condition waits: maybe a spurious wakeup, else the real wait, with
 * the mutex released for the lock table while the thread sleeps.  A timed
 * wait woken by a signal that came after its deadline reports ETIMEDOUT,
 * as POSIX specifies for a deadline that "passes before the condition is
 * signaled": the signal is spent on this waiter, and no other wakes for it.
 * (glibc passes such a signal on to another waiter; other systems do not,
 * so a timed wait must recheck its condition after a timeout.) */
static int tracked_wait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *ts,
                        const void *caller)
{
	atomic_fetch_add(&calls.cond_wait, 1);
	if (harness_sched_active())
		return controlled_wait(c, m, ts, caller);
	if (spurious_wakeup(m))
		return 0;
	harness_lock_note(m, false);
	harness_lock_wait_begin(m, c, caller);
	int r = ts ? pthread_cond_timedwait(c, m, ts) : pthread_cond_wait(c, m);
	if (r == 0 && ts && deadline_passed(ts) &&
	    harness_chance(harness_perturbation_now().late_signal_rate))
		r = ETIMEDOUT;
	harness_lock_wait_end();
	harness_lock_note(m, true);
	return r;
}

int harness_wrap_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	return tracked_wait(c, m, NULL, __builtin_return_address(0));
}

int harness_wrap_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *ts)
{
	/* A NULL deadline is undefined for POSIX; treat it as no deadline. */
	return tracked_wait(c, m, ts, __builtin_return_address(0));
}

int harness_wrap_cond_signal(pthread_cond_t *c)
{
	atomic_fetch_add(&calls.cond_signal, 1);
	if (harness_sched_active()) {
		harness_sched_point();
		harness_sched_cond_signal(c, false, __builtin_return_address(0));
		return pthread_cond_signal(c);
	}
	harness_perturb_point();
	return pthread_cond_signal(c);
}

int harness_wrap_cond_broadcast(pthread_cond_t *c)
{
	atomic_fetch_add(&calls.cond_broadcast, 1);
	if (harness_sched_active()) {
		harness_sched_point();
		harness_sched_cond_signal(c, true, __builtin_return_address(0));
		return pthread_cond_broadcast(c);
	}
	harness_perturb_point();
	return pthread_cond_broadcast(c);
}

struct student_thread {
	void *(*fn)(void *);
	void *arg;
	unsigned number; /* harness thread number, in creation order */
	unsigned slot;   /* controlled schedule's slot, or SCHED_NONE */
};

static void *student_thread_main(void *p)
{
	struct student_thread s = *(struct student_thread *)p;
	free(p);
	harness_take_thread_number(s.number);
	harness_sched_arrive(s.slot);
	struct harness_thread_span *span = harness_span_begin();
	void *result;
	pthread_cleanup_push(harness_sched_exit, NULL);
	pthread_cleanup_push(harness_span_end, span);
	result = s.fn(s.arg);
	pthread_cleanup_pop(1);
	pthread_cleanup_pop(1);
	return result;
}

int harness_wrap_thread_create(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *),
                               void *arg)
{
	atomic_fetch_add(&calls.thread_create, 1);
	int fault = harness_thread_create_fault();
	if (fault != 0)
		return fault;
	struct student_thread *s = malloc(sizeof *s);
	if (!s)
		return EAGAIN;
	unsigned slot = SCHED_NONE;
	if (harness_sched_active()) {
		harness_sched_point();
		slot = harness_sched_expect(1);
	}
	*s = (struct student_thread){fn, arg, harness_reserve_thread_numbers(1), slot};
	int r = pthread_create(t, a, student_thread_main, s);
	if (r != 0) {
		free(s);
		harness_sched_cancel(slot);
	}
	if (slot != SCHED_NONE) {
		char text[48] = "pthread_create fails";
		if (r == 0)
			snprintf(text, sizeof text, "pthread_create: starts T%u", slot + 1);
		harness_timeline_add(harness_sched_thread(), __builtin_return_address(0), text,
		                     false, 0);
	} else {
		harness_perturb_point();
	}
	return r;
}

int harness_wrap_thread_join(pthread_t t, void **result)
{
	if (!harness_sched_active())
		return pthread_join(t, result);
	harness_sched_point();
	return harness_sched_join(t, result, __builtin_return_address(0));
}

void harness_fail_fork(unsigned n, int e)
{
	fork_fail_errno = e;
	atomic_store(&fork_fail_countdown, n);
}

pid_t harness_wrap_fork(void)
{
	atomic_fetch_add(&calls.fork, 1);
	unsigned left = atomic_load(&fork_fail_countdown);
	while (left > 0 && !atomic_compare_exchange_weak(&fork_fail_countdown, &left, left - 1))
		;
	if (left == 1) {
		errno = fork_fail_errno;
		return -1;
	}
	return fork();
}
