/*
 * rundir.h -- fresh folders for every run, removed without following links.
 */
#ifndef GRADER_RUNDIR_H
#define GRADER_RUNDIR_H

#include <stddef.h>

/* Prefixes of what rundir_create makes under an exercise's work folder. */
#define RUNDIR_RUN  "run-"
#define RUNDIR_HOME "home-"

/* Creates a new, empty, randomly named folder parent/PREFIXxxxxxx (mkdtemp,
 * mode 0700) and hands it to uid:gid without following any link; no hand-over
 * when uid is the grader's own.  Its path goes to path.  -1 with errno (then
 * nothing is left behind). */
int rundir_create(const char *parent, const char *prefix, unsigned uid, unsigned gid, char *path,
                  size_t len);

/* Creates the runs' HOME: a new, empty folder parent/home-xxxxxx owned by the
 * grader, mode 0555, so that no run can plant a file (a .valgrindrc) there.
 * -1 with errno. */
int rundir_create_home(const char *parent, char *path, size_t len);

/* Removes path and all it holds, whatever a run left there: folders with any
 * mode, deep trees, FIFOs, sockets, symbolic links (the link is removed, never
 * what it points to).  0, or -1 with errno if something could not be removed. */
int rundir_remove(const char *path);

/* Removes every entry of parent whose name starts with prefix, as
 * rundir_remove: folders a killed grader (or an older one) left behind.
 * Returns how many could not be removed. */
int rundir_sweep(const char *parent, const char *prefix);

#endif
