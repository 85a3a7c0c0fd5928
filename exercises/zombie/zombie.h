/*
 * zombie.h -- forking one child per job, collecting every exit status, and a
 * SIGCHLD handler that reaps children nobody waits for.  See README.md in
 * this folder for the task.
 */
#ifndef ZOMBIE_H
#define ZOMBIE_H

#include <stdbool.h>

/* Forks one child per job (njobs <= 256), all before waiting for any; child i
 * runs job(i) and _exits with its value & 0xff.  Stores child i's wait status
 * in statuses[i] and returns 0 once every child is reaped.  Reaps exactly its
 * own children and retries waits interrupted by a signal.  If a fork fails,
 * reaps the children already started and returns -1 with errno from fork. */
int run_children(int njobs, int (*job)(int i), int statuses[]);

/* Installs a SIGCHLD handler that reaps every terminated child without
 * blocking, however many exits one signal stands for.  0, or -1 with errno. */
int reaper_install(void);

/* Restores the SIGCHLD action that was in place before reaper_install. */
int reaper_remove(void);

/* How many children the handler reaped since reaper_install. */
long reaper_reaped(void);

#endif
