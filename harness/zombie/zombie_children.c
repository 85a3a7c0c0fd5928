/*
 * zombie_children.c -- the children the zombie harness's tests fork, and
 * the parent's set-up and checks around run_children.
 *
 * Every check is made from facts the kernel gives, never from timing alone:
 *  - waitid(P_ALL, ..., WNOHANG | WNOWAIT) tells, without reaping, whether a
 *    zombie is left (a pid), only running children (pid 0), or no child at
 *    all (ECHILD);
 *  - jobs write their pid, start and end times to shared memory, so slots,
 *    overlap and leftovers are measured, not guessed.
 * SIGCHLD is set to SIG_DFL first: ignoring it would make zombies vanish.
 *
 * Nothing outlives the test: each child asks for SIGKILL when the harness
 * dies (PR_SET_PDEATHSIG), a child that runs on past its job and forks is
 * stopped by an atfork hook, and one that returns from run_children is
 * stopped by the harness right there.  Children never dump core.
 *
 * ThreadSanitizer: the common harness's watchdog thread already exists when
 * children are forked.  TSan supports a fork from a multi-threaded process as
 * long as the child starts no thread: the child then runs with TSan's checks
 * off (TSAN_OPTIONS=verbosity=1 shows "parent had 2 threads") and here only
 * runs its job and _exits, while every check of the handler happens in the
 * parent.  Tests that run under TSan make no child crash (TSan would turn a
 * SIGSEGV into a report).
 */
#include "harness.h"
#include "zombie.h"
#include "zombie_harness.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

struct shared *shared;
pid_t harness_pid;
bool in_child;

/* --- the children's side ------------------------------------------------ */

/* An escaped child (one that did not _exit after its job) may not fork. */
static void refuse_fork_in_child(void)
{
	if (in_child)
		_exit(ESCAPED_CHILD);
}

void child_begin(int i)
{
	in_child = true;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != harness_pid)
		_exit(ESCAPED_CHILD);
	prctl(PR_SET_DUMPABLE, 0);
	setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0});
	shared->pid[i] = getpid();
	shared->start[i] = harness_now();
	atomic_fetch_add(&shared->started, 1);
}

int job_value(int i)
{
	return 300 + 37 * i;
}

/* --- the parent's side -------------------------------------------------- */

void setup(int njobs)
{
	harness_pid = getpid();
	shared =
	    mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_msg(shared != MAP_FAILED, "harness: mmap failed: %s", strerror(errno));
	shared->njobs = njobs;
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGCHLD, &dfl, NULL);
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	pthread_sigmask(SIG_UNBLOCK, &chld, NULL);
	pthread_atfork(refuse_fork_in_child, NULL, NULL);
}

int call_run_children(int njobs, int (*job)(int), int statuses[])
{
	for (int i = 0; i < njobs; i++)
		statuses[i] = -1;
	int result = run_children(njobs, job, statuses);
	if (getpid() != harness_pid)
		_exit(ESCAPED_CHILD);
	return result;
}

void run_children_expecting_success(int njobs, int (*job)(int), int statuses[])
{
	setup(njobs);
	int r = call_run_children(njobs, job, statuses);
	ck_assert_msg(r == 0, "run_children returned %d (errno %s); expected 0", r,
	              strerror(errno));
}

void check_every_child_ran(int njobs)
{
	int ran = (int)atomic_load(&shared->started);
	ck_assert_msg(ran == njobs,
	              "run_children(%d, ...) returned, but only %d of the %d jobs ran in "
	              "a child: fork one child per job",
	              njobs, ran, njobs);
}

int count_and_reap_zombies(void)
{
	int zombies = 0;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		zombies++;
	return zombies;
}

void check_no_children_left(const char *when)
{
	siginfo_t si = {0};
	int r = waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT);
	if (r < 0 && errno == ECHILD)
		return;
	if (si.si_pid == 0)
		ck_abort_msg("%s, children it started are still running: every child must be "
		             "waited for before run_children returns",
		             when);
	int zombies = count_and_reap_zombies();
	ck_abort_msg("%s, %d zombie%s left (pid %d first): a child that has exited stays a "
	             "zombie until someone waits for it",
	             when, zombies, zombies == 1 ? " is" : "s are", (int)si.si_pid);
}
