/*
 * scheduler.c -- the token that lets one controlled thread run at a time,
 * and the decisions of who runs next (controlled.h has the model).
 *
 * Invariants, under sched.lock:
 *  - current is the slot of the one controlled thread allowed to run (the
 *    token holder), or SCHED_NONE while none is (before the first step,
 *    after the last, during free running);
 *  - a decision is taken only when no announced thread is still ARRIVING,
 *    so the set of threads a decision sees never depends on timing;
 *  - every decision draws only from pct.c's stream, which is seeded by
 *    (seed, schedule): the schedule replays exactly.
 * The blocking model (which thread waits for what) is in schedmodel.c.
 */
#include "harness.h"
#include "internal.h"
#include "sched_state.h"

#include <errno.h>
#include <stdatomic.h>

struct sched sched = {.lock = PTHREAD_MUTEX_INITIALIZER,
                      .changed = PTHREAD_COND_INITIALIZER,
                      .schedule = SCHED_NONE,
                      .current = SCHED_NONE};
_Thread_local unsigned sched_my_slot = SCHED_NONE;
bool harness_sched_configured;

bool harness_sched_active(void)
{
	return sched_my_slot != SCHED_NONE && atomic_load(&sched.armed) &&
	       !atomic_load(&sched.free_running);
}

unsigned harness_sched_thread(void)
{
	return sched_my_slot == SCHED_NONE ? 0 : sched_my_slot + 1;
}

void harness_sched_begin(unsigned schedule)
{
	pthread_mutex_lock(&sched.lock);
	for (unsigned i = 0; i < SCHED_MAX_THREADS; i++)
		sched.t[i] = (struct sched_thread){0};
	for (unsigned i = 0; i < SCHED_MAX_MUTEXES; i++)
		sched.owned[i] = (struct sched_owned){NULL, SCHED_NONE};
	sched.schedule = schedule;
	sched.count = 0;
	sched.current = SCHED_NONE;
	sched.steps = 0;
	sched.run_length = 0;
	sched.why_free = NULL;
	pct_begin(harness_seed(), schedule, sched.most_steps);
	harness_timeline_clear();
	atomic_store(&sched.free_running, false);
	atomic_store(&sched.armed, true);
	pthread_mutex_unlock(&sched.lock);
}

unsigned long harness_sched_end(bool *fell_back, const char **why)
{
	pthread_mutex_lock(&sched.lock);
	atomic_store(&sched.armed, false);
	unsigned long steps = sched.steps;
	if (steps > sched.most_steps)
		sched.most_steps = steps;
	*fell_back = atomic_load(&sched.free_running);
	*why = sched.why_free;
	pthread_mutex_unlock(&sched.lock);
	return steps;
}

/* Ends control for the rest of the schedule: every waiting thread goes on
 * by itself, and a blocked one makes its real call. */
void sched_go_free(const char *why)
{
	if (!atomic_load(&sched.free_running))
		sched.why_free = why;
	atomic_store(&sched.free_running, true);
	sched.current = SCHED_NONE;
	pthread_cond_broadcast(&sched.changed);
}

static bool arriving(void)
{
	for (unsigned i = 0; i < sched.count; i++)
		if (sched.t[i].state == SCHED_ARRIVING)
			return true;
	return false;
}

/* The enabled thread the strategy picks, or SCHED_NONE. */
static unsigned pick(void)
{
	unsigned enabled[SCHED_MAX_THREADS], n = 0;
	for (unsigned i = 0; i < sched.count; i++)
		if (sched_enabled(i))
			enabled[n++] = i;
	if (n == 0)
		return SCHED_NONE;
	if (!pct_by_priority())
		return enabled[pct_below(n)];
	unsigned best = enabled[0];
	for (unsigned i = 1; i < n; i++)
		if (sched.t[enabled[i]].priority > sched.t[best].priority)
			best = enabled[i];
	return best;
}

/* How many threads are enabled (for fairness: demote only with others). */
static unsigned enabled_count(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < sched.count; i++)
		n += sched_enabled(i);
	return n;
}

/* No thread is enabled: a timed wait may time out (time passes while
 * everyone waits, the one case where a timeout needs no clock), else
 * every thread has ended, else it is a deadlock. */
static unsigned nothing_enabled(void)
{
	for (unsigned i = 0; i < sched.count; i++) {
		struct sched_thread *t = &sched.t[i];
		if (t->state == SCHED_ON_COND && t->timed) {
			t->timed_out = true;
			t->state = SCHED_ON_MUTEX;
			t->on = t->mutex;
			unsigned next = pick();
			if (next != SCHED_NONE)
				return next;
		}
	}
	for (unsigned i = 0; i < sched.count; i++)
		if (sched.t[i].state != SCHED_FINISHED)
			sched_deadlock(); /* does not return */
	return SCHED_NONE;
}

void sched_decide(void)
{
	while (arriving() && !atomic_load(&sched.free_running))
		pthread_cond_wait(&sched.changed, &sched.lock);
	if (atomic_load(&sched.free_running))
		return;
	if (++sched.steps > SCHED_MAX_STEPS) {
		sched_go_free("the schedule took more steps than the controlled mode follows");
		return;
	}
	unsigned previous = sched.current;
	if (previous != SCHED_NONE)
		sched.t[previous].priority = pct_at_step(sched.steps, sched.t[previous].priority);
	unsigned next = pick();
	if (next != SCHED_NONE && next == previous && ++sched.run_length > SCHED_FAIR_RUN &&
	    enabled_count() > 1) {
		/* A thread retrying alone (a try-lock loop) would starve the
		 * one it waits for: it drops below every other. */
		sched.t[previous].priority = pct_demoted();
		sched.run_length = 0;
		next = pick();
	}
	if (next != previous)
		sched.run_length = 0;
	if (next == SCHED_NONE)
		next = nothing_enabled();
	sched.current = next;
	sched.last_step_at = harness_now();
	pthread_cond_broadcast(&sched.changed);
}

/* Waits for the calling thread's turn; false if control ended meanwhile.
 * A token held past the spin limit without a step ends control. */
bool sched_wait_turn(void)
{
	double limit = SCHED_SPIN_S * harness_slowdown();
	while (atomic_load(&sched.armed) && !atomic_load(&sched.free_running) &&
	       sched.current != sched_my_slot) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 50L * 1000 * 1000;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		int r = pthread_cond_timedwait(&sched.changed, &sched.lock, &until);
		if (r == ETIMEDOUT && sched.current != SCHED_NONE &&
		    harness_now() - sched.last_step_at > limit)
			sched_go_free("a thread ran without calling any pthread or atomic "
			              "function of your code for too long (spinning on a plain "
			              "variable, or sleeping)");
	}
	return atomic_load(&sched.armed) && !atomic_load(&sched.free_running);
}

void harness_sched_point(void)
{
	if (!harness_sched_active())
		return;
	pthread_mutex_lock(&sched.lock);
	if (sched.current == sched_my_slot) {
		sched_decide();
		sched_wait_turn();
	}
	pthread_mutex_unlock(&sched.lock);
}

static bool all_finished(void)
{
	for (unsigned i = 0; i < sched.count; i++)
		if (sched.t[i].state != SCHED_FINISHED)
			return false;
	return true;
}

/* The test starts new threads after all earlier ones ended: their steps
 * say nothing about what comes, and the new ones are T1, T2... again.  A
 * mutex an ended thread kept stays held. */
static void new_phase(void)
{
	for (unsigned i = 0; i < SCHED_MAX_MUTEXES; i++)
		if (sched.owned[i].mutex && sched.owned[i].owner != SCHED_NONE)
			sched.owned[i].owner = SCHED_GONE;
	sched.count = 0;
	harness_timeline_clear();
}

unsigned harness_sched_expect(unsigned n)
{
	if (!atomic_load(&sched.armed) || atomic_load(&sched.free_running))
		return SCHED_NONE;
	pthread_mutex_lock(&sched.lock);
	if (sched.current == SCHED_NONE && all_finished())
		new_phase();
	unsigned first = sched.count;
	if (sched.count + n > SCHED_MAX_THREADS) {
		sched_go_free("more threads than the controlled mode follows");
		first = SCHED_NONE;
	} else {
		for (unsigned i = 0; i < n; i++) {
			sched.t[first + i] = (struct sched_thread){.state = SCHED_ARRIVING};
			sched.t[first + i].priority = pct_new_priority();
		}
		sched.count += n;
	}
	pthread_mutex_unlock(&sched.lock);
	return first;
}

void harness_sched_cancel(unsigned slot)
{
	if (slot == SCHED_NONE)
		return;
	pthread_mutex_lock(&sched.lock);
	sched.t[slot].state = SCHED_FINISHED;
	pthread_cond_broadcast(&sched.changed);
	pthread_mutex_unlock(&sched.lock);
}

void harness_sched_arrive(unsigned slot)
{
	if (slot == SCHED_NONE)
		return;
	pthread_mutex_lock(&sched.lock);
	sched_my_slot = slot;
	sched.t[slot].os = pthread_self();
	sched.t[slot].state = SCHED_RUNNABLE;
	if (sched.current == SCHED_NONE && !arriving() && !atomic_load(&sched.free_running))
		sched_decide();
	pthread_cond_broadcast(&sched.changed);
	sched_wait_turn();
	pthread_mutex_unlock(&sched.lock);
}

void harness_sched_exit(void *unused)
{
	(void)unused;
	if (sched_my_slot == SCHED_NONE)
		return;
	pthread_mutex_lock(&sched.lock);
	unsigned me = sched_my_slot;
	sched.t[me].state = SCHED_FINISHED;
	if (atomic_load(&sched.armed) && !atomic_load(&sched.free_running)) {
		harness_timeline_add(me + 1, NULL, "ends", false, 0);
		if (sched.current == me)
			sched_decide();
	}
	sched_my_slot = SCHED_NONE;
	pthread_cond_broadcast(&sched.changed);
	pthread_mutex_unlock(&sched.lock);
}
