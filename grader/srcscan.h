/*
 * srcscan.h -- checks on the student's file as written, before the
 * preprocessor: no line markers, and no reserved identifier outside the
 * short list a C11 answer may use.
 */
#ifndef GRADER_SRCSCAN_H
#define GRADER_SRCSCAN_H

#include "text.h"

#include <stdbool.h>

/* Scans the file at path (shown as shown_path in messages).  differing
 * (NULL-terminated, may be NULL) lists the macros the builds define
 * differently: naming one is refused too.  True if the file passes;
 * otherwise explains each refusal, with its line, in why. */
bool srcscan_check(const char *path, const char *shown_path, const char *const *differing,
                   struct text *why);

/* True if the identifier may appear in a submission: not reserved (no
 * leading underscore), or on the list of reserved names C11 code uses. */
bool srcscan_identifier_allowed(const char *name);

/* True if the identifier names a sanitizer's or Valgrind's interface: code
 * that names one can detect or steer the tool that judges it. */
bool srcscan_names_a_tool(const char *name);

#endif
