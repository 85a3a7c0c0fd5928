/*
 * runlogs.h -- reads the logs a tool wrote into a run folder, safely.
 */
#ifndef GRADER_RUNLOGS_H
#define GRADER_RUNLOGS_H

#include "text.h"

/* Most bytes of logs read from one run; the rest is cut (and said so). */
#define RUNLOGS_CAP (16UL << 20)

/* The logs named PREFIX.* in the run folder dir ("tsan.4242", one per
 * process), concatenated (never NULL).  Only regular files owned by owner
 * (the user the run ran as) are read, up to RUNLOGS_CAP bytes in all;
 * anything else named like a log (a link, a FIFO, a folder, someone else's
 * file) is neither opened through nor read, and a line in notes says it was
 * ignored. */
char *runlogs_read(const char *dir, const char *prefix, unsigned owner, struct text *notes);

#endif
