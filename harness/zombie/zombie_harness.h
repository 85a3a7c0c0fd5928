/*
 * zombie_harness.h -- what the zombie harness's files share: the memory the
 * children write their facts to, the start of every child, and the checks
 * made in the parent once run_children returned.
 *
 * The harness's files, by concern:
 *   zombie_children.c    the children's side and the parent's set-up and checks;
 *   zombie_functional.c  run_children: statuses, zombies, own children, EINTR,
 *                        fork failure (and harness_define);
 *   zombie_timing.c      run_children forks every child before waiting;
 *   zombie_reaper.c      the SIGCHLD handler, alone and on several threads.
 */
#ifndef ZOMBIE_HARNESS_H
#define ZOMBIE_HARNESS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <sys/types.h>

#define MAX_CHILDREN 512
/* Exit code of a child that went on running the harness after its job. */
#define ESCAPED_CHILD 0x7e

/* Facts the children write, in memory shared with the parent (MAP_SHARED):
 * each job's pid and when it started and ended. */
struct shared {
	pid_t pid[MAX_CHILDREN];
	double start[MAX_CHILDREN];
	double end[MAX_CHILDREN];
	atomic_uint started;
	int njobs;
	atomic_bool lingerer_gave_up; /* the lingering child ended on its own */
};

extern struct shared *shared;
extern pid_t harness_pid;
/* True in every child the harness or run_children forked: such a child may
 * not fork again (an atfork hook makes it exit with ESCAPED_CHILD). */
extern bool in_child;

/* --- the children's side ------------------------------------------------ */

/* First thing in every child: dies with the harness, never dumps core, and
 * notes its pid and start time in slot i. */
void child_begin(int i);

/* Job i's exit value: more than a byte, so the & 0xff shows. */
int job_value(int i);

/* --- the parent's side -------------------------------------------------- */

/* Once per test (one test per process): fresh shared memory for njobs jobs,
 * SIGCHLD at its default (ignoring it would make zombies vanish), the
 * atfork guard. */
void setup(int njobs);

/* Calls run_children, statuses[] set to -1 first; a child that returns
 * from it stops here. */
int call_run_children(int njobs, int (*job)(int), int statuses[]);

/* setup(njobs), then run_children, which must return 0. */
void run_children_expecting_success(int njobs, int (*job)(int), int statuses[]);

/* Every job ran in a child of its own: a run_children that forks nothing
 * leaves no zombie and overlaps nothing, and must pass no test. */
void check_every_child_ran(int njobs);

/* How many unreaped zombies this process has (reaps them to count). */
int count_and_reap_zombies(void);

/* After run_children (`when` says what happened): no child of the process
 * at all, zombie or running. */
void check_no_children_left(const char *when);

/* The zombie harness's tests, registered in the rubric's order. */
void zombie_define_timing(void);
void zombie_define_reaper(void);

#endif
