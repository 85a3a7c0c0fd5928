/*
 * jobuid.c -- a sandbox user of its own for every parallel grading job.
 *
 * pool.c runs as many rubric tests at once as there are CPUs.  Were they all
 * one user, a submission could signal the processes of another test, write
 * into its run folder while it runs, or use up the other's share of
 * RLIMIT_NPROC.  So each pool slot runs its tests as its own uid: slot 0 as
 * the sandbox user (nobody), slot k as the uid block + k of a block that no
 * account has and no running process uses.  Such uids own nothing but the
 * run folders handed to them, and files the runs need (the harness
 * binaries, the copied header, the suppressions) are the grader's and only
 * readable by others.  jobuid_give_dir hands a build folder to the sandbox
 * user while the compiler writes there, and back.
 */
#include "jobuid.h"

#include "run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Candidate blocks are this far apart; this many are tried. */
enum { BLOCK_STRIDE = 1 << 16, BLOCK_TRIES = 16 };

static unsigned sandbox_uid, sandbox_gid, block;
static int nslots = 1;
static unsigned current_uid, current_gid;

/* Whether a running process belongs to a uid in [lo, hi). */
static bool running_as(unsigned lo, unsigned hi)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;
	bool found = false;
	while (proc && !found && (e = readdir(proc)) != NULL) {
		char path[300];
		struct stat st;
		snprintf(path, sizeof path, "/proc/%s", e->d_name);
		found = atoi(e->d_name) > 0 && stat(path, &st) == 0 && st.st_uid >= lo &&
		        st.st_uid < hi;
	}
	if (proc)
		closedir(proc);
	return found;
}

static bool block_free(unsigned first, int slots)
{
	for (int k = 1; k < slots; k++)
		if (getpwuid((uid_t)(first + (unsigned)k)))
			return false;
	return !running_as(first + 1, first + (unsigned)slots);
}

int jobuid_setup(unsigned uid, unsigned gid, int slots)
{
	sandbox_uid = current_uid = uid;
	sandbox_gid = current_gid = gid;
	if (uid == 0 || slots <= 1)
		return 1;
	if (slots > JOBUID_MAX_SLOTS)
		slots = JOBUID_MAX_SLOTS;
	for (unsigned k = 0; k < BLOCK_TRIES && !block; k++)
		if (block_free(JOBUID_FIRST + k * BLOCK_STRIDE, slots))
			block = JOBUID_FIRST + k * BLOCK_STRIDE;
	nslots = block ? slots : 1;
	return nslots;
}

unsigned jobuid_block(void)
{
	return block;
}

void jobuid_enter(int slot)
{
	if (sandbox_uid == 0)
		return;
	current_uid = slot > 0 && slot < nslots ? block + (unsigned)slot : sandbox_uid;
	run_set_sandbox_user(current_uid, current_gid);
}

void jobuid_current(unsigned *uid, unsigned *gid)
{
	*uid = sandbox_uid ? current_uid : (unsigned)geteuid();
	*gid = sandbox_uid ? current_gid : (unsigned)getegid();
}

void jobuid_give_dir(const char *dir, unsigned uid, unsigned gid)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fchown(fd, uid, gid) != 0) {
		if (fd >= 0)
			close(fd);
		return;
	}
	DIR *d = fdopendir(fd);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (fchownat(fd, e->d_name, uid, gid, AT_SYMLINK_NOFOLLOW) != 0)
			fprintf(stderr, "grader: cannot hand %s/%s to uid %u: %s\n", dir, e->d_name,
			        uid, strerror(errno));
	}
	if (d)
		closedir(d);
	else
		close(fd);
}
