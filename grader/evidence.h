/*
 * evidence.h -- what a student sees of a run: how it ended, its last
 * output, and code addresses turned into lines of their file.
 */
#ifndef GRADER_EVIDENCE_H
#define GRADER_EVIDENCE_H

#include "build.h"
#include "run.h"
#include "text.h"

/* "the test did not finish: its process was killed by signal 11 (...)",
 * with what that usually means. */
void evidence_how_it_ended(const struct run_result *r, struct text *out);

/* The last lines the program printed, if any. */
void evidence_output_tail(const struct run_result *r, struct text *out);

/* text with every PROTOCOL_ADDRESS_MARK address of binary replaced by
 * "FILE:LINE in FUNCTION()" when it is in the student's file, by the
 * function's name otherwise (addr2line).  The caller frees the result. */
char *evidence_symbolize(const struct build *b, const char *binary, const char *text);

#endif
