/*
 * harness.h -- what every exercise harness shares.
 *
 * An exercise harness is a few C files of Check tests (START_TEST ... END_TEST),
 * split by concern, one of which defines harness_define(), which lists them
 * with HARNESS_ADD.  The
 * common main() (main.c) runs exactly one named test per process, in Check's
 * no-fork mode, because the grader already gives every run its own process,
 * process group and time limit.
 *
 * Verdicts do not travel on stdout, which the student's code can flood or
 * forge: they go to a descriptor of their own, tagged with a key the grader
 * sends on a pipe that is read and closed before the student's code runs,
 * and a run only counts when its "end" record arrives (protocol.h).
 *
 * Rules for test authors:
 *  - ck_assert_* only on the test's own thread (no-fork Check longjmps).
 *    Worker threads report with HARNESS_REQUIRE, which is thread-safe.
 *  - Loop counts go through harness_scaled() so Helgrind runs can shrink them.
 *  - harness_info() adds a line the student sees, pass or fail (measurements).
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Register a START_TEST test with a watchdog limit in seconds (native run;
 * the grader stretches it for sanitizer builds). */
#define HARNESS_ADD(test, seconds) harness_add((test), (seconds))
void harness_add(const TTest *test, double seconds);

/* Defined by each exercise harness: calls HARNESS_ADD for every test. */
void harness_define(void);

/* --- reporting --------------------------------------------------------- */

/* Fails the running test from any thread and ends the process.  Called
 * directly, line 0 means the message names no place in the harness. */
#define HARNESS_REQUIRE(cond, ...)                                                                 \
	do {                                                                                       \
		if (!(cond))                                                                       \
			harness_fail_at(__FILE__, __LINE__, __VA_ARGS__);                          \
	} while (0)
_Noreturn void harness_fail_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "s" unless n is 1: "%u thread%s", n, HARNESS_PLURAL(n). */
#define HARNESS_PLURAL(n) ((n) == 1 ? "" : "s")

/* A line of evidence shown with the verdict (figures measured, context). */
void harness_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Extra lines for the hang report the watchdog writes when a test times out
 * (for example who holds which lock).  Called on the watchdog thread while
 * the test's threads are stuck; it must not take locks they may hold. */
typedef void (*harness_hang_reporter)(void);
void harness_on_hang(harness_hang_reporter reporter);
/* The report of a test that set no reporter: each thread blocked in a
 * pthread_mutex_lock or pthread_cond_wait of the student's code, where it
 * was called and who holds the mutex; or that none is blocked (a loop). */
void harness_report_waits(void);

/* --- stress and timing ------------------------------------------------- */

/* n scaled by the run's scale (1 natively, smaller under Helgrind), at least 1. */
long harness_scaled(long n);

/* How many times slower than natively this run may be (ThreadSanitizer,
 * Valgrind; at least 1): for limits a test sets itself. */
double harness_slowdown(void);

/* The run's seed (from the grader, or chosen from the clock and reported). */
uint64_t harness_seed(void);

/* A per-thread pseudo-random number; each thread's stream comes from the seed. */
uint64_t harness_random(void);

/* Starts n threads running fn(i, arg) that all begin at the same moment,
 * then waits for all of them. */
void harness_run_threads(unsigned n, void (*fn)(unsigned i, void *arg), void *arg);

/* Gives the calling thread its own harness number and random stream.  The
 * threads of harness_run_threads() and the student's threads get one
 * already; a thread a test creates itself with pthread_create calls this
 * first, or it shares the main thread's number, and every such thread
 * draws the same perturbation decisions as the others. */
void harness_adopt_thread(void);

/* Monotonic clock in seconds, and this process's CPU time in seconds. */
double harness_now(void);
double harness_cpu_time(void);

/* Number of CPUs this process may use: those it may run on
 * (sched_getaffinity), lowered to the whole CPUs of its cgroup's CPU quota
 * (Gradescope gives half a CPU).  The first call in a run names a quota in
 * the test's evidence. */
unsigned harness_cpus(void);

/* Says that this machine cannot measure what the test checks (fewer than
 * 2 usable CPUs for a speedup, ...); the test then returns at once, and
 * the grader leaves it out of the score (0 of 0 points) with the reason,
 * instead of failing the student for the machine.  Never for anything the
 * submission could cause. */
void harness_unmeasurable(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A figure students may compete on (a speedup, a throughput), for
 * Gradescope's leaderboard: name as the column reads, e.g. "saturate
 * speedup".  Report it only once the result was checked correct. */
void harness_leaderboard(const char *name, double value, bool higher_is_better);

/* Sleeps the calling thread for the given number of microseconds. */
void harness_sleep_us(unsigned us);

/* The end of a stress loop's time budget, on harness_now()'s clock:
 * `seconds` from now, stretched like the watchdog's limit under the
 * sanitizers and Valgrind (the run's stretch, see protocol.h).  A loop stops at its
 * count or at this deadline, whichever comes first, so a busy machine does
 * less work instead of failing a correct submission; give it a fraction of
 * the test's limit, and report with harness_info how much was done. */
double harness_deadline(double seconds);

/* --- schedule perturbation --------------------------------------------- */

/*
 * The grader renames the student object's calls to pthread mutex, condition
 * variable, thread, fork and (in the ThreadSanitizer build) atomic functions
 * to the harness_wrap_* functions in wrappers.c and tsan_atomics.c (see wrap.syms), so only the
 * student's calls are perturbed.  Rates are per thousand calls.
 */
struct harness_perturbation {
	unsigned yield_rate;       /* sched_yield() before and after the call */
	unsigned sleep_rate;       /* a short sleep instead of the yield */
	unsigned sleep_max_us;     /* longest such sleep */
	unsigned spurious_rate;    /* condition waits that return at once */
	unsigned late_signal_rate; /* timed waits signalled after their deadline
	                              that report ETIMEDOUT, as POSIX says */
};
void harness_perturb(struct harness_perturbation p);
extern const struct harness_perturbation HARNESS_PERTURB_OFF, HARNESS_PERTURB_LIGHT,
    HARNESS_PERTURB_HEAVY;

/* Calls of the student's object, counted by the wrappers since start. */
struct harness_calls {
	unsigned long mutex_lock, mutex_unlock, cond_wait, cond_signal, cond_broadcast;
	unsigned long thread_create, fork, spurious_wakeups;
};
struct harness_calls harness_calls(void);

/* The life of each thread the student's object created since the last
 * harness_thread_spans_reset(), in the order they began: when it began
 * running and when its start function returned (harness_now() clock; end
 * is 0 while it runs), the CPU time it used, and how long it was ready to
 * run but kept waiting for a CPU (Linux schedstat run delay, 0 if unknown).
 * Shows whether threads overlapped, how evenly they shared the work and
 * how much other processes held them back.  Read after joining. */
struct harness_thread_span {
	double start, end, cpu, waited;
};
size_t harness_thread_spans(struct harness_thread_span *out, size_t max);
void harness_thread_spans_reset(void);

/* Makes the student's n-th fork() from now (1-based) fail with errno e;
 * 0 turns it off. */
void harness_fail_fork(unsigned n, int e);

/* Makes the student's n-th pthread_create from now (1-based) fail and
 * return e, creating no thread; 0 turns it off (thread_faults.c). */
void harness_fail_thread_create(unsigned n, int e);

/* Lock state the wrappers track: which thread holds each of the student's
 * mutexes and which mutex each thread waits for, with the student's code
 * address of the call.  Read by hang reporters. */
struct harness_lock_wait {
	unsigned thread;     /* harness thread number, 0 = test's main thread */
	const void *waiting; /* mutex the thread is blocked on, or NULL */
	const void *held[8]; /* mutexes it holds (first 8) */
	const void *where;   /* return address in the student's code of the wait */
};
size_t harness_lock_snapshot(struct harness_lock_wait *out, size_t max);

/* Names a mutex for reports ("account 3"); NULL forgets it. */
void harness_name_lock(const void *mutex, const char *name);
const char *harness_lock_name(const void *mutex);

/* Prints a code address of the student's object as "addr:0x..." so the
 * grader can turn it into file:line with the binary's debug information. */
void harness_describe_address(const void *addr, char *buf, size_t len);

/* --- toolkit (toolkit.c): waiting, background calls, measuring ---------- */

/* Limits below are native seconds, stretched by harness_slowdown(). */

/* Polls done(arg) every millisecond until it is true (returns true) or
 * `seconds` pass (returns done's last answer). */
bool harness_wait_until(bool (*done)(void *arg), void *arg, double seconds);
/* harness_wait_until for "*counter has reached target". */
bool harness_wait_count(atomic_uint *counter, unsigned target, double seconds);

/* Starts fn(arg) on a detached thread with a harness number of its own
 * (harness_adopt_thread); the test may leave it blocked for good. */
void harness_start_detached(void *(*fn)(void *), void *arg);

/* n calls fn(arg), each on a detached thread, counted as they start and
 * return.  *b must live until every call has returned (or the process
 * ends: a call may stay blocked).  Tests see whether the student's calls
 * block (none returned after a pause) and whether they return once
 * released (harness_background_wait).  Read the returns through these
 * functions, not the field: they take the toolkit's lock, so what a call
 * wrote before it returned is ordered before the test's reads, for
 * ThreadSanitizer and for Helgrind (which knows no atomics) alike. */
struct harness_background {
	atomic_uint started, returned;
	void (*fn)(void *arg);
	void *arg;
};
void harness_background_start(struct harness_background *b, unsigned n, void (*fn)(void *arg),
                              void *arg);
unsigned harness_background_returned(struct harness_background *b);
/* Waits until `returned` calls have returned; false when `seconds` pass first. */
bool harness_background_wait(struct harness_background *b, unsigned returned, double seconds);

/* Runs fn(arg) on a thread of its own and waits at most `seconds` for it:
 * true if it returned, false if it is still running (it is left to run). */
bool harness_run_within(void (*fn)(void *arg), void *arg, double seconds);

/* A stall is no progress, not slowness: a count that moves while the
 * student's code works (its calls, the items it moved) and when it last
 * moved.  A loop that must tell a lost wakeup from a slow machine notes
 * the count as it goes and fails once it stood still too long. */
struct harness_progress {
	unsigned long count;
	double moved_at; /* harness_now() */
};
/* Starts watching, the count being `count` now. */
void harness_progress_start(struct harness_progress *p, unsigned long count);
/* Notes the count; returns the seconds since it last moved (0 if it just did). */
double harness_progress_stalled(struct harness_progress *p, unsigned long count);

/* The calling thread's CPU time, and another thread's (-1 if unknown). */
double harness_thread_cpu_time(void);
double harness_cpu_time_of(pthread_t thread);

/* Sleeps `seconds` (native, not stretched) and returns the CPU time the
 * rest of the process used meanwhile: near 0 when the student's threads
 * truly wait, about seconds * busy threads when they spin. */
double harness_cpu_while_idle(double seconds);

/* One timed run: wall time, and the CPU time of the whole process. */
struct harness_timing {
	double wall, cpu;
};
struct harness_timing harness_time(void (*fn)(void *arg), void *arg);
/* fn on the calling thread alone with every signal blocked, its CPU time
 * the thread's own: a serial yardstick that neither other processes' load
 * nor a handler the submission left behind can stretch. */
struct harness_timing harness_time_undisturbed(void (*fn)(void *arg), void *arg);

/* Contenders timed in turn, `rounds` times over, each keeping its best
 * (least wall) run: alternating shares the machine's noise among them, so
 * ratios of the results are fair on a shared machine. */
struct harness_contender {
	void (*fn)(void *arg);
	void *arg;
};
void harness_time_alternated(unsigned rounds, size_t n, const struct harness_contender contenders[],
                             struct harness_timing best[]);

/* calloc that fails the test (the harness, not the student) when memory
 * runs out: the harness's own allocations need no check at each site. */
void *harness_alloc(size_t size);

/* The process's open descriptors and threads now (from /proc/self), or -1. */
int harness_open_fds(void);
int harness_thread_count(void);

#endif
