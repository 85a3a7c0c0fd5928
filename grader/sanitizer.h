/*
 * sanitizer.h -- turns ThreadSanitizer and Helgrind logs into what a
 * student can act on.
 */
#ifndef GRADER_SANITIZER_H
#define GRADER_SANITIZER_H

#include "text.h"

#include <stdbool.h>

/* Appends to out an explanation of every report in log, with the frames in
 * the student's file (student_path, as compiled) shown as shown_path:line
 * and their source lines.  Returns the number of reports found. */
int tsan_explain(const char *log, const char *student_path, const char *shown_path,
                 struct text *out);
/* ended_early: the harness stopped the run on a failed test, so threads it
 * never joined still hold their locks; Helgrind's "Exiting thread still
 * holds" reports are then the harness's doing and are not counted. */
int helgrind_explain(const char *log, const char *student_path, const char *shown_path,
                     bool ended_early, struct text *out);

#endif
