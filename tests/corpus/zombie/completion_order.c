/* expect: functional=failed timing=passed tsan=passed */
/* expect-output: store each status at the index */
/*
 * Wrong: polls only its own pids, but stores the statuses in the order the
 * children finish instead of at each job's index.
 */
#include "zombie.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int run_children(int njobs, int (*job)(int i), int statuses[])
{
	pid_t pids[256];
	for (int i = 0; i < njobs; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			int fork_errno = errno;
			for (int k = 0; k < i; k++)
				while (waitpid(pids[k], NULL, 0) < 0 && errno == EINTR)
					;
			errno = fork_errno;
			return -1;
		}
		if (pid == 0)
			_exit(job(i) & 0xff);
		pids[i] = pid;
	}
	int done = 0;
	while (done < njobs) {
		for (int i = 0; i < njobs; i++) {
			int status;
			if (pids[i] > 0 && waitpid(pids[i], &status, WNOHANG) == pids[i]) {
				statuses[done++] = status;
				pids[i] = 0;
			}
		}
		usleep(1000);
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
