/*
 * pool.c -- runs grading jobs in child processes, a few at a time.
 *
 * Independent checks (a sanitizer run, a functional run) can share the
 * machine's cores; each runs in a forked copy of the grader, which becomes
 * a child subreaper of its own so that whatever a submission leaves behind
 * is cleaned up inside that job and never touches another job's processes.
 * Each job takes a free slot (no more slots than CPUs) and runs its tests as
 * that slot's own user (jobuid.c), so jobs cannot signal or write one another.
 * A job reports one byte (1 passed, 0 failed, E failed while the machine
 * ran out of memory) then its text, on a pipe.  A job that dies before it
 * reports failed for the machine too: never the student's points.
 */
#include "pool.h"

#include "cpu_quota.h"
#include "environment.h"
#include "jobuid.h"
#include "run.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Slots of the jobs running now, one bit each (this process's own jobs). */
static uint64_t busy_slots;

int pool_cpus(void)
{
	char why[8192];
	int n = (int)cpu_quota_usable(why, sizeof why);
	return n < 1 ? 1 : n > JOBUID_MAX_SLOTS ? JOBUID_MAX_SLOTS : n;
}

/* The lowest free slot, -1 if as many jobs as CPUs are running. */
static int take_slot(void)
{
	for (int s = 0; s < pool_cpus(); s++)
		if (!(busy_slots & (UINT64_C(1) << s))) {
			busy_slots |= UINT64_C(1) << s;
			return s;
		}
	return -1;
}

static void write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, data, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		data += w;
		len -= (size_t)w;
	}
}

static void release_slot(struct pool_job *job)
{
	if (job->slot >= 0)
		busy_slots &= ~(UINT64_C(1) << job->slot);
	job->slot = -1;
}

int pool_start(struct pool_job *job, bool (*fn)(void *arg, struct text *out), void *arg)
{
	int fds[2];
	memset(job, 0, sizeof *job);
	job->slot = take_slot();
	if (job->slot < 0 || pipe2(fds, O_CLOEXEC) != 0) {
		release_slot(job);
		return -1;
	}
	job->started = monotonic_now();
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		release_slot(job);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		run_init();
		jobuid_enter(job->slot);
		struct text out = {0}, report = {0};
		unsigned long kills = environment_oom_kills();
		char verdict = fn(arg, &out) ? '1' : '0';
		if (verdict == '0' && environment_out_of_memory(kills, &report))
			verdict = 'E';
		text_add(&report, out.data ? out.data : "");
		write_all(fds[1], &verdict, 1);
		write_all(fds[1], report.data, report.len);
		_exit(0);
	}
	close(fds[1]);
	job->pid = pid;
	job->fd = fds[0];
	return 0;
}

/* Reads what the job wrote; true at end of file. */
static bool read_report(struct pool_job *job)
{
	char buf[65536];
	ssize_t n = read(job->fd, buf, sizeof buf);
	if (n < 0 && errno == EINTR)
		return false;
	if (n <= 0)
		return true;
	text_addn(&job->report, buf, (size_t)n);
	return false;
}

static void finish(struct pool_job *job)
{
	close(job->fd);
	int status;
	waitpid(job->pid, &status, 0);
	job->pid = 0;
	release_slot(job);
	job->seconds = monotonic_now() - job->started;
	const char *r = job->report.data;
	job->passed = r && r[0] == '1';
	job->machine_failed = !r || !strchr("10", r[0]);
	if (r && strchr("10E", r[0])) {
		memmove(job->report.data, r + 1, job->report.len);
		job->report.len--;
	} else {
		text_add(&job->report,
		         "grader error: the grading job died before it reported "
		         "(out of memory?); this verdict is the machine's, not one on "
		         "your code\n");
	}
}

int pool_wait_any(struct pool_job *jobs, int n)
{
	struct pollfd p[64];
	int map[64];
	for (;;) {
		int np = 0;
		for (int i = 0; i < n && np < 64; i++)
			if (jobs[i].pid > 0) {
				p[np] = (struct pollfd){jobs[i].fd, POLLIN, 0};
				map[np++] = i;
			}
		if (np == 0)
			return -1;
		if (poll(p, (nfds_t)np, -1) < 0 && errno != EINTR)
			return -1;
		for (int k = 0; k < np; k++) {
			if (!p[k].revents)
				continue;
			struct pool_job *job = &jobs[map[k]];
			if (read_report(job)) {
				finish(job);
				return map[k];
			}
		}
	}
}
