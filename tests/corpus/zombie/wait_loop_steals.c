/* expect: functional=failed timing=passed tsan=passed */
/* expect-output: reaped a child it did not create */
/*
 * Wrong: collects children with wait(), which takes ANY child of the process,
 * so it steals (and loses) a child the rest of the program forked.  It maps
 * each pid back to its index, so the statuses are otherwise right.
 */
#include "zombie.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int index_of(const pid_t pids[], int n, pid_t pid)
{
	for (int i = 0; i < n; i++)
		if (pids[i] == pid)
			return i;
	return -1;
}

int run_children(int njobs, int (*job)(int i), int statuses[])
{
	pid_t pids[256];
	for (int i = 0; i < njobs; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			int fork_errno = errno;
			for (int k = 0; k < i; k++)
				while (wait(NULL) < 0 && errno == EINTR)
					;
			errno = fork_errno;
			return -1;
		}
		if (pid == 0)
			_exit(job(i) & 0xff);
		pids[i] = pid;
	}
	for (int left = njobs; left > 0;) {
		int status;
		pid_t pid = wait(&status);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			return -1;
		int i = index_of(pids, njobs, pid);
		if (i >= 0)
			statuses[i] = status;
		left--;
	}
	return 0;
}

static atomic_long reaped;
static struct sigaction previous_action;

static void reap_terminated(int signo)
{
	(void)signo;
	int saved_errno = errno;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		atomic_fetch_add(&reaped, 1);
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
