/*
 * environment.h -- faults of the grading machine, told apart from the
 * student's: a ThreadSanitizer that cannot start, a run the kernel killed
 * for want of memory.
 */
#ifndef GRADER_ENVIRONMENT_H
#define GRADER_ENVIRONMENT_H

#include "grader.h"
#include "run.h"
#include "text.h"

#include <stdbool.h>
#include <stddef.h>

/* Builds and runs a two-thread program with clang -fsanitize=thread in the
 * work folder.  0 when it runs; -1 when ThreadSanitizer cannot start here,
 * with err saying why and how to fix the machine (every tsan check would
 * otherwise fail as if the student had written a race). */
int environment_check_tsan(const struct grader_config *cfg, char *err, size_t errlen);

/* The kernel's count of out-of-memory kills so far (/proc/vmstat oom_kill;
 * 0 where the kernel does not say).  Read it before a run. */
unsigned long environment_oom_kills(void);

/* True if r was killed by the kernel's out-of-memory killer: SIGKILL that
 * the grader's time limit did not send, while the kernel's count of such
 * kills grew since kills_before.  Then says so in why, as the machine's
 * failure. */
bool environment_oom_killed(const struct run_result *r, unsigned long kills_before,
                            struct text *why);

#endif
