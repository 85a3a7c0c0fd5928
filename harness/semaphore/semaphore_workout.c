/*
 * semaphore_workout.c -- the workout ThreadSanitizer and Helgrind watch:
 * every operation of the semaphore at once from several threads, then a
 * run_limited.  Workers only record what they saw; the test's thread
 * judges after the join, so a wrong submission ends the run normally and
 * the sanitizer's verdict is about races alone.
 */
#include "semaphore_support.h"

#define MIX_THREADS 6
#define MIX_PERMITS 2

struct mix {
	csem_t sem;
	long rounds;
	unsigned highest_value[MIX_THREADS];
	unsigned timeouts[MIX_THREADS];
};

/* Takes a permit one of three ways, or reads the value; gives back what it took. */
static bool mix_step(struct mix *m, unsigned i, long k)
{
	struct timespec deadline;
	unsigned value;
	switch ((k + i) % 4) {
	case 0:
		csem_wait(&m->sem);
		return true;
	case 1:
		return csem_trywait(&m->sem);
	case 2:
		deadline = realtime_after(PATIENT_WAIT_S);
		if (csem_timedwait(&m->sem, &deadline))
			return true;
		m->timeouts[i]++;
		return false;
	default:
		value = csem_value(&m->sem);
		if (value > m->highest_value[i])
			m->highest_value[i] = value;
		return false;
	}
}

static void mix_worker(unsigned i, void *arg)
{
	struct mix *m = arg;
	for (long k = 0; k < m->rounds; k++)
		if (mix_step(m, i, k))
			csem_post(&m->sem);
}

static void short_task(unsigned i, void *arg)
{
	(void)i;
	atomic_fetch_add((atomic_uint *)arg, 1);
}

START_TEST(everything_at_once)
{
	struct mix m = {.rounds = harness_scaled(2000)};
	init_or_fail(&m.sem, MIX_PERMITS);
	run_threads_within(MIX_THREADS, mix_worker, &m, "6 threads using every operation at once");
	for (unsigned i = 0; i < MIX_THREADS; i++) {
		ck_assert_msg(m.timeouts[i] == 0,
		              "csem_timedwait timed out after %.0f s with only %d permits in use",
		              PATIENT_WAIT_S, MIX_PERMITS);
		ck_assert_msg(m.highest_value[i] <= MIX_PERMITS,
		              "csem_value read %u from a semaphore of %d permits",
		              m.highest_value[i], MIX_PERMITS);
	}
	ck_assert_msg(csem_value(&m.sem) == MIX_PERMITS,
	              "value %u after every permit came back, expected %d", csem_value(&m.sem),
	              MIX_PERMITS);
	csem_destroy(&m.sem);
	atomic_uint ran = 0;
	ck_assert_msg(run_limited_within(6, 2, short_task, &ran) == 0, "run_limited(6, 2) failed");
	ck_assert_msg(atomic_load(&ran) == 6, "run_limited(6, 2) ran %u task%s", atomic_load(&ran),
	              HARNESS_PLURAL(atomic_load(&ran)));
}
END_TEST

void semaphore_add_workout_tests(void)
{
	HARNESS_ADD(everything_at_once, 20);
}
