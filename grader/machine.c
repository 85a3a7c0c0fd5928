/*
 * machine.c -- a timing test has the machine to itself, whichever grader
 * runs it (see machine.h).
 *
 * Two files in one folder, locked with flock(2): "machine" (shared by
 * graders that run anything, exclusive for one that runs a timing test)
 * and "turnstile" (held while taking either, and by a grader from the
 * moment it wants to run alone until its timing test ends).  Invariant: a
 * grader never waits for the turnstile while it holds "machine", so no two
 * graders wait on each other.  A grader that wants to run alone also goes
 * ahead once the machine has stayed idle for half a second: the jobs other
 * graders still run are then blocked ones (a hang waiting out its limit),
 * which take nothing from the test, and the turnstile stops new ones.
 * The descriptors are close-on-exec and the harness closes every inherited
 * descriptor, so a submission never holds either.
 */
#include "machine.h"

#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int machine_fd = -1, turnstile_fd = -1;
static double longest_wait;
/* The turnstile, held from machine_alone to machine_share: no grader
 * starts a job meanwhile. */
static bool holding_turnstile;

/* Idle: under IDLE_BUSY of all CPUs busy in each IDLE_SAMPLE for IDLE_SPAN. */
#define IDLE_BUSY   0.10
#define IDLE_SAMPLE 0.1
#define IDLE_SPAN   0.5

/* The machine's CPU time so far, all CPUs: total[0] and idle (with I/O
 * wait) total[1], in clock ticks; false if /proc/stat cannot be read. */
static bool cpu_totals(unsigned long long total[2])
{
	unsigned long long v[8] = {0};
	FILE *f = fopen("/proc/stat", "re");
	int n = f ? fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
	                   &v[3], &v[4], &v[5], &v[6], &v[7])
	          : 0;
	if (f)
		fclose(f);
	if (n < 5)
		return false;
	total[0] = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
	total[1] = v[3] + v[4];
	return true;
}

static int open_lock(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/concurrency-grader.%s.lock", dir, name);
	/* Read-only is enough for flock; O_NOFOLLOW: not through a planted link.
	 * An existing file is opened without O_CREAT, which the kernel refuses
	 * on another user's file in /tmp (fs.protected_regular). */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT) {
		fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
		if (fd >= 0)
			(void)fchmod(fd, 0644); /* graders of other users open it too */
	}
	return fd;
}

/* flock(fd, op) within deadline, polling (flock has no timeout). */
static bool lock_by(int fd, int op, double deadline)
{
	for (;;) {
		if (flock(fd, op | LOCK_NB) == 0)
			return true;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return false;
		if (monotonic_now() >= deadline)
			return false;
		nanosleep(&(struct timespec){0, 10000000L}, NULL);
	}
}

/* Takes the shared hold through the turnstile; false if it gave up. */
static bool take_shared(double deadline)
{
	bool in = lock_by(turnstile_fd, LOCK_EX, deadline);
	bool shared = lock_by(machine_fd, LOCK_SH, deadline);
	if (in)
		flock(turnstile_fd, LOCK_UN);
	return shared;
}

int machine_join(const char *dir, double max_wait)
{
	longest_wait = max_wait;
	machine_fd = open_lock(dir, "machine");
	turnstile_fd = open_lock(dir, "turnstile");
	if (machine_fd < 0 || turnstile_fd < 0) {
		if (machine_fd >= 0)
			close(machine_fd);
		if (turnstile_fd >= 0)
			close(turnstile_fd);
		machine_fd = turnstile_fd = -1;
		return -1;
	}
	take_shared(monotonic_now() + longest_wait);
	return 0;
}

bool machine_wanted(void)
{
	if (turnstile_fd < 0)
		return false;
	/* A shared probe: graders probing at once do not see each other as
	 * waiting, only a holder of the turnstile. */
	if (flock(turnstile_fd, LOCK_SH | LOCK_NB) == 0) {
		flock(turnstile_fd, LOCK_UN);
		return false;
	}
	return errno == EWOULDBLOCK;
}

/* Busy share of the machine's CPU time (all CPUs) over about interval
 * seconds, from /proc/stat; 1 if unknown. */
static double busy_share(double interval)
{
	unsigned long long before[2], after[2];
	if (!cpu_totals(before))
		return 1;
	nanosleep(&(struct timespec){0, (long)(interval * 1e9)}, NULL);
	if (!cpu_totals(after) || after[0] <= before[0])
		return 1;
	return 1.0 - (double)(after[1] - before[1]) / (double)(after[0] - before[0]);
}

double machine_alone(void)
{
	if (machine_fd < 0)
		return 0;
	double start = monotonic_now(), deadline = start + longest_wait;
	/* flock converts a lock by dropping it first, so the shared hold is
	 * given up here in any case: waiting for "machine" exclusively while
	 * holding it shared would never end. */
	flock(machine_fd, LOCK_UN);
	holding_turnstile = lock_by(turnstile_fd, LOCK_EX, deadline);
	/* No grader starts a job now.  Those still running elsewhere may be
	 * blocked for good (a hang waits out its limit): once the machine has
	 * been idle for IDLE_SPAN, they take nothing from the test. */
	int idle_samples = 0;
	while (flock(machine_fd, LOCK_EX | LOCK_NB) != 0) {
		if (monotonic_now() >= deadline)
			return -1;
		idle_samples = busy_share(IDLE_SAMPLE) < IDLE_BUSY ? idle_samples + 1 : 0;
		if (idle_samples * IDLE_SAMPLE >= IDLE_SPAN)
			return monotonic_now() - start;
	}
	return monotonic_now() - start;
}

void machine_share(void)
{
	if (machine_fd < 0)
		return;
	flock(machine_fd, LOCK_UN);
	if (holding_turnstile)
		flock(turnstile_fd, LOCK_UN);
	holding_turnstile = false;
	take_shared(monotonic_now() + longest_wait);
}
