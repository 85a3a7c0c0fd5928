/*
 * farm_support.h -- what the farm harness's test files share: the work
 * function and its record of every call, the inputs, the checks of the
 * results, and the caller's descriptors and children.
 *
 * The work function is the harness's own (farm_support.c): a checksum and
 * transform of the input, so every output can be verified byte for byte.
 * It runs in the student's workers, where it must never report through the
 * harness (that would write verdicts from another process): it writes what
 * it saw to memory shared with the test process (struct farm_shared), and
 * the test judges afterwards.
 *
 * An input of 8 bytes or more is tagged with its task's index, so each call
 * is tied to its task; a plan in shared memory tells the work function what
 * to do with each index (fail, crash, spin, ...).
 */
#ifndef FARM_SUPPORT_H
#define FARM_SUPPORT_H

#include "farm.h"
#include "harness.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define FARM_MAX_TASKS 10240
#define FARM_MAX_CALLS 20480
#define FARM_FD_LIMIT  1024
#define MIB            ((size_t)1 << 20)

/* What the work function does with a task, beyond its transform. */
enum farm_action {
	ACT_TRANSFORM, /* the output, and 0 */
	ACT_FAIL,      /* returns the plan's value, no output */
	ACT_SEGV,      /* writes through a bad pointer */
	ACT_KILL,      /* SIGKILL to itself */
	ACT_EXIT,      /* _exit(3) in the middle of the work */
	ACT_SPIN,      /* computes for the plan's value in iterations, then the output */
	ACT_STALL,     /* the output; then every later read of this worker blocks,
	                  and a child of it keeps its pipes' write ends open */
};

struct farm_plan {
	unsigned char action; /* enum farm_action */
	long value;           /* ACT_FAIL: work's value; ACT_SPIN: iterations */
};

/* One task's run, as the work function saw it (the last run of the index). */
struct farm_run_record {
	pid_t pid;
	int runs;
	double start, end;  /* harness_now() clock */
	double cpu, waited; /* the worker's CPU time and run delay during the task */
	int foreign_fds;    /* descriptors beyond stdio and the caller's own */
};

struct farm_shared {
	pid_t caller;
	atomic_int calls;
	pid_t call_pid[FARM_MAX_CALLS];
	struct farm_plan plan[FARM_MAX_TASKS];
	struct farm_run_record rec[FARM_MAX_TASKS];
	bool count_fds; /* the work function counts its worker's descriptors */
	bool measure;   /* it measures CPU time and run delay */
	unsigned char caller_fd[FARM_FD_LIMIT]; /* open in the caller before farm_run */
	atomic_int stalled_pid;
	char note[1024]; /* what a caller the test forked found wrong */
};

extern struct farm_shared *farm_shared;

/* Once per test (one test per process): shared memory, the caller's pid,
 * SIGCHLD at its default, SIGPIPE at its default, the hang reporter. */
void farm_setup(void);

/* The harness's work function, for farm_run. */
int farm_test_work(const void *input, size_t input_len, void **output, size_t *output_len);

/* The computation ACT_SPIN does, in the calling process (to calibrate). */
void farm_spin_here(long iterations);

/* Tasks with inputs of the given lengths (task i gets len[i] bytes of
 * seeded data, tagged with i when 8 bytes or more); free with farm_free. */
farm_task_t *farm_make_tasks(const size_t len[], size_t n);
void farm_free(farm_task_t *tasks, size_t n);

/* Calls farm_run with farm_test_work, noting the caller's descriptors for
 * the workers first; a worker that returns from farm_run ends there. */
int farm_call(unsigned nworkers, farm_task_t tasks[], size_t n);

/* Checks every task's outcome against its plan: exact output for done
 * tasks, the value for failed ones, the signal for crashed ones; and that
 * the work ran in a worker, never in the caller.  `what` names the run. */
void farm_check_results(const farm_task_t tasks[], size_t n, const char *what);

/* How many distinct worker pids the work function saw. */
unsigned farm_distinct_pids(void);

/* The caller's open descriptors, as a set of numbers below FARM_FD_LIMIT. */
struct farm_fds {
	unsigned char open[FARM_FD_LIMIT];
	int count;
};
void farm_fds_now(struct farm_fds *fds);
/* Fails the test unless the caller's descriptors are those of `before`. */
void farm_check_fds(const struct farm_fds *before, const char *when);
/* Fails the test if the caller has any child, running or zombie. */
void farm_check_no_children(const char *when);

/* The hang report (procwatch.c): every process of the run and where it
 * waits, and for each pipe one waits on, who holds its ends. */
void farm_report_hang(void);

/* Each test file registers its tests (farm_define.c calls them in order). */
void farm_functional_tests(void);
void farm_crash_tests(void);
void farm_deadlock_tests(void);
void farm_timing_tests(void);

#endif
