/*
 * unit_machine.c -- a timing test has the machine to itself across
 * graders: two processes play two graders on one pair of lock files.
 */
#include "machine.h"
#include "util.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[] = "/tmp/unit-machine-XXXXXX";

static void pause_for(double seconds)
{
	struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
	nanosleep(&ts, NULL);
}

/* A second grader, in a child: joins, then runs one test alone that lasts
 * hold seconds; writes how long it waited (or -1) to fd.  Having given up,
 * it tries once more and writes what that returned. */
static pid_t other_grader_alone(double max_wait, double hold, int fd)
{
	pid_t pid = fork();
	if (pid == 0) {
		machine_join(dir, max_wait);
		double waited = machine_alone();
		ck_assert(write(fd, &waited, sizeof waited) == sizeof waited);
		if (waited < 0) {
			double again = machine_alone();
			ck_assert(write(fd, &again, sizeof again) == sizeof again);
		}
		pause_for(hold);
		_exit(0);
	}
	return pid;
}

static bool readable_within(int fd, double seconds, double *value)
{
	double deadline = monotonic_now() + seconds;
	while (monotonic_now() < deadline) {
		if (read(fd, value, sizeof *value) == sizeof *value)
			return true;
		pause_for(0.01);
	}
	return false;
}

static int nonblocking_pipe(int fds[2])
{
	return pipe2(fds, O_NONBLOCK);
}

START_TEST(a_timing_test_waits_for_the_running_jobs_and_then_runs_alone)
{
	ck_assert_int_eq(machine_join(dir, 30), 0);
	int fds[2];
	ck_assert_int_eq(nonblocking_pipe(fds), 0);
	pid_t other = other_grader_alone(30, 0.5, fds[1]);
	/* The other grader announces that it waits... */
	double deadline = monotonic_now() + 5;
	while (!machine_wanted() && monotonic_now() < deadline)
		pause_for(0.01);
	ck_assert_msg(machine_wanted(), "a grader waiting to run alone was not seen");
	/* ...and cannot run while this one holds the machine. */
	double waited;
	ck_assert_msg(!readable_within(fds[0], 0.5, &waited),
	              "the other grader ran alone while this one still ran a job");
	/* This one's jobs end and it yields: the other runs first, then this
	 * one may go on. */
	double start = monotonic_now();
	machine_share();
	double shared_after = monotonic_now() - start;
	ck_assert_msg(readable_within(fds[0], 1, &waited), "the other grader never ran alone");
	ck_assert_msg(waited >= 0.5, "the other grader waited only %.2f s", waited);
	ck_assert_msg(shared_after >= 0.4,
	              "this grader went on after %.2f s, while the other ran alone for 0.5 s",
	              shared_after);
	int status;
	waitpid(other, &status, 0);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

START_TEST(graders_that_only_share_never_wait)
{
	ck_assert_int_eq(machine_join(dir, 30), 0);
	pid_t pid = fork();
	if (pid == 0) {
		double start = monotonic_now();
		machine_join(dir, 30);
		_exit(monotonic_now() - start < 0.5 && !machine_wanted() ? 0 : 1);
	}
	int status;
	waitpid(pid, &status, 0);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	              "a second grader waited while the first only shared the machine");
}
END_TEST

START_TEST(a_grader_that_never_yields_is_waited_for_only_so_long)
{
	ck_assert_int_eq(machine_join(dir, 30), 0);
	int fds[2];
	ck_assert_int_eq(nonblocking_pipe(fds), 0);
	double start = monotonic_now();
	pid_t other = other_grader_alone(1, 0, fds[1]);
	double waited;
	ck_assert_msg(readable_within(fds[0], 5, &waited), "the other grader waited for ever");
	ck_assert_msg(waited < 0, "the other grader says it ran alone (%.2f s)", waited);
	ck_assert_msg(monotonic_now() - start >= 0.9, "the other grader gave up too early");
	/* Having given up once, it no longer waits: a holder for ever costs
	 * a grading one wait, not one per timing test. */
	double again;
	ck_assert_msg(readable_within(fds[0], 0.5, &again) && again == 0,
	              "the other grader waited again after giving up");
	waitpid(other, NULL, 0);
}
END_TEST

START_TEST(without_lock_files_the_grader_runs_as_if_alone)
{
	ck_assert_int_eq(machine_join("/nonexistent/folder", 30), -1);
	ck_assert(!machine_wanted());
	ck_assert(machine_alone() == 0);
	machine_share();
}
END_TEST

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("unit_machine: mkdtemp");
		return 1;
	}
	Suite *s = suite_create("machine");
	TCase *tc = tcase_create("timing alone across graders");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, a_timing_test_waits_for_the_running_jobs_and_then_runs_alone);
	tcase_add_test(tc, graders_that_only_share_never_wait);
	tcase_add_test(tc, a_grader_that_never_yields_is_waited_for_only_so_long);
	tcase_add_test(tc, without_lock_files_the_grader_runs_as_if_alone);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	char lock[300];
	snprintf(lock, sizeof lock, "%s/concurrency-grader.machine.lock", dir);
	unlink(lock);
	snprintf(lock, sizeof lock, "%s/concurrency-grader.turnstile.lock", dir);
	unlink(lock);
	rmdir(dir);
	return failed == 0 ? 0 : 1;
}
