/*
 * farm_deadlock.c -- the farm harness's test of the pipe deadlock.
 *
 * Every worker gets large inputs whose outputs are large too, more tasks
 * than workers: a caller that writes a worker's next input before it has
 * read that worker's last output waits on a full pipe the worker cannot
 * drain, because the worker itself waits on a full pipe the caller does
 * not read.  A hang is reported by the watchdog through farm_report_hang:
 * which process waits in read or write on which pipe, and who holds the
 * pipe's ends.
 */
#include "farm_support.h"

#include <errno.h>
#include <string.h>

START_TEST(no_deadlock)
{
	farm_setup();
	const unsigned nworkers = 4;
	size_t n = (size_t)3 * nworkers, len[12];
	for (size_t i = 0; i < n; i++)
		len[i] = MIB + (size_t)(harness_random() % (MIB / 4));
	farm_task_t *tasks = farm_make_tasks(len, n);
	double t0 = harness_now();
	int r = farm_call(nworkers, tasks, n);
	double wall = harness_now() - t0;
	ck_assert_msg(r == 0, "farm_run returned %d (errno %s); expected 0", r, strerror(errno));
	farm_check_results(tasks, n, "12 tasks of 1 to 1.25 MiB in and out on 4 workers");
	harness_info("12 tasks of 1 to 1.25 MiB in and out on 4 workers: %.0f ms", wall * 1e3);
	farm_free(tasks, n);
}
END_TEST

void farm_deadlock_tests(void)
{
	HARNESS_ADD(no_deadlock, 10);
}
