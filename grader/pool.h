/*
 * pool.h -- runs grading jobs in child processes, a few at a time.
 */
#ifndef GRADER_POOL_H
#define GRADER_POOL_H

#include "text.h"

#include <stdbool.h>
#include <sys/types.h>

struct pool_job {
	pid_t pid; /* 0: not started or finished */
	int fd;    /* the child's report */
	int slot;  /* which of the CPUs' slots (and sandbox users) it has */
	struct text report;
	bool passed;
	bool machine_failed; /* failed for the machine (out of memory, the job died):
	                        not a verdict on the submission */
	double started, seconds;
};

/* Number of CPUs the grader may use (sched_getaffinity and the CPU quota,
 * see harness/common/cpu_quota.h), from 1 to JOBUID_MAX_SLOTS: how many
 * jobs may run at once. */
int pool_cpus(void);

/* Starts fn(arg, out) in a child process, in a free slot, as that slot's
 * sandbox user (jobuid_enter); its result and text come back through
 * pool_wait_any.  Returns -1 if the child cannot be started, or if as many
 * jobs as CPUs (pool_cpus) are running already. */
int pool_start(struct pool_job *job, bool (*fn)(void *arg, struct text *out), void *arg);

/* Waits until one of the n jobs that are running finishes; returns its
 * index, or -1 if none is running. */
int pool_wait_any(struct pool_job *jobs, int n);

#endif
