/*
 * machine.c -- a timing test has the machine to itself, whichever grader
 * runs it (see machine.h).
 *
 * Two files in one folder, locked with flock(2): "machine" (shared by
 * graders that run anything, exclusive for one that runs a timing test)
 * and "turnstile" (held while taking either, and by a grader all the time
 * it waits for the exclusive lock).  Invariant: a grader never waits for
 * the turnstile while it holds "machine", so no two graders wait on each
 * other.  The descriptors are close-on-exec and the harness closes every
 * inherited descriptor, so a submission never holds either.
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

static int open_lock(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/concurrency-grader.%s.lock", dir, name);
	/* Read-only is enough for flock; O_NOFOLLOW: not through a planted link. */
	int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd >= 0)
		(void)fchmod(fd, 0644); /* graders of other users open it too */
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
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
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
	if (flock(turnstile_fd, LOCK_EX | LOCK_NB) == 0) {
		flock(turnstile_fd, LOCK_UN);
		return false;
	}
	return errno == EWOULDBLOCK;
}

double machine_alone(void)
{
	if (machine_fd < 0)
		return 0;
	double start = monotonic_now(), deadline = start + longest_wait;
	flock(machine_fd, LOCK_UN);
	bool in = lock_by(turnstile_fd, LOCK_EX, deadline);
	/* flock converts a lock by dropping it first, so the shared hold is
	 * given up above in any case: waiting for "machine" exclusively while
	 * holding it shared would never end. */
	bool alone = lock_by(machine_fd, LOCK_EX, deadline);
	if (in)
		flock(turnstile_fd, LOCK_UN);
	return alone ? monotonic_now() - start : -1;
}

void machine_share(void)
{
	if (machine_fd < 0)
		return;
	flock(machine_fd, LOCK_UN);
	take_shared(monotonic_now() + longest_wait);
}
