/*
 * verdict.h -- reads the records a harness wrote on its verdict channel.
 */
#ifndef GRADER_VERDICT_H
#define GRADER_VERDICT_H

#include <stdbool.h>

struct verdict {
	bool ended;    /* the harness reached its normal end */
	bool passed;   /* a pass record for the test, and no failure */
	char *failure; /* "file:line: message" of the first failure, or NULL */
	char *info;    /* evidence lines, each ending in '\n' ("" if none) */
};

/* Parses records; lines without the run's key (forged, or noise) are
 * ignored.  A run counts only with exactly one pass or fail and an end. */
void verdict_parse(const char *records, const char *key, const char *test, struct verdict *v);
void verdict_free(struct verdict *v);

#endif
