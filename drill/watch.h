/*
 * watch.h -- notices when the student saves their file.
 *
 * inotify on the file's folder when it can (editors often save by writing
 * a new file and renaming it over the old, which a watch on the file itself
 * would miss), polling the file's size, mtime and inode when it cannot or
 * when asked to (DRILL_POLL=1).
 */
#ifndef DRILL_WATCH_H
#define DRILL_WATCH_H

#include <stdbool.h>
#include <sys/stat.h>

enum { WATCH_POLL_MS = 250 };

struct watch {
	char *path;
	int fd;           /* inotify descriptor to poll(), or -1 when polling */
	struct stat seen; /* the file as last seen */
	bool exists;
};

/* Starts watching path; polling if force_poll or inotify is unavailable. */
void watch_start(struct watch *w, const char *path, bool force_poll);
/* After fd is readable (or every WATCH_POLL_MS when polling): whether
 * the file changed since the last call. */
bool watch_changed(struct watch *w);
void watch_stop(struct watch *w);

#endif
