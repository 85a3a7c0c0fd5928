/*
 * schedmodel.c -- the blocking model of the controlled mode: which
 * controlled thread waits for what, so that the scheduler knows who is
 * enabled, and the deadlock report when nobody is.
 *
 * A controlled thread never blocks in a real pthread call while it holds
 * the token (everything would stop): a lock is a try-lock, and a busy
 * mutex makes the thread wait in the model until the holder unlocks it;
 * condition variables are not used at all, a wait is a state the model
 * leaves on a signal of the same condition.  The real mutex is still
 * taken and released, so the student's code and the harness's checks see
 * ordinary mutexes.  Only waits of controlled threads are modelled: the
 * test's own threads never touch the student's mutexes while they run.
 */
#include "harness.h"
#include "internal.h"
#include "sched_state.h"

#include <errno.h>
#include <stdio.h>

static unsigned owner_of(const void *m)
{
	for (unsigned i = 0; i < SCHED_MAX_MUTEXES; i++)
		if (sched.owned[i].mutex == m)
			return sched.owned[i].owner;
	return SCHED_NONE;
}

static void set_owner(const void *m, unsigned owner)
{
	for (unsigned i = 0; i < SCHED_MAX_MUTEXES; i++)
		if (sched.owned[i].mutex == m) {
			sched.owned[i].owner = owner;
			return;
		}
	for (unsigned i = 0; i < SCHED_MAX_MUTEXES; i++)
		if (sched.owned[i].mutex == NULL) {
			sched.owned[i] = (struct sched_owned){m, owner};
			return;
		}
	sched_go_free("more mutexes than the controlled mode follows");
}

bool sched_enabled(unsigned slot)
{
	const struct sched_thread *t = &sched.t[slot];
	switch (t->state) {
	case SCHED_RUNNABLE:
		return true;
	case SCHED_ON_MUTEX:
		return owner_of(t->on) == SCHED_NONE;
	case SCHED_ON_JOIN:
		return sched.t[t->joined].state == SCHED_FINISHED;
	default:
		return false;
	}
}

/* The calling thread blocks in state `state` (its `on` and the rest set
 * by the caller) until the scheduler gives it the token again; false if
 * control ended meanwhile. */
static bool block(enum sched_state state, const void *where)
{
	struct sched_thread *me = &sched.t[sched_my_slot];
	me->state = state;
	me->where = where;
	sched_decide();
	bool controlled = sched_wait_turn();
	me->state = SCHED_RUNNABLE;
	return controlled;
}

/* Mutex names for the timeline: the harness's name, or none. */
static const char *named(const void *m)
{
	const char *name = harness_lock_name(m);
	return name ? name : "";
}

/* The try-lock loop of a lock, the mutex's holder waited for in the model. */
static int take(pthread_mutex_t *m, const void *where, const char *what)
{
	char text[96];
	for (;;) {
		int r = pthread_mutex_trylock(m);
		pthread_mutex_lock(&sched.lock);
		if (r == 0) {
			set_owner(m, sched_my_slot);
			snprintf(text, sizeof text, "%s%s%s", what, *named(m) ? " " : "", named(m));
			harness_timeline_add(sched_my_slot + 1, where, text, false, 0);
		}
		if (r != EBUSY) {
			pthread_mutex_unlock(&sched.lock);
			return r;
		}
		unsigned holder = owner_of(m);
		if (holder == SCHED_NONE || holder == SCHED_GONE)
			snprintf(text, sizeof text, "%s waits: no running thread holds it", what);
		else
			snprintf(text, sizeof text, "%s waits: T%u holds it", what, holder + 1);
		harness_timeline_add(sched_my_slot + 1, where, text, false, 0);
		sched.t[sched_my_slot].on = m;
		bool controlled = block(SCHED_ON_MUTEX, where);
		pthread_mutex_unlock(&sched.lock);
		if (!controlled)
			return pthread_mutex_lock(m);
	}
}

int harness_sched_lock(pthread_mutex_t *m, const void *where)
{
	return take(m, where, "pthread_mutex_lock");
}

int harness_sched_trylock(pthread_mutex_t *m, const void *where)
{
	int r = pthread_mutex_trylock(m);
	pthread_mutex_lock(&sched.lock);
	if (r == 0)
		set_owner(m, sched_my_slot);
	harness_timeline_add(
	    sched_my_slot + 1, where,
	    r == 0 ? "pthread_mutex_trylock: got it" : "pthread_mutex_trylock: busy", false, 0);
	pthread_mutex_unlock(&sched.lock);
	return r;
}

int harness_sched_unlock(pthread_mutex_t *m, const void *where)
{
	pthread_mutex_lock(&sched.lock);
	if (owner_of(m) == sched_my_slot)
		set_owner(m, SCHED_NONE);
	harness_timeline_add(sched_my_slot + 1, where, "pthread_mutex_unlock", false, 0);
	pthread_mutex_unlock(&sched.lock);
	return pthread_mutex_unlock(m);
}

int harness_sched_cond_wait(pthread_cond_t *c, pthread_mutex_t *m, bool timed, bool *timed_out,
                            const void *where)
{
	pthread_mutex_lock(&sched.lock);
	if (owner_of(m) == sched_my_slot)
		set_owner(m, SCHED_NONE);
	pthread_mutex_unlock(m);
	struct sched_thread *me = &sched.t[sched_my_slot];
	/* One wait in eight wakes without a signal, as POSIX allows. */
	bool spurious = pct_below(8) == 0;
	me->on = spurious ? (const void *)m : c;
	me->mutex = m;
	me->timed = timed;
	me->timed_out = false;
	me->spurious = spurious;
	harness_timeline_add(sched_my_slot + 1, where,
	                     "pthread_cond_wait: releases the mutex and sleeps", false, 0);
	bool controlled = block(spurious ? SCHED_ON_MUTEX : SCHED_ON_COND, where);
	*timed_out = me->timed_out;
	const char *how = me->timed_out  ? "pthread_cond_timedwait: times out"
	                  : me->spurious ? "pthread_cond_wait: wakes up without a signal "
	                                   "(a spurious wakeup)"
	                                 : "pthread_cond_wait: signalled, wakes up";
	pthread_mutex_unlock(&sched.lock);
	if (!controlled)
		return pthread_mutex_lock(m);
	return take(m, where, how);
}

void harness_sched_cond_signal(pthread_cond_t *c, bool all, const void *where)
{
	pthread_mutex_lock(&sched.lock);
	unsigned waiting[SCHED_MAX_THREADS] = {0}, n = 0;
	for (unsigned i = 0; i < sched.count; i++)
		if (sched.t[i].state == SCHED_ON_COND && sched.t[i].on == c)
			waiting[n++] = i;
	/* Which waiter a signal wakes is the scheduler's choice too. */
	unsigned first = n && !all ? pct_below(n) : 0, last = all ? n : first + (n > 0);
	char text[96];
	int len = snprintf(text, sizeof text,
	                   "%s: ", all ? "pthread_cond_broadcast" : "pthread_cond_signal");
	if (n == 0)
		snprintf(text + len, sizeof text - (size_t)len, "no thread waits, nobody wakes");
	for (unsigned k = first; k < last; k++) {
		struct sched_thread *t = &sched.t[waiting[k]];
		t->state = SCHED_ON_MUTEX;
		t->on = t->mutex;
		if (len < (int)sizeof text)
			len += snprintf(text + len, sizeof text - (size_t)len, "%sT%u",
			                k > first ? ", " : "wakes ", waiting[k] + 1);
	}
	harness_timeline_add(sched_my_slot + 1, where, text, false, 0);
	pthread_mutex_unlock(&sched.lock);
}

int harness_sched_join(pthread_t thread, void **result, const void *where)
{
	pthread_mutex_lock(&sched.lock);
	unsigned target = SCHED_NONE;
	for (unsigned i = 0; i < sched.count; i++)
		if (sched.t[i].state != SCHED_ARRIVING && pthread_equal(sched.t[i].os, thread))
			target = i;
	char text[64];
	if (target != SCHED_NONE && sched.t[target].state != SCHED_FINISHED) {
		snprintf(text, sizeof text, "pthread_join: waits for T%u to end", target + 1);
		harness_timeline_add(sched_my_slot + 1, where, text, false, 0);
		sched.t[sched_my_slot].joined = target;
		block(SCHED_ON_JOIN, where);
	}
	pthread_mutex_unlock(&sched.lock);
	return pthread_join(thread, result);
}

/* One info line on what a blocked thread waits for. */
static void describe_wait(unsigned slot)
{
	const struct sched_thread *t = &sched.t[slot];
	char at[48];
	harness_describe_address(t->where, at, sizeof at);
	if (t->state == SCHED_ON_MUTEX) {
		unsigned holder = owner_of(t->on);
		char by[48] = "that no thread of the test holds";
		if (holder == slot)
			snprintf(by, sizeof by, "that it holds ITSELF");
		else if (holder == SCHED_GONE)
			snprintf(by, sizeof by, "held by a thread that has ended");
		else if (holder != SCHED_NONE)
			snprintf(by, sizeof by, "held by T%u", holder + 1);
		harness_info("T%u waits in pthread_mutex_lock at %s for a mutex%s%s %s", slot + 1,
		             at, *named(t->on) ? " of " : "", named(t->on), by);
	} else if (t->state == SCHED_ON_COND) {
		harness_info("T%u waits in pthread_cond_wait at %s, and no thread is left to "
		             "signal it (a lost wakeup?)",
		             slot + 1, at);
	} else if (t->state == SCHED_ON_JOIN) {
		harness_info("T%u waits in pthread_join at %s for T%u", slot + 1, at,
		             t->joined + 1);
	}
}

_Noreturn void sched_deadlock(void)
{
	unsigned blocked = 0;
	for (unsigned i = 0; i < sched.count; i++)
		if (sched.t[i].state != SCHED_FINISHED) {
			describe_wait(i);
			blocked++;
		}
	if (blocked == 1)
		harness_fail_at(
		    __FILE__, 0,
		    "DEADLOCK: in this interleaving a thread of the test can never go on: "
		    "it waits for something no thread that runs will do (below)");
	harness_fail_at(__FILE__, 0,
	                "DEADLOCK: in this interleaving %u threads of the test can never go on, "
	                "each waiting for something no thread that runs will do (who waits for "
	                "what is below)",
	                blocked);
}

void harness_sched_report(void)
{
	if (sched.schedule == SCHED_NONE)
		return;
	char headline[200];
	snprintf(headline, sizeof headline,
	         "the interleaving that failed (schedule %u of this seed, %s, %lu steps); its "
	         "last steps, T1, T2... being the test's threads:",
	         sched.schedule, pct_name(), sched.steps);
	harness_timeline_report(headline);
}
