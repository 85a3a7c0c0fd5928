/*
 * machine.c -- a timing test has the machine to itself, whichever grader
 * runs it (see machine.h).
 *
 * Two files in one folder, locked with flock(2): "machine" (shared by
 * graders that run anything, exclusive for one that runs a timing test)
 * and "turnstile" (held while taking either, and by a grader from the
 * moment it wants to run alone until its timing test ends).  Invariant: a
 * grader never waits for the turnstile while it holds "machine", so no two
 * graders wait on each other.  A wait that runs out ends the coordination
 * for the rest of the grading (machine_leave): whoever holds the files for
 * ever, be it a stuck grader or another user, costs a grading one wait at
 * most.  The descriptors are close-on-exec and the harness closes every
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

/* Stops coordinating: every call does nothing from now on. */
static void machine_leave(void)
{
	if (machine_fd >= 0)
		close(machine_fd);
	if (turnstile_fd >= 0)
		close(turnstile_fd);
	machine_fd = turnstile_fd = -1;
}

/* Takes the turnstile, then "machine" with op (LOCK_SH or LOCK_EX), then
 * lets go of the turnstile; if either wait runs out, leaves. */
static bool take_through_turnstile(int op)
{
	double deadline = monotonic_now() + longest_wait;
	bool taken = lock_by(turnstile_fd, LOCK_EX, deadline) && lock_by(machine_fd, op, deadline);
	if (!taken) {
		machine_leave();
		return false;
	}
	flock(turnstile_fd, LOCK_UN);
	return true;
}

int machine_join(const char *dir, double max_wait)
{
	longest_wait = max_wait;
	machine_fd = open_lock(dir, "machine");
	turnstile_fd = open_lock(dir, "turnstile");
	if (machine_fd < 0 || turnstile_fd < 0) {
		machine_leave();
		return -1;
	}
	take_through_turnstile(LOCK_SH);
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

double machine_alone(void)
{
	if (machine_fd < 0)
		return 0;
	double start = monotonic_now();
	/* flock converts a lock by dropping it first, so the shared hold is
	 * given up here in any case: waiting for "machine" exclusively while
	 * holding it shared would never end. */
	flock(machine_fd, LOCK_UN);
	return take_through_turnstile(LOCK_EX) ? monotonic_now() - start : -1;
}

void machine_share(void)
{
	if (machine_fd < 0)
		return;
	flock(machine_fd, LOCK_UN);
	take_through_turnstile(LOCK_SH);
}
