/*
 * cpu_quota.h -- how many CPUs this process may really use: its affinity,
 * and the CPU quota of its control groups (containers, Gradescope's half
 * a CPU), which sched_getaffinity does not show.  Shared by the harness
 * (timing tests) and the grader (how many runs at once).
 */
#ifndef HARNESS_CPU_QUOTA_H
#define HARNESS_CPU_QUOTA_H

#include <stddef.h>

/* The tightest CPU quota over this process's cgroups and their parents, in
 * CPUs (cgroup v1 cpu.cfs_quota_us / cpu.cfs_period_us, v2 cpu.max); 0 when
 * there is none.  where: the file and its figures, when there is one. */
double cpu_quota(char *where, size_t len);

/* CPUs by affinity (sched_getaffinity), at least 1. */
unsigned cpu_quota_affinity(void);

/* Usable CPUs: the affinity, lowered to the whole CPUs of a quota, at least
 * 1.  why: how the count was found, naming the quota if there is one. */
unsigned cpu_quota_usable(char *why, size_t len);

#endif
