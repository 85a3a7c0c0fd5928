/*
 * farm_functional.c -- the farm harness's tests of results: every task's
 * outcome by its index, for every size of input and number of workers,
 * with failures, short reads and writes, and EINTR; and bad arguments.
 *
 * Each test checks every task against what the harness's work function
 * returns for it (farm_check_results), and that the work ran in a worker.
 */
#include "farm_support.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Seeded lengths in [lo, hi]. */
static void random_lengths(size_t *len, size_t n, size_t lo, size_t hi)
{
	for (size_t i = 0; i < n; i++)
		len[i] = lo + (size_t)(harness_random() % (hi - lo + 1));
}

/* Runs n tasks of the given lengths on nworkers and checks every result. */
static void run_and_check(unsigned nworkers, const size_t *len, size_t n, const char *what)
{
	farm_task_t *tasks = farm_make_tasks(len, n);
	double t0 = harness_now();
	int r = farm_call(nworkers, tasks, n);
	double wall = harness_now() - t0;
	ck_assert_msg(r == 0, "%s: farm_run returned %d (errno %s); expected 0", what, r,
	              strerror(errno));
	farm_check_results(tasks, n, what);
	unsigned pids = farm_distinct_pids();
	harness_info("%s: %zu task%s on %u worker%s in %.0f ms; the work ran in %u process%s", what,
	             n, HARNESS_PLURAL(n), nworkers, HARNESS_PLURAL(nworkers), wall * 1e3, pids,
	             pids == 1 ? "" : "es");
	ck_assert_msg(pids <= nworkers,
	              "%s: the work ran in %u different processes, but farm_run had %u worker%s "
	              "and none crashed: fork nworkers workers once, and give each many tasks",
	              what, pids, nworkers, HARNESS_PLURAL(nworkers));
	farm_free(tasks, n);
}

/* Lengths around every boundary a framing bug trips on, then seeded ones. */
START_TEST(results_by_index)
{
	farm_setup();
	static const size_t edges[] = {
	    0,    1,     7,     8,     9,      15,  16,      100,          4095,    4096,
	    4097, 65535, 65536, 65537, 196613, MIB, MIB + 1, 16 * MIB - 1, 16 * MIB};
	size_t nedges = sizeof edges / sizeof edges[0];
	size_t n = nedges + (size_t)harness_scaled(24);
	size_t *len = harness_alloc(n * sizeof *len);
	memcpy(len, edges, sizeof edges);
	random_lengths(len + nedges, n - nedges, 0, 300000);
	/* Under the sanitizers one 16 MiB input is enough. */
	if (harness_scaled(10) < 10)
		len[nedges - 2] = 3 * MIB;
	run_and_check(4, len, n, "inputs of 0 bytes to 16 MiB on 4 workers");
	free(len);
}
END_TEST

START_TEST(tiny_tasks)
{
	farm_setup();
	size_t n = (size_t)harness_scaled(10000);
	size_t *len = harness_alloc(n * sizeof *len);
	random_lengths(len, n, 8, 40);
	run_and_check(8, len, n, "10000 tiny tasks on 8 workers");
	free(len);
}
END_TEST

START_TEST(worker_counts)
{
	farm_setup();
	size_t len[200];
	random_lengths(len, 3, 8, 5000);
	run_and_check(8, len, 3, "3 tasks on 8 workers (fewer tasks than workers)");
	run_and_check(3, len, 0, "no task at all on 3 workers");
	random_lengths(len, 20, 0, 300000);
	run_and_check(1, len, 20, "20 tasks on 1 worker");
	random_lengths(len, 200, 8, 70000);
	run_and_check(64, len, 200, "200 tasks on 64 workers");
}
END_TEST

START_TEST(failures)
{
	farm_setup();
	size_t n = 40, len[40];
	random_lengths(len, n, 8, 100000);
	len[7] = MIB; /* a failing task with a large input */
	for (size_t i = 1; i < n; i += 3)
		farm_shared->plan[i] =
		    (struct farm_plan){ACT_FAIL, i % 2 ? 1000 + (long)i : -(long)i};
	run_and_check(4, len, n, "40 tasks on 4 workers, every third failing");
}
END_TEST

/* Mixed sizes, large ones among them, with the given faults in read and
 * write. */
static void run_with_faults(unsigned short_rate, unsigned eintr_rate, const char *what)
{
	farm_setup();
	size_t n = 24, len[24];
	random_lengths(len, n, 0, 200000);
	len[3] = MIB;
	len[11] = 2 * MIB + 3;
	harness_io_faults(short_rate, eintr_rate);
	run_and_check(3, len, n, what);
	struct harness_io_counts c = harness_io_counts();
	harness_info("in the calling process: %lu read and write calls, %lu made short, %lu "
	             "interrupted (EINTR)",
	             c.calls, c.shortened, c.interrupted);
}

START_TEST(short_io)
{
	run_with_faults(250, 0, "24 tasks on 3 workers, a quarter of reads and writes short");
}
END_TEST

START_TEST(eintr)
{
	run_with_faults(0, 200,
	                "24 tasks on 3 workers, a fifth of reads and writes failing with EINTR");
}
END_TEST

START_TEST(bad_arguments)
{
	farm_setup();
	size_t len[2] = {10, 20};
	farm_task_t *tasks = farm_make_tasks(len, 2);
	struct farm_fds before;
	farm_fds_now(&before);
	static const unsigned bad[] = {0, 65};
	for (int k = 0; k < 2; k++) {
		errno = 0;
		int r = farm_call(bad[k], tasks, 2);
		int e = errno;
		ck_assert_msg(
		    r == -1 && e == EINVAL,
		    "farm_run(%u, ...) must return -1 with errno EINVAL (1 to 64 workers); "
		    "it returned %d with errno %s",
		    bad[k], r, strerror(e));
	}
	ck_assert_msg(harness_calls().fork == 0,
	              "farm_run forked %lu time%s although its arguments were invalid: check them "
	              "before starting anything",
	              harness_calls().fork, HARNESS_PLURAL(harness_calls().fork));
	farm_check_fds(&before, "after farm_run refused its arguments");
	farm_free(tasks, 2);
}
END_TEST

/* farm_run with the k-th of nworkers forks failing with errno e. */
static void fail_fork(unsigned nworkers, unsigned k, int e)
{
	size_t len[12];
	random_lengths(len, 12, 8, 70000);
	farm_task_t *tasks = farm_make_tasks(len, 12);
	struct farm_fds before;
	farm_fds_now(&before);
	harness_fail_fork(k, e);
	errno = 0;
	int r = farm_call(nworkers, tasks, 12);
	int got = errno;
	harness_fail_fork(0, 0);
	ck_assert_msg(r == -1 && got == e,
	              "fork %u of the %u workers failed with %s: farm_run must return -1 with that "
	              "errno, but it returned %d with errno %s",
	              k, nworkers, strerror(e), r, strerror(got));
	char when[96];
	snprintf(when, sizeof when, "after fork %u of %u failed and farm_run returned -1", k,
	         nworkers);
	farm_check_no_children(when);
	farm_check_fds(&before, when);
	farm_free(tasks, 12);
}

START_TEST(fork_failure)
{
	farm_setup();
	fail_fork(6, 4, EAGAIN);
	fail_fork(3, 1, ENOMEM);
}
END_TEST

START_TEST(descriptors)
{
	farm_setup();
	farm_shared->count_fds = true;
	size_t n = 24, len[24];
	random_lengths(len, n, 8, 100000);
	struct farm_fds before;
	farm_fds_now(&before);
	run_and_check(4, len, n, "24 tasks on 4 workers");
	int most = 0;
	size_t where = 0;
	for (size_t i = 0; i < n; i++)
		if (farm_shared->rec[i].foreign_fds > most) {
			most = farm_shared->rec[i].foreign_fds;
			where = i;
		}
	harness_info(
	    "the most descriptors a worker held besides stdio: %d (while running task %zu)", most,
	    where);
	ck_assert_msg(most <= 2,
	              "while it ran task %zu, worker %d held %d descriptors besides stdin, stdout "
	              "and stderr; it needs only two, the read end of its task pipe and the write "
	              "end of its result pipe. Close every other end in the worker, above all the "
	              "write ends of the task pipes: while any copy of a write end is open, the "
	              "reader never sees end-of-file",
	              where, (int)farm_shared->rec[where].pid, most);
	farm_check_fds(&before, "after farm_run returned 0");
}
END_TEST

START_TEST(children)
{
	farm_setup();
	size_t n = 24, len[24];
	random_lengths(len, n, 8, 100000);
	run_and_check(4, len, n, "24 tasks on 4 workers");
	farm_check_no_children("after farm_run returned 0");
	farm_shared->plan[5] = (struct farm_plan){ACT_KILL, 0};
	farm_shared->plan[17] = (struct farm_plan){ACT_SEGV, 0};
	farm_task_t *tasks = farm_make_tasks(len, n);
	int r = farm_call(4, tasks, n);
	ck_assert_msg(r == 0,
	              "farm_run returned %d (errno %s) when two workers crashed; expected 0", r,
	              strerror(errno));
	farm_check_no_children("after two workers crashed and farm_run returned");
	farm_free(tasks, n);
}
END_TEST

void farm_functional_tests(void)
{
	HARNESS_ADD(results_by_index, 15);
	HARNESS_ADD(tiny_tasks, 15);
	HARNESS_ADD(worker_counts, 15);
	HARNESS_ADD(failures, 10);
	HARNESS_ADD(short_io, 10);
	HARNESS_ADD(eintr, 10);
	HARNESS_ADD(bad_arguments, 10);
	HARNESS_ADD(fork_failure, 10);
	HARNESS_ADD(descriptors, 10);
	HARNESS_ADD(children, 10);
}
