/*
 * run_limits.h -- the resource limits of an untrusted run, said once.
 *
 * keeper.c applies them, harness_run.c passes the output cap and the
 * ThreadSanitizer memory options, and isolation.c writes them into every
 * report's header: the figures a student or instructor reads are the
 * figures in force.
 */
#ifndef GRADER_RUN_LIMITS_H
#define GRADER_RUN_LIMITS_H

/* Bytes of a run's output kept for evidence; the rest is counted. */
#define LIMIT_OUTPUT_BYTES (64UL << 10)
/* Largest file a run may write (RLIMIT_FSIZE). */
#define LIMIT_FILE_BYTES (64UL << 20)
/* Address space of a run without ThreadSanitizer (RLIMIT_AS): enough for
 * any honest harness run, natively or under Valgrind. */
#define LIMIT_ADDRESS_SPACE_BYTES (4UL << 30)
/* ThreadSanitizer reserves terabytes of address space, so RLIMIT_AS cannot
 * bound it: its own allocator and RSS limits do (TSAN_OPTIONS). */
#define LIMIT_TSAN_ALLOCATION_MB 2048
#define LIMIT_TSAN_RSS_MB        3072
/* Processes of the sandbox user at once (RLIMIT_NPROC): stops fork bombs. */
#define LIMIT_PROCESSES 4096
/* CPU seconds of a run (RLIMIT_CPU) with a wall-clock limit of `timeout`:
 * every core busy for the whole limit, and some. */
#define LIMIT_CPU_SECONDS(timeout) ((timeout)*4 + 10)

#endif
