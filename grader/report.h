/*
 * report.h -- what the student reads on the terminal.
 */
#ifndef GRADER_REPORT_H
#define GRADER_REPORT_H

#include "results.h"

/* Colour only on a terminal and without NO_COLOR. */
void report_init(void);
void report_header(const char *src, unsigned long long seed, const char *isolation);
/* A line under the header about the machine (too few CPUs, ...). */
void report_warning(const char *text);
void report_exercise_start(const char *exercise);
/* A transient line saying what runs now (terminal only). */
void report_progress(const char *exercise, const char *what);
void report_test(const struct outcome *o);
void report_exercise_end(const struct results *r, const char *exercise);
void report_summary(const struct results *r, const char *const *exercises, int count);

#endif
