/* expect: functional=passed timing=failed tsan=passed */
/* expect-output: fork all the children first */
/*
 * Wrong: forks a child and waits for it before forking the next, so the jobs
 * run one after the other instead of all at once.
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
	for (int i = 0; i < njobs; i++) {
		pid_t pid = fork();
		if (pid < 0)
			return -1;
		if (pid == 0)
			_exit(job(i) & 0xff);
		while (waitpid(pid, &statuses[i], 0) < 0)
			if (errno != EINTR)
				return -1;
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
