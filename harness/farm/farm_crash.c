/*
 * farm_crash.c -- the farm harness's tests of dying workers.
 *
 *  - crashes: the work function kills its worker on chosen inputs
 *    (SIGSEGV, SIGKILL, an _exit): those tasks are FARM_CRASHED with the
 *    signal, every other task completes, so the dead worker was replaced;
 *    with one worker, nothing else could run them;
 *  - sigpipe: a worker is killed while the caller is still writing it a
 *    16 MiB input (the worker's reads are stalled first, so the pipe is
 *    certainly full and the write certainly pending, and a child of the
 *    worker keeps the result pipe open for a second, so the caller learns
 *    of the death by writing, not by an end-of-file).  A caller that lets
 *    SIGPIPE kill it would take the test down with it, so the caller here
 *    is a process the test forks, and the test reads its wait status;
 *  - sigpipe_kept: the caller's SIGPIPE action and mask are the same after
 *    farm_run as before, across a run where a worker crashes.
 */
#include "farm_support.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void plan_crashes(void)
{
	farm_shared->plan[2] = (struct farm_plan){ACT_SEGV, 0};
	farm_shared->plan[5] = (struct farm_plan){ACT_KILL, 0};
	farm_shared->plan[6] = (struct farm_plan){ACT_SEGV, 0};
	farm_shared->plan[9] = (struct farm_plan){ACT_EXIT, 0};
	farm_shared->plan[13] = (struct farm_plan){ACT_KILL, 0};
}

static void crash_run(unsigned nworkers, const char *what)
{
	size_t n = 16, len[16];
	for (size_t i = 0; i < n; i++)
		len[i] = 8 + (size_t)(harness_random() % 150000);
	farm_task_t *tasks = farm_make_tasks(len, n);
	int r = farm_call(nworkers, tasks, n);
	ck_assert_msg(r == 0, "%s: farm_run returned %d (errno %s); expected 0", what, r,
	              strerror(errno));
	farm_check_results(tasks, n, what);
	unsigned pids = farm_distinct_pids();
	harness_info("%s: the work ran in %u processes", what, pids);
	farm_free(tasks, n);
}

START_TEST(crashes)
{
	farm_setup();
	plan_crashes();
	crash_run(1, "16 tasks on 1 worker, 5 of them killing it");
	crash_run(3, "16 tasks on 3 workers, 5 of them killing theirs");
}
END_TEST

/* --- SIGPIPE ----------------------------------------------------------- */

#define STALL_WAIT_S 0.3

enum caller_outcome { CALLER_OK = 0x51, CALLER_WRONG = 0x52 };

static bool worker_stalled(void *unused)
{
	(void)unused;
	return atomic_load(&farm_shared->stalled_pid) != 0;
}

/* In the forked caller: kills the stalled worker once it has stopped
 * reading and the caller had time to fill its task pipe. */
static void *killer(void *unused)
{
	(void)unused;
	harness_wait_until(worker_stalled, NULL, 10);
	harness_sleep_us((unsigned)(STALL_WAIT_S * 1e6));
	pid_t pid = atomic_load(&farm_shared->stalled_pid);
	if (pid > 0)
		kill(pid, SIGKILL);
	return NULL;
}

static _Noreturn void wrong(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static _Noreturn void wrong(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(farm_shared->note, sizeof farm_shared->note, fmt, ap);
	va_end(ap);
	_exit(CALLER_WRONG);
}

/* The forked caller: one worker, a small task that stalls it, a 16 MiB
 * task it dies on while the caller writes, two more small tasks. */
static _Noreturn void caller_main(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	farm_shared->caller = getpid();
	size_t len[4] = {100, 16 * MIB, 200, 300};
	farm_shared->plan[0] = (struct farm_plan){ACT_STALL, 0};
	farm_task_t *tasks = farm_make_tasks(len, 4);
	harness_start_detached(killer, NULL);
	int r = farm_call(1, tasks, 4);
	int e = errno;
	if (r != 0)
		wrong("farm_run returned %d (errno %s) after a worker was killed while the caller "
		      "wrote to it; expected 0",
		      r, strerror(e));
	if (tasks[1].status != FARM_CRASHED || tasks[1].error != SIGKILL)
		wrong("task 1 (16 MiB): its worker was killed by SIGKILL while the caller still "
		      "wrote its input, so it must be FARM_CRASHED with error 9; it has status %d, "
		      "error %d",
		      tasks[1].status, tasks[1].error);
	for (int i = 0; i < 4; i += i == 0 ? 2 : 1)
		if (tasks[i].status != FARM_DONE)
			wrong(
			    "task %d is not FARM_DONE (status %d) after another task's worker was "
			    "killed: replace the dead worker and go on",
			    i, tasks[i].status);
	struct sigaction now;
	sigaction(SIGPIPE, NULL, &now);
	if (now.sa_handler != SIG_DFL)
		wrong("SIGPIPE's action was SIG_DFL before farm_run and is another after it: put "
		      "back "
		      "the action you found");
	_exit(CALLER_OK);
}

START_TEST(sigpipe)
{
	farm_setup();
	pid_t caller = fork();
	ck_assert_msg(caller >= 0, "harness: fork failed: %s", strerror(errno));
	if (caller == 0)
		caller_main();
	int status = 0;
	while (waitpid(caller, &status, 0) < 0 && errno == EINTR)
		;
	ck_assert_msg(!(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE),
	              "the process calling farm_run was killed by SIGPIPE: a worker died while it "
	              "wrote to the worker's task pipe, and a write to a pipe nobody reads raises "
	              "SIGPIPE, which kills by default. Block or ignore SIGPIPE while farm_run "
	              "runs (and put back what was there before), then treat EPIPE as the "
	              "worker's death. A SIGPIPE raised while it was blocked is delivered when the "
	              "mask comes back: take it with sigtimedwait first");
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) != CALLER_WRONG, "%s",
	              farm_shared->note);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == CALLER_OK,
	              "the process calling farm_run ended %s %d before farm_run returned",
	              WIFSIGNALED(status) ? "by signal" : "with exit status",
	              WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}
END_TEST

static void count_sigpipe(int signo)
{
	(void)signo;
}

START_TEST(sigpipe_kept)
{
	farm_setup();
	struct sigaction mine = {.sa_handler = count_sigpipe, .sa_flags = SA_RESTART};
	sigemptyset(&mine.sa_mask);
	sigaddset(&mine.sa_mask, SIGUSR2);
	sigaction(SIGPIPE, &mine, NULL);
	sigset_t mask_before, mask_after;
	pthread_sigmask(SIG_SETMASK, NULL, &mask_before);
	plan_crashes();
	crash_run(2, "16 tasks on 2 workers, 5 of them killing theirs");
	struct sigaction after;
	sigaction(SIGPIPE, NULL, &after);
	pthread_sigmask(SIG_SETMASK, NULL, &mask_after);
	ck_assert_msg(
	    after.sa_handler == count_sigpipe && (after.sa_flags & SA_RESTART) &&
	        sigismember(&after.sa_mask, SIGUSR2),
	    "the caller's SIGPIPE action (its own handler) is not the same after farm_run: "
	    "keep the action sigaction gives you and put it back, or block SIGPIPE on "
	    "the calling thread instead of changing the action");
	ck_assert_msg(sigismember(&mask_after, SIGPIPE) == sigismember(&mask_before, SIGPIPE),
	              "SIGPIPE is %s on the calling thread after farm_run, and was not before: "
	              "restore the signal mask you found",
	              sigismember(&mask_after, SIGPIPE) ? "blocked" : "unblocked");
}
END_TEST

void farm_crash_tests(void)
{
	HARNESS_ADD(crashes, 10);
	HARNESS_ADD(sigpipe, 15);
	HARNESS_ADD(sigpipe_kept, 10);
}
