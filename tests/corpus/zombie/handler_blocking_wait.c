/* expect: build=passed functional=failed */
/* expect-output: it waits without WNOHANG */
/*
 * handler_blocking_wait.c -- the textbook SIGCHLD handler that loops on a
 * blocking waitpid(-1, &status, 0).  It reaps every child that exits, but
 * while any child is still running it blocks the thread it interrupted
 * until that child exits too.
 */
#include "zombie.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_JOBS 256

/* waitpid for one pid, retried when a signal interrupts it. */
static pid_t wait_for(pid_t pid, int *status)
{
	pid_t got;
	do
		got = waitpid(pid, status, 0);
	while (got < 0 && errno == EINTR);
	return got;
}

/* Reaps children pids[0..n-1]; returns 0, or -1 if any wait failed. */
static int reap_all(const pid_t pids[], int n, int statuses[])
{
	int result = 0;
	for (int i = 0; i < n; i++) {
		int status;
		if (wait_for(pids[i], &status) < 0)
			result = -1;
		else if (statuses)
			statuses[i] = status;
	}
	return result;
}

int run_children(int njobs, int (*job)(int i), int statuses[])
{
	pid_t pids[MAX_JOBS];
	if (njobs < 0 || njobs > MAX_JOBS) {
		errno = EINVAL;
		return -1;
	}
	for (int i = 0; i < njobs; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			int fork_errno = errno;
			reap_all(pids, i, NULL);
			errno = fork_errno;
			return -1;
		}
		if (pid == 0)
			_exit(job(i) & 0xff);
		pids[i] = pid;
	}
	return reap_all(pids, njobs, statuses);
}

static atomic_long reaped;
static struct sigaction previous_action;

static void reap_terminated(int signo)
{
	(void)signo;
	int saved_errno = errno;
	int status;
	while (waitpid(-1, &status, 0) > 0)
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
