/*
 * runlogs.c -- reads the logs a tool wrote into a run folder, safely.
 *
 * The run folder belongs to the sandbox user: whatever is named like a log
 * there may be the submission's.  The root grader must not hang on a FIFO,
 * print what a symbolic link points to (/etc/shadow), or read without end.
 * So each candidate is opened with O_NOFOLLOW|O_NONBLOCK, checked with
 * fstat on the descriptor (a regular file, the run's user's), and read up to
 * a cap.
 */
#include "runlogs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind(mode_t mode)
{
	return S_ISFIFO(mode)   ? "a FIFO"
	       : S_ISDIR(mode)  ? "a folder"
	       : S_ISSOCK(mode) ? "a socket"
	       : S_ISLNK(mode)  ? "a symbolic link"
	                        : "not a regular file";
}

/* Appends up to *room bytes of the open file to all. */
static void read_capped(int fd, const char *name, size_t *room, struct text *all,
                        struct text *notes)
{
	char buf[65536];
	ssize_t n;
	while (*room > 0 && (n = read(fd, buf, sizeof buf < *room ? sizeof buf : *room)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			text_printf(notes, "grader: could not read the log %s: %s\n", name,
			            strerror(errno));
			return;
		}
		text_addn(all, buf, (size_t)n);
		*room -= (size_t)n;
	}
	if (*room == 0 && read(fd, buf, 1) > 0)
		text_printf(notes, "grader: the logs were cut after %lu MiB\n", RUNLOGS_CAP >> 20);
}

/* Reads one entry named like a log, if it is one. */
static void read_one(int dir, const char *name, unsigned owner, size_t *room, struct text *all,
                     struct text *notes)
{
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	struct stat st = {0};
	if (fd < 0) {
		text_printf(notes, "grader: ignored %s in the run folder: %s\n", name,
		            errno == ELOOP ? "a symbolic link, not a log" : strerror(errno));
		return;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		text_printf(notes, "grader: ignored %s in the run folder: %s, not a log\n", name,
		            kind(st.st_mode));
	else if (st.st_uid != (uid_t)owner)
		text_printf(notes, "grader: ignored %s in the run folder: not written by the run\n",
		            name);
	else
		read_capped(fd, name, room, all, notes);
	close(fd);
}

char *runlogs_read(const char *dir, const char *prefix, unsigned owner, struct text *notes)
{
	struct text all = {0};
	size_t room = RUNLOGS_CAP, len = strlen(prefix);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d && fd >= 0)
		close(fd);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL)
		if (strncmp(e->d_name, prefix, len) == 0 && e->d_name[len] == '.')
			read_one(dirfd(d), e->d_name, owner, &room, &all, notes);
	if (d)
		closedir(d);
	text_add(&all, "");
	return text_take(&all);
}
