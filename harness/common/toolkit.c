/*
 * toolkit.c -- what exercise harnesses do again and again: wait for a
 * condition with a limit, run the student's calls in the background and
 * see whether they return, tell a stall from slowness, time a run, measure
 * CPU used while idle, and count the process's descriptors and threads.
 *
 * Every limit here is given in native seconds and stretched by
 * harness_slowdown(), so a test states one figure and stays right under
 * ThreadSanitizer and Valgrind.  Waits poll every millisecond: the
 * conditions are the student's progress, which no harness event signals.
 */
#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

enum { POLL_US = 1000 };

bool harness_wait_until(bool (*done)(void *arg), void *arg, double seconds)
{
	double give_up = harness_now() + seconds * harness_slowdown();
	while (!done(arg)) {
		if (harness_now() >= give_up)
			return done(arg);
		harness_sleep_us(POLL_US);
	}
	return true;
}

struct count_target {
	atomic_uint *counter;
	unsigned target;
};

static bool count_reached(void *arg)
{
	const struct count_target *t = arg;
	return atomic_load(t->counter) >= t->target;
}

bool harness_wait_count(atomic_uint *counter, unsigned target, double seconds)
{
	struct count_target t = {counter, target};
	return harness_wait_until(count_reached, &t, seconds);
}

/* What a detached thread needs to start: the function, its argument. */
struct detached_start {
	void *(*fn)(void *);
	void *arg;
};

static void *detached_main(void *arg)
{
	struct detached_start start = *(struct detached_start *)arg;
	free(arg);
	harness_adopt_thread();
	return start.fn(start.arg);
}

void harness_start_detached(void *(*fn)(void *), void *arg)
{
	struct detached_start *start = harness_alloc(sizeof *start);
	*start = (struct detached_start){fn, arg};
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int err = pthread_create(&t, &attr, detached_main, start);
	pthread_attr_destroy(&attr);
	HARNESS_REQUIRE(err == 0, "harness: cannot create a thread (error %d)", err);
}

/* The counts of every background call change and are read under this lock,
 * so what a call wrote is ordered before the test's reads once its return
 * was counted, for Helgrind too (which knows no atomics); a polled atomic
 * alone would make every such read a "possible data race" under Helgrind. */
static pthread_mutex_t background_lock = PTHREAD_MUTEX_INITIALIZER;

static void count_one(atomic_uint *counter)
{
	pthread_mutex_lock(&background_lock);
	atomic_fetch_add(counter, 1);
	pthread_mutex_unlock(&background_lock);
}

/* The body of each background thread: the call, then one more return. */
static void *background_main(void *arg)
{
	struct harness_background *b = arg;
	count_one(&b->started);
	b->fn(b->arg);
	/* The last touch of *b: the test may free it once every call returned. */
	count_one(&b->returned);
	return NULL;
}

void harness_background_start(struct harness_background *b, unsigned n, void (*fn)(void *arg),
                              void *arg)
{
	atomic_init(&b->started, 0);
	atomic_init(&b->returned, 0);
	b->fn = fn;
	b->arg = arg;
	for (unsigned i = 0; i < n; i++)
		harness_start_detached(background_main, b);
}

unsigned harness_background_returned(struct harness_background *b)
{
	pthread_mutex_lock(&background_lock);
	unsigned returned = atomic_load(&b->returned);
	pthread_mutex_unlock(&background_lock);
	return returned;
}

struct returned_target {
	struct harness_background *b;
	unsigned returned;
};

static bool enough_returned(void *arg)
{
	const struct returned_target *t = arg;
	return harness_background_returned(t->b) >= t->returned;
}

bool harness_background_wait(struct harness_background *b, unsigned returned, double seconds)
{
	struct returned_target t = {b, returned};
	return harness_wait_until(enough_returned, &t, seconds);
}

bool harness_run_within(void (*fn)(void *arg), void *arg, double seconds)
{
	/* On the heap: a call that never returns keeps it until the process ends. */
	struct harness_background *b = harness_alloc(sizeof *b);
	harness_background_start(b, 1, fn, arg);
	if (!harness_background_wait(b, 1, seconds))
		return false;
	free(b);
	return true;
}

void harness_progress_start(struct harness_progress *p, unsigned long count)
{
	*p = (struct harness_progress){count, harness_now()};
}

double harness_progress_stalled(struct harness_progress *p, unsigned long count)
{
	double now = harness_now();
	if (count != p->count) {
		p->count = count;
		p->moved_at = now;
	}
	return now - p->moved_at;
}

double harness_thread_cpu_time(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

double harness_cpu_time_of(pthread_t thread)
{
	clockid_t clock;
	struct timespec t;
	if (pthread_getcpuclockid(thread, &clock) != 0 || clock_gettime(clock, &t) != 0)
		return -1;
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

double harness_cpu_while_idle(double seconds)
{
	double cpu0 = harness_cpu_time(), mine0 = harness_thread_cpu_time();
	harness_sleep_us((unsigned)(seconds * 1e6));
	double mine = harness_thread_cpu_time() - mine0;
	return harness_cpu_time() - cpu0 - mine;
}

struct harness_timing harness_time(void (*fn)(void *arg), void *arg)
{
	double cpu0 = harness_cpu_time(), wall0 = harness_now();
	fn(arg);
	return (struct harness_timing){harness_now() - wall0, harness_cpu_time() - cpu0};
}

struct harness_timing harness_time_undisturbed(void (*fn)(void *arg), void *arg)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	double cpu0 = harness_thread_cpu_time(), wall0 = harness_now();
	fn(arg);
	struct harness_timing t = {harness_now() - wall0, harness_thread_cpu_time() - cpu0};
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return t;
}

void harness_time_alternated(unsigned rounds, size_t n, const struct harness_contender contenders[],
                             struct harness_timing best[])
{
	for (size_t i = 0; i < n; i++)
		best[i] = (struct harness_timing){-1, -1};
	for (unsigned round = 0; round < rounds; round++)
		for (size_t i = 0; i < n; i++) {
			struct harness_timing t = harness_time(contenders[i].fn, contenders[i].arg);
			if (best[i].wall < 0 || t.wall < best[i].wall)
				best[i] = t;
		}
}

/* Entries of a /proc folder, without "." and ".."; -1 if it cannot be read. */
static int count_entries(const char *folder)
{
	DIR *d = opendir(folder);
	if (!d)
		return -1;
	int n = 0;
	const struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

int harness_open_fds(void)
{
	int n = count_entries("/proc/self/fd");
	return n < 0 ? -1 : n - 1; /* opendir's own descriptor */
}

int harness_thread_count(void)
{
	return count_entries("/proc/self/task");
}

void *harness_alloc(size_t size)
{
	void *p = calloc(1, size);
	if (!p)
		harness_fail_at(__FILE__, __LINE__, "harness: out of memory for %zu bytes", size);
	return p;
}
