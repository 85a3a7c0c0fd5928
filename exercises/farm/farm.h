/*
 * farm.h -- a master process that hands tasks to worker processes over
 * pipes and collects their results.  See README.md in this folder for the
 * task.
 */
#ifndef FARM_H
#define FARM_H

/* The interface exactly as the course contract writes it. */
/* clang-format off */
#include <stddef.h>
typedef int (*farm_work)(const void *input, size_t input_len,
                         void **output, size_t *output_len);
                                        /* runs in a worker; mallocs *output;
                                           0, or non-zero when the task fails */
enum farm_status { FARM_DONE = 0, FARM_FAILED = 1, FARM_CRASHED = 2 };
typedef struct farm_task {
    const void *input;                  /* in */
    size_t input_len;                   /* in: 0 to 16 MiB */
    void *output;                       /* out: malloc'd by farm_run, freed by
                                           the caller; NULL unless FARM_DONE */
    size_t output_len;                  /* out */
    int status;                         /* out: enum farm_status */
    int error;                          /* out: work's non-zero value (FARM_FAILED),
                                           the signal that killed the worker
                                           (FARM_CRASHED), else 0 */
} farm_task_t;
/* clang-format on */

/* Forks nworkers (1 to 64) worker processes, each joined to the caller by
 * its own pipes, and hands the tasks out one in flight per worker.  Returns
 * 0 once every task has its status, every worker has exited and been reaped
 * and every pipe is closed; -1 with errno when it cannot start (EINVAL for
 * 0 or more than 64 workers; a failed fork or pipe, after cleaning up). */
int farm_run(unsigned nworkers, farm_work work, farm_task_t tasks[], size_t ntasks);

#endif
