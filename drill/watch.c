/*
 * watch.c -- notices when the student saves their file.  Whatever wakes
 * it (an inotify event in the folder, or the poll timer), the decision is
 * the same: the file's size, mtime or inode differs from last time.
 */
#include "watch.h"

#include "util.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

static bool stat_file(const char *path, struct stat *st)
{
	return stat(path, st) == 0;
}

void watch_start(struct watch *w, const char *path, bool force_poll)
{
	w->path = xstrdup(path);
	w->exists = stat_file(path, &w->seen);
	w->fd = force_poll ? -1 : inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0)
		return;
	char *copy = xstrdup(path);
	if (inotify_add_watch(w->fd, dirname(copy),
	                      IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE) < 0) {
		close(w->fd);
		w->fd = -1;
	}
	free(copy);
}

static bool same(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

bool watch_changed(struct watch *w)
{
	char events[4096];
	while (w->fd >= 0 && read(w->fd, events, sizeof events) > 0)
		continue;
	struct stat now;
	bool exists = stat_file(w->path, &now);
	bool changed = exists != w->exists || (exists && !same(&now, &w->seen));
	w->exists = exists;
	if (exists)
		w->seen = now;
	return changed;
}

void watch_stop(struct watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	free(w->path);
	w->path = NULL;
	w->fd = -1;
}
