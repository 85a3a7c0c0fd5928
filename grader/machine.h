/*
 * machine.h -- a timing test has the machine to itself, whichever grader
 * runs it.
 *
 * schedule.c keeps one grader's other jobs away from its timing tests; this
 * keeps every other grader on the machine away too (a whole class graded at
 * once by grade-class, two students on one lab machine, the corpus graded
 * in shards).  Every grader holds a shared lock while it runs anything and
 * an exclusive one while it runs a timing test.  A turnstile taken before
 * either lets a grader that waits to run alone stop new shared holders, so
 * it waits only for the jobs already running.  It does not go ahead while
 * another grader's job looks idle: a submission could sleep, then spin
 * through a classmate's timing test.
 *
 * Every wait is bounded: a grader that cannot have the machine in time
 * runs anyway, and the timing harness's busy-machine rules apply; it then
 * stops coordinating, so whoever holds the files for ever costs a grading
 * one wait at most.  Without the lock files (a read-only folder) every
 * call does nothing.
 */
#ifndef GRADER_MACHINE_H
#define GRADER_MACHINE_H

#include <stdbool.h>

/* The longest the grader waits for the machine, in seconds. */
#define MACHINE_MAX_WAIT 600.0

/* Opens (creating them) the lock files in dir, which every grader on the
 * machine must name alike ("/tmp"), and takes the shared hold; no wait
 * below lasts more than max_wait seconds.  Returns 0, or -1 when the files
 * cannot be used: then the grader runs as if alone. */
int machine_join(const char *dir, double max_wait);

/* True while another grader waits to run alone: finish the running jobs,
 * then call machine_share before starting another. */
bool machine_wanted(void);

/* With no job running: stops other graders from starting jobs, and waits
 * until none of theirs runs (the exclusive hold).  Returns the seconds
 * waited, or -1 if it gave up after max_wait (the test then runs alongside
 * the others, and this grader stops coordinating). */
double machine_alone(void);

/* With no job running, after a test that ran alone or when another grader
 * wants the machine: lets the graders that wait to run alone go first, and
 * returns holding the shared lock again (or, after max_wait, having
 * stopped coordinating). */
void machine_share(void);

#endif
