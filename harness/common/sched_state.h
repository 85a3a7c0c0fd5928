/*
 * sched_state.h -- the controlled scheduler's state, shared by
 * scheduler.c (the token and the decisions) and schedmodel.c (the
 * blocking model).  Everything in it is read and written under sched.lock,
 * except the two atomic flags, which the wrappers read without it.
 */
#ifndef HARNESS_SCHED_STATE_H
#define HARNESS_SCHED_STATE_H

#include "controlled.h"

#include <stdatomic.h>

enum {
	SCHED_MAX_THREADS = 32,
	SCHED_MAX_MUTEXES = 128,
	SCHED_FAIR_RUN = 64,      /* steps alone before a thread is demoted */
	SCHED_MAX_STEPS = 100000, /* steps of one schedule followed */
};
#define SCHED_GONE   SCHED_MAX_THREADS /* owner: a thread of an earlier phase */
#define SCHED_SPIN_S 0.25              /* native seconds a token may be held without a step */

enum sched_state {
	SCHED_ARRIVING, /* announced, not started yet */
	SCHED_RUNNABLE,
	SCHED_ON_MUTEX, /* enabled when `on` is free */
	SCHED_ON_COND,  /* enabled by a signal on `on` (or a timeout) */
	SCHED_ON_JOIN,  /* enabled when thread `joined` has ended */
	SCHED_FINISHED,
};

struct sched_thread {
	enum sched_state state;
	const void *on;
	pthread_mutex_t *mutex; /* ON_COND: the mutex it takes back */
	unsigned joined;
	bool timed, timed_out, spurious;
	const void *where; /* the student's call it blocks in */
	pthread_t os;
	long priority;
};

struct sched_owned {
	const void *mutex;
	unsigned owner;
};

struct sched {
	pthread_mutex_t lock;
	pthread_cond_t changed; /* the token moved, or a thread arrived */
	atomic_bool armed, free_running;
	const char *why_free;
	unsigned schedule, count, current, run_length;
	unsigned long steps, most_steps;
	double last_step_at;
	struct sched_thread t[SCHED_MAX_THREADS];
	struct sched_owned owned[SCHED_MAX_MUTEXES];
};

extern struct sched sched;
extern _Thread_local unsigned sched_my_slot;

/* scheduler.c */
void sched_decide(void);
bool sched_wait_turn(void);
void sched_go_free(const char *why);
/* schedmodel.c */
bool sched_enabled(unsigned slot);
_Noreturn void sched_deadlock(void);

#endif
