/* expect: score=full */
/*
 * Correct alternative: waits with waitid() and rebuilds the status word that
 * waitpid would have given from the siginfo_t.  The reaper loops on
 * waitid(P_ALL, ..., WNOHANG) until no terminated child is left.
 */
#include "zombie.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string.h>

/* The waitpid-style status for a terminated child's siginfo_t. */
static int status_of(const siginfo_t *si)
{
	switch (si->si_code) {
	case CLD_EXITED:
		return (si->si_status & 0xff) << 8;
	case CLD_DUMPED:
		return si->si_status | 0x80;
	default:
		return si->si_status;
	}
}

static int wait_for(pid_t pid, int *status)
{
	siginfo_t si;
	int r;
	do
		r = waitid(P_PID, (id_t)pid, &si, WEXITED);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		*status = status_of(&si);
	return r;
}

int run_children(int njobs, int (*job)(int i), int statuses[])
{
	pid_t pids[256];
	int scratch;
	for (int i = 0; i < njobs; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			int fork_errno = errno;
			for (int k = 0; k < i; k++)
				wait_for(pids[k], &scratch);
			errno = fork_errno;
			return -1;
		}
		if (pid == 0)
			_exit(job(i) & 0xff);
		pids[i] = pid;
	}
	int result = 0;
	for (int i = 0; i < njobs; i++)
		if (wait_for(pids[i], &statuses[i]) < 0)
			result = -1;
	return result;
}

static atomic_long reaped;
static struct sigaction previous_action;

static void reap_terminated(int signo)
{
	(void)signo;
	int saved_errno = errno;
	for (;;) {
		siginfo_t si;
		memset(&si, 0, sizeof si);
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
			break;
		atomic_fetch_add(&reaped, 1);
	}
	errno = saved_errno;
}

int reaper_install(void)
{
	struct sigaction action = {.sa_handler = reap_terminated,
	                           .sa_flags = SA_RESTART | SA_NOCLDSTOP};
	sigemptyset(&action.sa_mask);
	atomic_store(&reaped, 0);
	return sigaction(SIGCHLD, &action, &previous_action);
}

int reaper_remove(void)
{
	return sigaction(SIGCHLD, &previous_action, NULL);
}

long reaper_reaped(void)
{
	return atomic_load(&reaped);
}
