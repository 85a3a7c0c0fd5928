/* expect: functional=passed timing=passed tsan=failed */
/* expect-output: spoils errno */
/*
 * Wrong: the SIGCHLD handler reaps every child but does not save and restore
 * errno; its last waitpid fails with ECHILD, and the interrupted code sees an
 * errno it never set.
 */
#include "zombie.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t wait_for(pid_t pid, int *status)
{
	pid_t got;
	do
		got = waitpid(pid, status, 0);
	while (got < 0 && errno == EINTR);
	return got;
}

int run_children(int njobs, int (*job)(int i), int statuses[])
{
	pid_t pids[256];
	for (int i = 0; i < njobs; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			int fork_errno = errno;
			for (int k = 0; k < i; k++)
				wait_for(pids[k], &statuses[k]);
			errno = fork_errno;
			return -1;
		}
		if (pid == 0)
			_exit(job(i) & 0xff);
		pids[i] = pid;
	}
	for (int i = 0; i < njobs; i++)
		if (wait_for(pids[i], &statuses[i]) < 0)
			return -1;
	return 0;
}

static atomic_long reaped;
static struct sigaction previous_action;

static void reap_terminated(int signo)
{
	(void)signo;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		atomic_fetch_add(&reaped, 1);
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
