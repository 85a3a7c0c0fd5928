/*
 * environment.h -- faults of the grading machine, told apart from the
 * student's: a ThreadSanitizer that cannot start, a run the kernel killed
 * for want of memory.
 */
#ifndef GRADER_ENVIRONMENT_H
#define GRADER_ENVIRONMENT_H

#include "grader.h"
#include "text.h"

#include <stdbool.h>
#include <stddef.h>

/* Builds and runs a two-thread program with clang -fsanitize=thread in the
 * work folder.  0 when it runs; -1 when ThreadSanitizer cannot start here,
 * with err saying why and how to fix the machine (every tsan check would
 * otherwise fail as if the student had written a race). */
int environment_check_tsan(const struct grader_config *cfg, char *err, size_t errlen);

/* The kernel's count of out-of-memory kills so far (/proc/vmstat oom_kill,
 * memory cgroups' kills included; 0 where the kernel does not say).  Read
 * it before a job. */
unsigned long environment_oom_kills(void);

/* True if the kernel killed processes for want of memory since the count
 * was kills_before; then says in why that the machine ran out of memory. */
bool environment_out_of_memory(unsigned long kills_before, struct text *why);

#endif
