/*
 * semaphore_timing.c -- the timing tests (native build only): the CPU time
 * the process uses while every thread is blocked, and the post-to-wakeup
 * latency against a plain condition-variable handoff measured in the same
 * run, so the verdict compares two figures taken under the same load.
 */
#include "semaphore_support.h"

#include <stdlib.h>

/* --- blocked waiters use no CPU ----------------------------------------- */

#define TASK_US     600000
#define IDLE_WINDOW 0.3 /* seconds */

static void long_task(unsigned i, void *arg)
{
	(void)i;
	(void)arg;
	harness_sleep_us(TASK_US);
}

static void limited_call(void *arg)
{
	(void)arg;
	int err = run_limited(3, 1, long_task, NULL);
	HARNESS_REQUIRE(err == 0, "run_limited(3, 1) returned %d", err);
}

START_TEST(no_busy_wait)
{
	harness_perturb(HARNESS_PERTURB_OFF);
	csem_t s;
	struct harness_background waiters, limited;
	init_or_fail(&s, 0);
	start_waiters(&waiters, 2, &s);
	harness_background_start(&limited, 1, limited_call, NULL);
	harness_sleep_us(100000);
	double t0 = harness_now();
	double cpu = harness_cpu_while_idle(IDLE_WINDOW), wall = harness_now() - t0;
	csem_post(&s);
	csem_post(&s);
	ck_assert_msg(harness_background_wait(&waiters, 2, GIVE_UP_S),
	              "two posts did not release two blocked csem_wait calls");
	double tasks_s = 3 * TASK_US / 1e6;
	ck_assert_msg(harness_background_wait(&limited, 1, tasks_s + GIVE_UP_S),
	              "run_limited(3, 1) with tasks of %.1f s had not returned after %.1f s",
	              TASK_US / 1e6, tasks_s + GIVE_UP_S);
	double share = cpu / wall;
	harness_info("while 2 threads sat in csem_wait and 2 waited in run_limited for %.0f ms, "
	             "the process used %.1f ms of CPU (%.0f%% of a core)",
	             wall * 1e3, cpu * 1e3, share * 100);
	ck_assert_msg(share < 0.15,
	              "blocked threads used %.0f%% of a core: a waiter must sleep in "
	              "pthread_cond_wait, not spin",
	              share * 100);
	csem_destroy(&s);
}
END_TEST

/* --- posts wake waiters promptly ----------------------------------------- */

/* A handoff to time: wait(target) blocks until post(target). */
struct handoff_kind {
	void (*wait)(void *target);
	void (*post)(void *target);
	const char *stuck; /* the message when a post wakes nobody */
};

struct timed_wakeup {
	const struct handoff_kind *kind;
	void *target;
	double returned_at;
};

static void wait_and_note(void *arg)
{
	struct timed_wakeup *w = arg;
	w->kind->wait(w->target);
	w->returned_at = harness_now();
}

/* From a post to the return of the wait it releases, in seconds. */
static double wakeup_latency(const struct handoff_kind *kind, void *target)
{
	struct timed_wakeup w = {kind, target, 0};
	struct harness_background waiter;
	harness_background_start(&waiter, 1, wait_and_note, &w);
	harness_sleep_us(5000);
	double posted_at = harness_now();
	kind->post(target);
	ck_assert_msg(harness_background_wait(&waiter, 1, GIVE_UP_S), "%s", kind->stuck);
	return w.returned_at - posted_at;
}

static void student_wait(void *sem)
{
	csem_wait(sem);
}

static void student_post(void *sem)
{
	csem_post(sem);
}

/* The harness's own condition-variable handoff, the yardstick for latency. */
struct yardstick {
	pthread_mutex_t lock;
	pthread_cond_t go;
	bool posted;
};

static void yardstick_wait(void *arg)
{
	struct yardstick *y = arg;
	pthread_mutex_lock(&y->lock);
	while (!y->posted)
		pthread_cond_wait(&y->go, &y->lock);
	pthread_mutex_unlock(&y->lock);
}

static void yardstick_post(void *arg)
{
	struct yardstick *y = arg;
	pthread_mutex_lock(&y->lock);
	y->posted = true;
	pthread_cond_signal(&y->go);
	pthread_mutex_unlock(&y->lock);
}

static const struct handoff_kind student = {student_wait, student_post,
                                            "a post did not wake a blocked csem_wait"};
static const struct handoff_kind yardstick = {yardstick_wait, yardstick_post,
                                              "harness: the yardstick's waiter did not wake"};

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, by_value);
	return v[n / 2];
}

#define LATENCY_ROUNDS 25

START_TEST(prompt_wakeup)
{
	harness_perturb(HARNESS_PERTURB_OFF);
	csem_t s;
	double mine[LATENCY_ROUNDS], yard[LATENCY_ROUNDS];
	init_or_fail(&s, 0);
	for (int r = 0; r < LATENCY_ROUNDS; r++) {
		mine[r] = wakeup_latency(&student, &s);
		struct yardstick y = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false};
		yard[r] = wakeup_latency(&yardstick, &y);
	}
	double m = median(mine, LATENCY_ROUNDS), y = median(yard, LATENCY_ROUNDS);
	double allowed = 20 * y + 0.002;
	harness_info("median post-to-wakeup latency %.3f ms; a plain condition variable "
	             "handoff: %.3f ms; allowed %.3f ms",
	             m * 1e3, y * 1e3, allowed * 1e3);
	ck_assert_msg(
	    m <= allowed,
	    "a post took %.1f ms (median) to wake a blocked csem_wait, against %.3f ms for "
	    "a condition variable: is the waiter sleeping and polling?",
	    m * 1e3, y * 1e3);
	csem_destroy(&s);
}
END_TEST

void semaphore_add_timing_tests(void)
{
	HARNESS_ADD(no_busy_wait, 10);
	HARNESS_ADD(prompt_wakeup, 10);
}
