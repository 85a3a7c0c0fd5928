/*
 * rules.h -- an exercise's rules, checked on the student's object file.
 */
#ifndef GRADER_RULES_H
#define GRADER_RULES_H

#include "rubric.h"
#include "text.h"

#include <stdbool.h>

/* True if symbol matches one of the shell patterns (NULL-terminated). */
bool symbol_matches(const char *const *patterns, const char *symbol);

/* Matches the rubric's forbid and require patterns against the functions
 * that the objects of every build call (object.calls, written by the
 * build), and forbid_source against the identifiers of the student's
 * preprocessed lines (object.lines).  Explains each breach in out, with the
 * source lines (of source, shown as shown_path) that name it. */
bool rules_check(const struct rubric_test *t, const char *object, const char *source,
                 const char *shown_path, struct text *out);

#endif
