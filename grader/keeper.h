/*
 * keeper.h -- the process between the grader and an untrusted command
 * (keeper.c), and what it reports to run.c.
 */
#ifndef GRADER_KEEPER_H
#define GRADER_KEEPER_H

#include "run.h"

#include <sys/types.h>

/* What the keeper tells the grader, one fixed-size record a write (well
 * under PIPE_BUF, so never split): first the command's pid, before the
 * command may run, then how it ended. */
enum keeper_event { KEEPER_STARTED = 1, KEEPER_NOT_STARTED, KEEPER_ENDED };
/* END_STOPPED: stopped by a signal (value) and left stopped for
 * KEEPER_STOPPED_GRACE seconds, then killed: it could never finish. */
enum keeper_end { END_EXITED, END_SIGNALED, END_TIMED_OUT, END_STOPPED };
#define KEEPER_STOPPED_GRACE 1.0
struct keeper_report {
	int event;      /* enum keeper_event */
	int pid;        /* the command (KEEPER_STARTED) */
	int end;        /* enum keeper_end (KEEPER_ENDED) */
	int value;      /* exit status or signal */
	double seconds; /* how long the command ran */
	int leftover;   /* its descendants still alive at the end, killed */
};

/* In a child of the grader `grader`: runs spec with out_fd as its stdout
 * and stderr, verdict_fd and config_fd (or -1) on the protocol's numbers,
 * and writes keeper_reports to status_fd.  Never returns. */
_Noreturn void keeper_main(const struct run_spec *spec, pid_t grader, int out_fd, int verdict_fd,
                           int config_fd, int status_fd);

/* Kills and reaps every child of this process until none is left; how
 * many were killed (ThreadSanitizer's symbolizer not counted). */
int keeper_sweep_children(void);

#endif
