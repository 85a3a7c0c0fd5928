/*
 * figures.c -- what a test says about the measurement itself, beyond pass
 * or fail: that this machine cannot measure it, or a figure worth a
 * leaderboard.  Both are info records of fixed form, which the grader
 * reads from a passed test's evidence only (grader/results.h): a
 * submission's own output never reaches that evidence.
 */
#include "harness.h"
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>

void harness_unmeasurable(const char *fmt, ...)
{
	char reason[1600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	harness_recordf("info", "unmeasurable here: %s", reason);
}

void harness_leaderboard(const char *name, double value, bool higher_is_better)
{
	harness_recordf("info", "leaderboard: %s = %g (%s is better)", name, value,
	                higher_is_better ? "higher" : "lower");
}
