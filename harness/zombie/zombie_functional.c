/*
 * zombie_functional.c -- run_children's contract, one test per promise:
 * each status in its job's slot, no zombie or running child left, only its
 * own children reaped, waits interrupted by signals retried, and a failed
 * fork cleaned up after.
 *
 * Children send signals to the parent's main thread while it waits, and a
 * child the harness forks itself must still be waitable afterwards.
 */
#include "harness.h"
#include "zombie.h"
#include "zombie_harness.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* --- the jobs ----------------------------------------------------------- */

enum outcome { EXITS, ABORTS, SEGFAULTS };

static enum outcome job_outcome(int i)
{
	return i % 7 == 3 ? ABORTS : i % 7 == 5 ? SEGFAULTS : EXITS;
}

/* A bad pointer the compiler cannot see through. */
static int *volatile crash_here;

/* Later jobs finish first, so completion order is the reverse of index order. */
static int job_mixed(int i)
{
	child_begin(i);
	harness_sleep_us((unsigned)(shared->njobs - i) * 3000);
	if (job_outcome(i) == ABORTS)
		abort();
	if (job_outcome(i) == SEGFAULTS)
		*crash_here = i;
	shared->end[i] = harness_now();
	return job_value(i);
}

static int job_quick(int i)
{
	child_begin(i);
	shared->end[i] = harness_now();
	return job_value(i);
}

static int job_short_nap(int i)
{
	child_begin(i);
	harness_sleep_us(50000);
	shared->end[i] = harness_now();
	return job_value(i);
}

/* Interrupts the parent's main thread (its tid is its pid) while it waits. */
static int job_signal_parent(int i)
{
	child_begin(i);
	harness_sleep_us(10000);
	for (int k = 0; k < 10; k++) {
		syscall(SYS_tgkill, harness_pid, harness_pid, SIGUSR1);
		harness_sleep_us(5000);
	}
	shared->end[i] = harness_now();
	return job_value(i);
}

/* --- reading the statuses ----------------------------------------------- */

static const char *describe_status(int status, char *buf, size_t len)
{
	if (status == -1)
		snprintf(buf, len, "left unset (-1)");
	else if (WIFEXITED(status) && WEXITSTATUS(status) == ESCAPED_CHILD)
		snprintf(buf, len,
		         "exited with %d, the harness's mark of a child that went on running after "
		         "its job: the child must call _exit(job(i) & 0xff)",
		         ESCAPED_CHILD);
	else if (WIFEXITED(status))
		snprintf(buf, len, "exited with %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
		         strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "not a termination status (%#x)", (unsigned)status);
	return buf;
}

static bool status_is(int status, enum outcome o, int value)
{
	switch (o) {
	case ABORTS:
		return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
	case SEGFAULTS:
		return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
	default:
		return WIFEXITED(status) && WEXITSTATUS(status) == (value & 0xff);
	}
}

static const char *expected_text(enum outcome o, int value, char *buf, size_t len)
{
	if (o == ABORTS)
		return "killed by SIGABRT (it called abort)";
	if (o == SEGFAULTS)
		return "killed by SIGSEGV (it wrote through a bad pointer)";
	snprintf(buf, len, "exited with %d (job returned %d, & 0xff)", value & 0xff, value);
	return buf;
}

/* Which other job exited with the value in statuses[i], or -1. */
static int slot_it_belongs_to(const int statuses[], int njobs, int i)
{
	for (int j = 0; j < njobs; j++)
		if (j != i && statuses[i] != -1 && WIFEXITED(statuses[i]) &&
		    WEXITSTATUS(statuses[i]) == (job_value(j) & 0xff))
			return j;
	return -1;
}

/* Every slot holds its own job's status. */
static void check_statuses(const int statuses[], int njobs, bool mixed)
{
	for (int i = 0; i < njobs; i++) {
		enum outcome o = mixed ? job_outcome(i) : EXITS;
		if (status_is(statuses[i], o, job_value(i)))
			continue;
		char want[96], got[192], hint[160] = "";
		int other = slot_it_belongs_to(statuses, njobs, i);
		if (other >= 0)
			snprintf(hint, sizeof hint,
			         ": that is child %d's exit value; store each status at the index "
			         "of the job whose pid you waited for",
			         other);
		ck_abort_msg("child %d should have %s, but statuses[%d] says it %s%s", i,
		             expected_text(o, job_value(i), want, sizeof want), i,
		             describe_status(statuses[i], got, sizeof got), hint);
	}
}

/* --- the tests ---------------------------------------------------------- */

static int statuses[MAX_CHILDREN];

START_TEST(statuses_by_index)
{
	const int njobs = 24;
	run_children_expecting_success(njobs, job_mixed, statuses);
	check_statuses(statuses, njobs, true);
}
END_TEST

START_TEST(no_zombies)
{
	const int njobs = 32;
	run_children_expecting_success(njobs, job_quick, statuses);
	check_every_child_ran(njobs);
	struct sigaction now;
	sigaction(SIGCHLD, NULL, &now);
	ck_assert_msg(now.sa_handler == SIG_DFL && !(now.sa_flags & SA_NOCLDWAIT),
	              "run_children changed the action of SIGCHLD; ignoring SIGCHLD throws "
	              "exit statuses away instead of collecting them");
	check_no_children_left("after run_children returned 0");
}
END_TEST

/* The harness's own child, already a zombie before run_children starts. */
static pid_t fork_foreign_child(void)
{
	pid_t pid = fork();
	ck_assert_msg(pid >= 0, "harness: fork failed: %s", strerror(errno));
	if (pid == 0)
		_exit(42);
	siginfo_t si;
	waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT);
	return pid;
}

START_TEST(only_own_children)
{
	const int njobs = 8;
	setup(njobs);
	pid_t foreign = fork_foreign_child();
	int r = call_run_children(njobs, job_quick, statuses);
	int status = 0;
	pid_t got = waitpid(foreign, &status, WNOHANG);
	ck_assert_msg(got == foreign && WIFEXITED(status) && WEXITSTATUS(status) == 42,
	              "the harness forked a child of its own (pid %d) before calling "
	              "run_children, but afterwards it could not collect it (%s): run_children "
	              "reaped a child it did not create. wait() and waitpid(-1) take any child; "
	              "wait for your own pids",
	              (int)foreign, got < 0 ? strerror(errno) : "still not waitable");
	ck_assert_msg(r == 0, "run_children returned %d (errno %s); expected 0", r,
	              strerror(errno));
	check_statuses(statuses, njobs, false);
	check_no_children_left("after run_children returned 0");
}
END_TEST

static atomic_int interruptions;

static void count_interruption(int signo)
{
	(void)signo;
	atomic_fetch_add(&interruptions, 1);
}

START_TEST(eintr)
{
	const int njobs = 8;
	setup(njobs);
	struct sigaction no_restart = {.sa_handler = count_interruption, .sa_flags = 0};
	sigemptyset(&no_restart.sa_mask);
	sigaction(SIGUSR1, &no_restart, NULL);
	int r = call_run_children(njobs, job_signal_parent, statuses);
	int run_errno = errno;
	harness_info("%d signal%s arrived while run_children ran", atomic_load(&interruptions),
	             HARNESS_PLURAL(atomic_load(&interruptions)));
	ck_assert_msg(r == 0,
	              "run_children returned %d (errno %s) while signals (a handler without "
	              "SA_RESTART) kept arriving; a wait that fails with EINTR must be retried",
	              r, strerror(run_errno));
	check_statuses(statuses, njobs, false);
	check_no_children_left("signals interrupted the waits, and after run_children returned");
}
END_TEST

START_TEST(fork_failure)
{
	const int njobs = 8, failing = 5;
	setup(njobs);
	harness_fail_fork(failing, EAGAIN);
	int r = call_run_children(njobs, job_short_nap, statuses);
	int run_errno = errno;
	ck_assert_msg(r == -1 && run_errno == EAGAIN,
	              "fork number %d of %d failed with EAGAIN: run_children must return -1 "
	              "with errno EAGAIN, but it returned %d (errno %s)",
	              failing, njobs, r, strerror(run_errno));
	check_no_children_left("fork failed, and after run_children returned -1");
}
END_TEST

void harness_define(void)
{
	HARNESS_ADD(statuses_by_index, 10);
	HARNESS_ADD(no_zombies, 10);
	HARNESS_ADD(only_own_children, 10);
	HARNESS_ADD(eintr, 10);
	HARNESS_ADD(fork_failure, 10);
	zombie_define_timing();
	zombie_define_reaper();
}
