/*
 * controlled.h -- the controlled scheduling mode, shared by the common harness
 * files (not by exercise harnesses).  harness/README.md "Controlled
 * schedules".
 *
 * While a schedule is armed (harness_sched_begin), the threads started by
 * harness_run_threads() and every thread those create through the
 * student's pthread_create are "controlled": exactly one of them runs at a
 * time, the one holding the token.  Each wrapped call of the student's code
 * is a scheduling point where the token holder asks the scheduler which
 * controlled thread runs the next step; the answer comes from the seed and
 * the schedule number only (pct.c), so a schedule replays exactly.
 *
 * Blocking calls are modelled, never made for real while the token is
 * held: a thread waiting for a mutex, a condition or a join is not enabled
 * until another step makes it so.  When no controlled thread is enabled
 * and one still lives, that is a deadlock, reported with its steps.
 *
 * A thread that holds the token for SCHED_SPIN_S without reaching a
 * scheduling point (it spins on a plain variable, or sleeps) ends the
 * control: the rest of the schedule runs freely, and the run says so.
 */
#ifndef HARNESS_CONTROLLED_H
#define HARNESS_CONTROLLED_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define SCHED_NONE 0xFFFFFFFFu

/* --- the run of one schedule (scheduler.c) ---------------------------- */

/* Arms schedule number `schedule` of the run's seed; the threads started
 * from now on are controlled, until harness_sched_end. */
void harness_sched_begin(unsigned schedule);
/* Disarms it once every controlled thread has ended; how many steps it
 * took, and whether it fell back to free running (why in *why). */
unsigned long harness_sched_end(bool *fell_back, const char **why);
/* Whether this run explores controlled schedules at all: set once, before
 * any thread starts (controlled.c), so that the plain accesses' wrappers
 * can test it without synchronising. */
extern bool harness_sched_configured;
/* Whether a schedule is armed and the calling thread is controlled. */
bool harness_sched_active(void);
/* The calling thread's timeline name (1-based), or 0 if not controlled. */
unsigned harness_sched_thread(void);

/* --- threads ----------------------------------------------------------- */

/* A creator announces n new threads; the first one's slot, or SCHED_NONE
 * when they are not to be controlled.  No step is taken until each has
 * arrived, so when they start does not change the schedule. */
unsigned harness_sched_expect(unsigned n);
/* The new thread's first act: it joins and waits for its first turn. */
void harness_sched_arrive(unsigned slot);
/* Its last act (also as a cleanup handler, for pthread_exit). */
void harness_sched_exit(void *unused);
/* The announced thread at slot will not come (its creation failed). */
void harness_sched_cancel(unsigned slot);

/* --- steps (the wrappers) ----------------------------------------------- */

/* A scheduling point before one step of the calling controlled thread: on
 * return it holds the token and takes the step. */
void harness_sched_point(void);

/* The blocking model (schedmodel.c), for the calling controlled thread,
 * after its scheduling point.  Each returns what the pthread call would;
 * if control ends while the thread is blocked, it makes the real call. */
int harness_sched_lock(pthread_mutex_t *m, const void *where);
int harness_sched_trylock(pthread_mutex_t *m, const void *where);
int harness_sched_unlock(pthread_mutex_t *m, const void *where);
/* A condition wait, m held: releases m, blocks until signalled (or woken
 * spuriously, which POSIX allows of any wait, or timed out when `timed`
 * and nothing else can run), takes m back.  *timed_out says whether it
 * timed out; the caller then lets the deadline pass for real. */
int harness_sched_cond_wait(pthread_cond_t *c, pthread_mutex_t *m, bool timed, bool *timed_out,
                            const void *where);
/* Wakes one (all: every) controlled waiter of c. */
void harness_sched_cond_signal(pthread_cond_t *c, bool all, const void *where);
/* Waits until thread t has ended, if it is a controlled thread, then joins. */
int harness_sched_join(pthread_t t, void **result, const void *where);
/* The failing schedule's timeline and how to replay it, as info records;
 * nothing if no schedule ran. */
void harness_sched_report(void);

/* --- strategy (pct.c) ----------------------------------------------------- */

/* PCT (Burckhardt et al., ASPLOS 2010) or a random walk, chosen by the
 * schedule number; steps_hint is the most steps an earlier schedule took. */
void pct_begin(uint64_t seed, unsigned schedule, unsigned long steps_hint);
/* A new thread's priority. */
long pct_new_priority(void);
/* A number from the schedule's stream, below n (n > 0). */
unsigned pct_below(unsigned n);
/* Before step `step`: the running thread's priority, lowered if the step
 * is a change point. */
long pct_at_step(unsigned long step, long priority);
/* Whether the strategy picks by priority (PCT) or at random. */
bool pct_by_priority(void);
/* A priority below every other, for a thread that ran too long alone. */
long pct_demoted(void);
/* The strategy's name for reports. */
const char *pct_name(void);

/* --- timeline (timeline.c) ------------------------------------------------ */

/* Appends a step of thread `thread`: the student's code at `where` did
 * `what`, with a value if has_value. */
void harness_timeline_add(unsigned thread, const void *where, const char *what, bool has_value,
                          long long value);
/* The last step accessed size bytes at addr.  A write's value, if the step
 * has none, is read at the next step (a plain store happens after the
 * point). */
void harness_timeline_access(const volatile void *addr, unsigned size, bool write);
/* The value at addr, of a plain access of size bytes (1, 2, 4 or 8). */
long long harness_timeline_read(const volatile void *addr, unsigned size);
void harness_timeline_clear(void);
/* Writes the last steps as info records, headed by `headline`. */
void harness_timeline_report(const char *headline);

#endif
