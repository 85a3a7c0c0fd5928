/*
 * rundir.c -- fresh folders for every run, removed without following links.
 *
 * A run's working folder belongs to the sandbox user while it runs, so
 * whatever is in it afterwards is the submission's doing: files made
 * unwritable, folders chmod'ed 000, trees thousands deep, FIFOs, sockets,
 * symbolic links to /etc.  Nothing in it may outlive the run (a planted
 * .valgrindrc would change the next grading), and the root grader must never
 * act on what a link points to.  So every run gets a new, randomly named
 * folder in a parent that only the grader can write, and the folder is
 * removed after the run by a walk that opens every folder with O_NOFOLLOW,
 * holds one descriptor at a time (any depth), and goes back up through ".."
 * only after checking it is the folder it came from.
 */
#include "rundir.h"

#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Enough passes for any tree a run can make in its time, not for a process
 * that keeps adding files forever (there is none: runs are killed first). */
enum { MAX_PASSES = 1 << 22 };

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)

int rundir_create(const char *parent, const char *prefix, unsigned uid, unsigned gid, char *path,
                  size_t len)
{
	if ((size_t)snprintf(path, len, "%s/%sXXXXXX", parent, prefix) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (!mkdtemp(path))
		return -1;
	if (uid == (unsigned)geteuid())
		return 0;
	if (fchownat(AT_FDCWD, path, (uid_t)uid, (gid_t)gid, AT_SYMLINK_NOFOLLOW) != 0) {
		int saved = errno;
		rmdir(path);
		errno = saved;
		return -1;
	}
	return 0;
}

int rundir_create_home(const char *parent, char *path, size_t len)
{
	if (rundir_create(parent, RUNDIR_HOME, (unsigned)geteuid(), (unsigned)getegid(), path,
	                  len) != 0)
		return -1;
	if (chmod(path, 0555) != 0) {
		int saved = errno;
		rmdir(path);
		errno = saved;
		return -1;
	}
	return 0;
}

/* Opens the folder name in parent, never through a link, and takes it from
 * the run's user (the grader's, mode 0700), so that nothing can be added
 * while it is emptied.  A grader that is not root may meet folders the run
 * made unreadable (its own user's): it gives them back their rights first. */
static int enter(int parent, const char *name)
{
	int fd = openat(parent, name, DIR_FLAGS);
	if (fd < 0 && errno == EACCES && fchmodat(parent, name, 0700, 0) == 0)
		fd = openat(parent, name, DIR_FLAGS);
	if (fd >= 0 && (fchown(fd, geteuid(), getegid()) != 0 || fchmod(fd, 0700) != 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One pass over an open folder: removes every entry that is not a folder,
 * and every empty folder.  Names one folder that is not empty in sub (""
 * if none); *seen says whether the pass met any entry.  -1 if an entry
 * resists. */
static int clear_pass(int fd, char *sub, size_t len, bool *seen)
{
	int copy = dup(fd);
	DIR *d = copy >= 0 ? fdopendir(copy) : NULL;
	if (!d) {
		if (copy >= 0)
			close(copy);
		return -1;
	}
	rewinddir(d); /* the copy shares its offset with fd: start over */
	sub[0] = '\0';
	*seen = false;
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && !sub[0] && (e = readdir(d)) != NULL) {
		const char *name = e->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		*seen = true;
		if (unlinkat(fd, name, 0) == 0 || errno == ENOENT)
			continue;
		bool folder = errno == EISDIR || errno == EPERM;
		if (folder && unlinkat(fd, name, AT_REMOVEDIR) == 0)
			continue;
		if (folder && (errno == ENOTEMPTY || errno == EEXIST))
			snprintf(sub, len, "%s", name);
		else
			rc = -1;
	}
	closedir(d);
	return rc;
}

/* The identity of an open folder, to recognise it from below. */
struct place {
	dev_t dev;
	ino_t ino;
};

static int push(struct place **stack, size_t *depth, size_t *cap, int fd)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return -1;
	if (*depth == *cap) {
		size_t more = *cap ? 2 * *cap : 64;
		struct place *grown = realloc(*stack, more * sizeof **stack);
		if (!grown)
			return -1;
		*stack = grown;
		*cap = more;
	}
	(*stack)[(*depth)++] = (struct place){st.st_dev, st.st_ino};
	return 0;
}

/* From an emptied folder back to its parent, which must be the folder the
 * walk came down from (a folder moved meanwhile stops the walk). */
static int go_up(int fd, const struct place *expected)
{
	int up = openat(fd, "..", DIR_FLAGS);
	struct stat st;
	if (up >= 0 && fstat(up, &st) == 0 && st.st_dev == expected->dev &&
	    st.st_ino == expected->ino)
		return up;
	if (up >= 0)
		close(up);
	errno = EXDEV;
	return -1;
}

/* Empties the open folder fd and everything below it, depth first, one
 * descriptor at a time.  Consumes fd. */
static int empty_tree(int fd)
{
	struct place *stack = NULL;
	size_t depth = 0, cap = 0;
	int rc = 0;
	for (long pass = 0; rc == 0; pass++) {
		char sub[NAME_MAX + 1];
		bool seen;
		if (pass == MAX_PASSES || clear_pass(fd, sub, sizeof sub, &seen) != 0) {
			rc = -1;
		} else if (sub[0]) {
			int child = push(&stack, &depth, &cap, fd) == 0 ? enter(fd, sub) : -1;
			if (child < 0) {
				rc = -1;
			} else {
				close(fd);
				fd = child;
			}
		} else if (!seen) {
			if (depth == 0)
				break;
			int up = go_up(fd, &stack[depth - 1]);
			if (up < 0) {
				rc = -1;
			} else {
				close(fd);
				fd = up;
				depth--;
			}
		}
	}
	int saved = errno;
	close(fd);
	free(stack);
	errno = saved;
	return rc;
}

/* Removes name in the folder parent: a link or file itself, a folder with
 * all it holds (a few tries: something may have been added meanwhile by a
 * process that held the folder open). */
static int remove_at(int parent, const char *name)
{
	int rc = -1;
	for (int attempt = 0; attempt < 3 && rc != 0; attempt++) {
		if (unlinkat(parent, name, 0) == 0 || errno == ENOENT ||
		    unlinkat(parent, name, AT_REMOVEDIR) == 0)
			return 0;
		int fd = enter(parent, name);
		rc = fd >= 0 && empty_tree(fd) == 0 ? unlinkat(parent, name, AT_REMOVEDIR) : -1;
	}
	return rc;
}

int rundir_remove(const char *path)
{
	char *copy = xstrdup(path);
	if (!copy)
		return -1;
	char *slash = strrchr(copy, '/');
	const char *name = slash ? slash + 1 : copy;
	if (slash)
		*slash = '\0';
	const char *parent = !slash ? "." : slash == copy ? "/" : copy;
	int fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = fd >= 0 && *name ? remove_at(fd, name) : -1;
	int saved = errno;
	if (fd >= 0)
		close(fd);
	free(copy);
	errno = saved;
	return rc;
}

int rundir_sweep(const char *parent, const char *prefix)
{
	int fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int copy = fd >= 0 ? dup(fd) : -1;
	DIR *d = copy >= 0 ? fdopendir(copy) : NULL;
	if (!d) {
		if (copy >= 0)
			close(copy);
		if (fd >= 0)
			close(fd);
		return 0;
	}
	int failed = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			failed += remove_at(fd, e->d_name) != 0;
	closedir(d);
	close(fd);
	return failed;
}
