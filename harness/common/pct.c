/*
 * pct.c -- which controlled thread runs next: the strategy of a schedule.
 *
 * Schedules cycle through three strategies, by schedule number:
 *   0 mod 3  a random walk: every step goes to an enabled thread drawn at
 *            random, good at bugs that need many small preemptions;
 *   1 mod 3  PCT of depth 2, 2 mod 3  PCT of depth 3 (Burckhardt, Kothari,
 *            Musuvathi, Nagarakatte, "A randomized scheduler with
 *            probabilistic guarantees of finding bugs", ASPLOS 2010):
 *            threads get random distinct priorities, the highest enabled
 *            one runs, and at d-1 steps drawn from 1..k the running
 *            thread drops below all the others.  A bug that needs d
 *            ordering constraints is found with probability at least
 *            1/(n k^(d-1)) for n threads and k steps.  Check-then-act and
 *            load-then-store need d = 2, a deadlock of three locks d = 3.
 * k is the most steps an earlier schedule of the run took.  Everything is
 * drawn from one stream seeded by (seed, schedule number): the schedule
 * depends on nothing else, which is what makes it replayable.
 * All calls are made under the scheduler's lock.
 */
#include "controlled.h"

enum { MAX_DEPTH = 3, FIRST_PRIORITY = 1000 };

static struct {
	uint64_t random;
	unsigned depth; /* 0: random walk */
	unsigned long change[MAX_DEPTH - 1];
	long lowest;
} pct;

/* splitmix64, for the stream's seed. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* xorshift64* */
static uint64_t next(void)
{
	pct.random ^= pct.random >> 12;
	pct.random ^= pct.random << 25;
	pct.random ^= pct.random >> 27;
	return pct.random * 0x2545f4914f6cdd1dULL;
}

unsigned pct_below(unsigned n)
{
	return (unsigned)(next() % n);
}

void pct_begin(uint64_t seed, unsigned schedule, unsigned long steps_hint)
{
	pct.random = mix(mix(seed) ^ schedule) | 1;
	pct.depth = schedule % 3 == 0 ? 0 : schedule % 3 + 1;
	pct.lowest = 0;
	unsigned long k = steps_hint > 8 ? steps_hint : 8;
	for (unsigned i = 0; i + 1 < MAX_DEPTH; i++)
		pct.change[i] = i + 1 < pct.depth ? 1 + next() % k : 0;
}

long pct_new_priority(void)
{
	return FIRST_PRIORITY + (long)(next() % 1000000);
}

long pct_at_step(unsigned long step, long priority)
{
	for (unsigned i = 0; i + 1 < MAX_DEPTH; i++)
		if (pct.change[i] == step)
			return (long)i + 1;
	return priority;
}

bool pct_by_priority(void)
{
	return pct.depth > 0;
}

long pct_demoted(void)
{
	return --pct.lowest;
}

const char *pct_name(void)
{
	static const char *const names[] = {"random walk", "", "PCT depth 2", "PCT depth 3"};
	return names[pct.depth];
}
