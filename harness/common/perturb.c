/*
 * perturb.c -- the wrappers the student's object calls instead of pthreads.
 *
 * The grader rewrites the student object's references with
 * `objcopy --redefine-syms=wrap.syms`, so pthread_mutex_lock in the student's
 * code becomes harness_wrap_mutex_lock here, while the harness and libcheck
 * keep calling the real functions.  The wrappers
 *   - perturb the schedule: seeded yields and short sleeps around the call,
 *     so rare interleavings become common;
 *   - inject spurious wakeups into condition waits, as POSIX allows;
 *   - count calls and track who holds and waits for which mutex, for the
 *     hang report and for checks on how the student's code behaves;
 *   - can make a chosen fork() fail.
 * In the ThreadSanitizer build the compiler turns every atomic operation into
 * a __tsan_atomic* call; those are wrapped too, which is the only way to
 * widen the window of a load-then-store bug on atomics.
 */
#include "harness.h"
#include "internal.h"
#include "protocol.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const struct harness_perturbation HARNESS_PERTURB_OFF = {0, 0, 0, 0, 0};
const struct harness_perturbation HARNESS_PERTURB_LIGHT = {50, 5, 50, 100, 1000};
const struct harness_perturbation HARNESS_PERTURB_HEAVY = {250, 20, 200, 300, 1000};

static struct harness_perturbation perturbation;

static struct {
	atomic_ulong mutex_lock, mutex_unlock, cond_wait, cond_signal, cond_broadcast;
	atomic_ulong thread_create, fork, spurious_wakeups;
} calls;

static atomic_uint fork_fail_countdown;
static int fork_fail_errno;

void harness_perturb(struct harness_perturbation p)
{
	perturbation = p;
}

void harness_perturb_init(void)
{
	(void)harness_seed();
	perturbation = HARNESS_PERTURB_LIGHT;
}

struct harness_calls harness_calls(void)
{
	return (struct harness_calls){
	    atomic_load(&calls.mutex_lock),     atomic_load(&calls.mutex_unlock),
	    atomic_load(&calls.cond_wait),      atomic_load(&calls.cond_signal),
	    atomic_load(&calls.cond_broadcast), atomic_load(&calls.thread_create),
	    atomic_load(&calls.fork),           atomic_load(&calls.spurious_wakeups),
	};
}

static bool chance(unsigned per_mille)
{
	return per_mille && harness_random() % 1000 < per_mille;
}

/* --- CPU contention ------------------------------------------------------ */

/*
 * When other processes keep this process's CPUs busy, an injected
 * sched_yield() hands a whole time slice (milliseconds) to them, and a short
 * sleep wakes late: a stress test then crawls, and its time limit blames the
 * student for a busy machine.  So the load of others is sampled from
 * /proc/stat at most every CONTENTION_WINDOW_S (busy time of the CPUs this
 * process may run on, minus this process's own CPU time), and while they
 * hold more than CONTENDED_SHARE of those CPUs, a yield does nothing and a
 * sleep becomes a spin of a tenth of its length (CPU time is what a busy
 * machine lacks): the scheduler, preempting the test's threads at every
 * turn, then does most of the perturbing.  The random draws are the same
 * either way, so each thread's stream of decisions does not change.
 */
#define CONTENTION_WINDOW_S 0.1
#define CONTENDED_SHARE     0.25
#define CONTENDED_SLEEP_DIV 10

/* Shared by every thread, and only ever accessed relaxed: an acquire or a
 * release here would order the student's threads for ThreadSanitizer and
 * hide their races.  The thread whose compare-and-swap moves sampled_at_us
 * takes the sample; Helgrind, which does not know atomics, is told to
 * ignore these (helgrind.supp). */
static atomic_bool contended;
static atomic_llong sampled_at_us, others_busy_us;

/* Reads an unsigned number at *p and moves past it and the blanks after. */
static unsigned long long read_number(const char **p, const char *end)
{
	unsigned long long n = 0;
	while (*p < end && **p >= '0' && **p <= '9')
		n = n * 10 + (unsigned long long)(*(*p)++ - '0');
	while (*p < end && **p == ' ')
		(*p)++;
	return n;
}

/* Seconds the CPUs in `set` spent busy since boot, from the "cpuN" lines of
 * /proc/stat (user nice system idle iowait irq softirq steal ...).  Only
 * async-signal-safe calls: the student's atomics, which reach perturb()
 * under ThreadSanitizer, may run in a signal handler. */
static double cpus_busy(const cpu_set_t *set)
{
	static const int busy_fields = 0xE7; /* all of the first 8 but idle, iowait */
	char text[16384];
	int fd = open("/proc/stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, text, sizeof text);
	close(fd);
	if (n <= 0)
		return -1;
	unsigned long long ticks = 0;
	for (const char *p = text, *end = text + n; p < end;) {
		const char *line_end = memchr(p, '\n', (size_t)(end - p));
		if (!line_end)
			break;
		if (line_end - p > 4 && strncmp(p, "cpu", 3) == 0 && p[3] >= '0' && p[3] <= '9') {
			p += 3;
			unsigned long long cpu = read_number(&p, line_end);
			for (int field = 0; field < 8 && p < line_end; field++) {
				unsigned long long v = read_number(&p, line_end);
				if (cpu < CPU_SETSIZE && CPU_ISSET(cpu, set) &&
				    (busy_fields >> field & 1))
					ticks += v;
			}
		}
		p = line_end + 1;
	}
	return (double)ticks / (double)sysconf(_SC_CLK_TCK);
}

/* Whether other processes hold this process's CPUs; re-judged once a
 * window has passed, by the one thread that claims the sample. */
static bool cpus_contended(void)
{
	long long now = (long long)(harness_now() * 1e6);
	long long last = atomic_load_explicit(&sampled_at_us, memory_order_relaxed);
	cpu_set_t set;
	if (now - last < (long long)(CONTENTION_WINDOW_S * 1e6) ||
	    !atomic_compare_exchange_strong_explicit(&sampled_at_us, &last, now,
	                                             memory_order_relaxed, memory_order_relaxed) ||
	    sched_getaffinity(0, sizeof set, &set) != 0)
		return atomic_load_explicit(&contended, memory_order_relaxed);
	long long others = (long long)((cpus_busy(&set) - harness_cpu_time()) * 1e6);
	long long before = atomic_exchange_explicit(&others_busy_us, others, memory_order_relaxed);
	bool busy =
	    (double)(others - before) / (double)((now - last) * CPU_COUNT(&set)) > CONTENDED_SHARE;
	if (last > 0)
		atomic_store_explicit(&contended, busy, memory_order_relaxed);
	return busy && last > 0;
}

/* Holds the CPU for `us` microseconds. */
static void spin_us(unsigned us)
{
	double until = harness_now() + us / 1e6;
	while (harness_now() < until)
		;
}

/* sched_yield(), unless others hold the CPUs. */
static void yield_briefly(void)
{
	if (!cpus_contended())
		sched_yield();
}

/* A perturbation point: maybe yield, rarely sleep (or spin) a little. */
static void perturb(void)
{
	struct harness_perturbation p = perturbation;
	if (chance(p.sleep_rate)) {
		unsigned us = 1 + (unsigned)(harness_random() % (p.sleep_max_us + 1));
		if (cpus_contended())
			spin_us(us / CONTENDED_SLEEP_DIV);
		else
			harness_sleep_us(us);
	} else if (chance(p.yield_rate)) {
		yield_briefly();
	}
}

/* --- lock tracking ------------------------------------------------------ */

#define TRACKED_THREADS 512
#define HELD_SLOTS      8

struct thread_locks {
	_Atomic(const void *) waiting;
	_Atomic(const void *) cond; /* condition variable waited on, or NULL */
	_Atomic(const void *) where;
	_Atomic(const void *) held[HELD_SLOTS];
	atomic_bool used;
};

static struct thread_locks lock_table[TRACKED_THREADS];

static struct thread_locks *my_locks(void)
{
	unsigned n = harness_thread_number();
	struct thread_locks *t = &lock_table[n % TRACKED_THREADS];
	atomic_store(&t->used, true);
	return t;
}

static void note_held(struct thread_locks *t, const void *m, bool held)
{
	for (int i = 0; i < HELD_SLOTS; i++) {
		const void *expected = held ? NULL : m;
		if (atomic_compare_exchange_strong(&t->held[i], &expected, held ? m : NULL))
			return;
	}
}

size_t harness_lock_snapshot(struct harness_lock_wait *out, size_t max)
{
	size_t n = 0;
	for (unsigned i = 0; i < TRACKED_THREADS && n < max; i++) {
		struct thread_locks *t = &lock_table[i];
		if (!atomic_load(&t->used))
			continue;
		out[n] = (struct harness_lock_wait){.thread = i};
		out[n].waiting = atomic_load(&t->waiting);
		out[n].where = atomic_load(&t->where);
		for (int h = 0; h < HELD_SLOTS; h++)
			out[n].held[h] = atomic_load(&t->held[h]);
		n++;
	}
	return n;
}

/* Index in lock_table of the thread holding mutex, or -1. */
static int holder_of(const void *mutex)
{
	for (int i = 0; i < TRACKED_THREADS; i++)
		for (int h = 0; h < HELD_SLOTS; h++)
			if (atomic_load(&lock_table[i].held[h]) == mutex)
				return i;
	return -1;
}

/* One line of the hang report for a blocked thread. */
static void report_wait(unsigned thread, const void *mutex, const void *where)
{
	char at[48], by[64] = "that no thread of your code holds (never unlocked?)";
	harness_describe_address(where, at, sizeof at);
	if (!mutex) {
		harness_info("thread %u waits in pthread_cond_wait called at %s: nothing "
		             "signalled the condition after it changed (a lost wakeup?)",
		             thread, at);
		return;
	}
	int holder = holder_of(mutex);
	if (holder == (int)thread)
		snprintf(by, sizeof by, "that it holds itself: it locked it twice");
	else if (holder >= 0)
		snprintf(by, sizeof by, "held by thread %d", holder);
	harness_info("thread %u waits in pthread_mutex_lock called at %s for a mutex %s", thread,
	             at, by);
}

void harness_report_waits(void)
{
	enum { SHOWN = 8 };
	unsigned blocked = 0;
	for (unsigned i = 0; i < TRACKED_THREADS; i++) {
		struct thread_locks *t = &lock_table[i];
		const void *mutex = atomic_load(&t->waiting), *cond = atomic_load(&t->cond);
		if (!atomic_load(&t->used) || (!mutex && !cond))
			continue;
		if (blocked++ < SHOWN)
			report_wait(i, mutex, atomic_load(&t->where));
	}
	if (blocked > SHOWN)
		harness_info("... and %u more threads blocked the same way", blocked - SHOWN);
	if (blocked == 0)
		harness_info(
		    "no thread is blocked in a lock or condition wait of your code: one is "
		    "probably looping, such as a retry loop whose condition never changes");
}

#define NAMED_LOCKS 256
static struct {
	const void *mutex;
	char name[48];
} lock_names[NAMED_LOCKS];
static pthread_mutex_t lock_names_lock = PTHREAD_MUTEX_INITIALIZER;

void harness_name_lock(const void *mutex, const char *name)
{
	pthread_mutex_lock(&lock_names_lock);
	int free_slot = -1;
	for (int i = 0; i < NAMED_LOCKS; i++) {
		if (lock_names[i].mutex == mutex) {
			free_slot = i;
			break;
		}
		if (free_slot < 0 && lock_names[i].mutex == NULL)
			free_slot = i;
	}
	if (free_slot >= 0) {
		lock_names[free_slot].mutex = name ? mutex : NULL;
		snprintf(lock_names[free_slot].name, sizeof lock_names[free_slot].name, "%s",
		         name ? name : "");
	}
	pthread_mutex_unlock(&lock_names_lock);
}

/* Lock-free read: used from the watchdog while test threads may be stuck. */
const char *harness_lock_name(const void *mutex)
{
	for (int i = 0; i < NAMED_LOCKS; i++)
		if (mutex && lock_names[i].mutex == mutex)
			return lock_names[i].name;
	return NULL;
}

void harness_describe_address(const void *addr, char *buf, size_t len)
{
	extern const char __executable_start[];
	snprintf(buf, len, PROTOCOL_ADDRESS_MARK "%lx",
	         (unsigned long)((const char *)addr - __executable_start));
}

/* --- mutexes and condition variables ------------------------------------ */

int harness_wrap_mutex_lock(pthread_mutex_t *m);
int harness_wrap_mutex_trylock(pthread_mutex_t *m);
int harness_wrap_mutex_unlock(pthread_mutex_t *m);
int harness_wrap_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
int harness_wrap_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *t);
int harness_wrap_cond_signal(pthread_cond_t *c);
int harness_wrap_cond_broadcast(pthread_cond_t *c);
int harness_wrap_thread_create(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *),
                               void *arg);
pid_t harness_wrap_fork(void);

int harness_wrap_mutex_lock(pthread_mutex_t *m)
{
	struct thread_locks *t = my_locks();
	atomic_fetch_add(&calls.mutex_lock, 1);
	perturb();
	atomic_store(&t->where, __builtin_return_address(0));
	atomic_store(&t->waiting, m);
	int r = pthread_mutex_lock(m);
	atomic_store(&t->waiting, NULL);
	if (r == 0)
		note_held(t, m, true);
	perturb();
	return r;
}

int harness_wrap_mutex_trylock(pthread_mutex_t *m)
{
	perturb();
	int r = pthread_mutex_trylock(m);
	if (r == 0) {
		atomic_fetch_add(&calls.mutex_lock, 1);
		note_held(my_locks(), m, true);
	}
	return r;
}

int harness_wrap_mutex_unlock(pthread_mutex_t *m)
{
	atomic_fetch_add(&calls.mutex_unlock, 1);
	note_held(my_locks(), m, false);
	int r = pthread_mutex_unlock(m);
	perturb();
	return r;
}

/* A spurious wakeup as POSIX permits it: the mutex is released and retaken,
 * and the wait returns 0 without any signal. */
static bool spurious_wakeup(pthread_mutex_t *m)
{
	if (!chance(perturbation.spurious_rate))
		return false;
	atomic_fetch_add(&calls.spurious_wakeups, 1);
	struct thread_locks *t = my_locks();
	note_held(t, m, false);
	pthread_mutex_unlock(m);
	yield_briefly();
	pthread_mutex_lock(m);
	note_held(t, m, true);
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
	if (spurious_wakeup(m))
		return 0;
	struct thread_locks *t = my_locks();
	note_held(t, m, false);
	atomic_store(&t->where, caller);
	atomic_store(&t->cond, c);
	int r = ts ? pthread_cond_timedwait(c, m, ts) : pthread_cond_wait(c, m);
	if (r == 0 && ts && deadline_passed(ts) && chance(perturbation.late_signal_rate))
		r = ETIMEDOUT;
	atomic_store(&t->cond, NULL);
	note_held(t, m, true);
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
	perturb();
	return pthread_cond_signal(c);
}

int harness_wrap_cond_broadcast(pthread_cond_t *c)
{
	atomic_fetch_add(&calls.cond_broadcast, 1);
	perturb();
	return pthread_cond_broadcast(c);
}

/* --- threads and processes ---------------------------------------------- */

struct student_thread {
	void *(*fn)(void *);
	void *arg;
	unsigned number; /* harness thread number, in creation order */
};

#define TRACKED_SPANS 1024
static struct harness_thread_span spans[TRACKED_SPANS];
static atomic_uint span_count;

void harness_thread_spans_reset(void)
{
	memset(spans, 0, sizeof spans);
	atomic_store(&span_count, 0);
}

size_t harness_thread_spans(struct harness_thread_span *out, size_t max)
{
	size_t n = atomic_load(&span_count);
	if (n > TRACKED_SPANS)
		n = TRACKED_SPANS;
	if (n > max)
		n = max;
	memcpy(out, spans, n * sizeof *out);
	return n;
}

static double thread_cpu_time(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Seconds the calling thread spent runnable but waiting for a CPU (the
 * second field of /proc/thread-self/schedstat), or 0 where unavailable. */
static double thread_run_delay(void)
{
	int fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	char text[96];
	ssize_t n = read(fd, text, sizeof text - 1);
	close(fd);
	unsigned long long on_cpu, waiting;
	if (n <= 0)
		return 0;
	text[n] = 0;
	if (sscanf(text, "%llu %llu", &on_cpu, &waiting) != 2)
		return 0;
	return (double)waiting / 1e9;
}

/* Runs on pthread_exit as well as on return. */
static void end_span(void *p)
{
	struct harness_thread_span *span = p;
	if (!span)
		return;
	span->cpu = thread_cpu_time();
	span->waited = thread_run_delay() - span->waited;
	span->end = harness_now();
}

static void *student_thread_main(void *p)
{
	struct student_thread s = *(struct student_thread *)p;
	free(p);
	harness_take_thread_number(s.number);
	unsigned n = atomic_fetch_add(&span_count, 1);
	struct harness_thread_span *span = n < TRACKED_SPANS ? &spans[n] : NULL;
	if (span) {
		span->waited = thread_run_delay();
		span->start = harness_now();
	}
	void *result;
	pthread_cleanup_push(end_span, span);
	result = s.fn(s.arg);
	pthread_cleanup_pop(1);
	return result;
}

int harness_wrap_thread_create(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *),
                               void *arg)
{
	atomic_fetch_add(&calls.thread_create, 1);
	struct student_thread *s = malloc(sizeof *s);
	if (!s)
		return EAGAIN;
	*s = (struct student_thread){fn, arg, harness_reserve_thread_numbers(1)};
	int r = pthread_create(t, a, student_thread_main, s);
	if (r != 0)
		free(s);
	perturb();
	return r;
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

/* --- atomics (ThreadSanitizer build only) ------------------------------- */

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#include <sanitizer/tsan_interface_atomic.h>

#define WRAP_LOAD(bits)                                                                            \
	__tsan_atomic##bits harness_wrap_atomic##bits##_load(                                      \
	    const volatile __tsan_atomic##bits *a, __tsan_memory_order mo);                        \
	__tsan_atomic##bits harness_wrap_atomic##bits##_load(                                      \
	    const volatile __tsan_atomic##bits *a, __tsan_memory_order mo)                         \
	{                                                                                          \
		perturb();                                                                         \
		return __tsan_atomic##bits##_load(a, mo);                                          \
	}
#define WRAP_STORE(bits)                                                                           \
	void harness_wrap_atomic##bits##_store(volatile __tsan_atomic##bits *a,                    \
	                                       __tsan_atomic##bits v, __tsan_memory_order mo);     \
	void harness_wrap_atomic##bits##_store(volatile __tsan_atomic##bits *a,                    \
	                                       __tsan_atomic##bits v, __tsan_memory_order mo)      \
	{                                                                                          \
		perturb();                                                                         \
		__tsan_atomic##bits##_store(a, v, mo);                                             \
	}
#define WRAP_RMW(bits, op)                                                                         \
	__tsan_atomic##bits harness_wrap_atomic##bits##_##op(                                      \
	    volatile __tsan_atomic##bits *a, __tsan_atomic##bits v, __tsan_memory_order mo);       \
	__tsan_atomic##bits harness_wrap_atomic##bits##_##op(                                      \
	    volatile __tsan_atomic##bits *a, __tsan_atomic##bits v, __tsan_memory_order mo)        \
	{                                                                                          \
		perturb();                                                                         \
		return __tsan_atomic##bits##_##op(a, v, mo);                                       \
	}
#define WRAP_CAS(bits, kind)                                                                       \
	int harness_wrap_atomic##bits##_compare_exchange_##kind(                                   \
	    volatile __tsan_atomic##bits *a, __tsan_atomic##bits *c, __tsan_atomic##bits v,        \
	    __tsan_memory_order mo, __tsan_memory_order fail_mo);                                  \
	int harness_wrap_atomic##bits##_compare_exchange_##kind(                                   \
	    volatile __tsan_atomic##bits *a, __tsan_atomic##bits *c, __tsan_atomic##bits v,        \
	    __tsan_memory_order mo, __tsan_memory_order fail_mo)                                   \
	{                                                                                          \
		perturb();                                                                         \
		return __tsan_atomic##bits##_compare_exchange_##kind(a, c, v, mo, fail_mo);        \
	}
#define WRAP_ALL(bits)                                                                             \
	WRAP_LOAD(bits)                                                                            \
	WRAP_STORE(bits)                                                                           \
	WRAP_RMW(bits, exchange)                                                                   \
	WRAP_RMW(bits, fetch_add)                                                                  \
	WRAP_RMW(bits, fetch_sub)                                                                  \
	WRAP_CAS(bits, weak)                                                                       \
	WRAP_CAS(bits, strong)

WRAP_ALL(32)
WRAP_ALL(64)
#endif
#endif
