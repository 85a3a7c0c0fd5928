/*
 * zombie_timing.c -- run_children forks every child before it waits for
 * any: each child waits a while for all the others to have started, and
 * the times the children wrote to shared memory show how many ever ran at
 * the same moment.
 */
#include "harness.h"
#include "zombie_harness.h"

/* Waits (up to half a second) for every job to have started. */
static int job_meet_the_others(int i)
{
	child_begin(i);
	harness_wait_count(&shared->started, (unsigned)shared->njobs, 0.5);
	shared->end[i] = harness_now();
	return job_value(i);
}

/* How many of the jobs' [start, end] intervals contain the moment t. */
static int running_at(double t, int njobs)
{
	int n = 0;
	for (int i = 0; i < njobs; i++)
		n += shared->start[i] <= t && t <= shared->end[i];
	return n;
}

static int statuses[MAX_CHILDREN];

START_TEST(all_at_once)
{
	const int njobs = 6;
	run_children_expecting_success(njobs, job_meet_the_others, statuses);
	check_every_child_ran(njobs);
	int most = 0;
	for (int i = 0; i < njobs; i++) {
		int n = running_at(shared->start[i], njobs);
		most = n > most ? n : most;
	}
	harness_info("at most %d of the %d children ran at the same time", most, njobs);
	ck_assert_msg(most == njobs,
	              "each child waited up to 0.5 s for the others to start, yet at most %d of "
	              "%d ever ran at the same time: fork all the children first, then wait "
	              "for them",
	              most, njobs);
}
END_TEST

void zombie_define_timing(void)
{
	HARNESS_ADD(all_at_once, 20);
}
