/*
 * record.h -- a make grade of the student's own exercises, recorded in
 * .progress the way drill mode records its gradings, so that make progress
 * and make hint follow the student whichever way they grade.
 */
#ifndef DRILL_RECORD_H
#define DRILL_RECORD_H

/* Reads the grader's results file (its --json output) and records each
 * exercise graded in it: its score, and done at full marks.  Returns 0, or
 * 2 with a message naming the file and what went wrong. */
int command_record(const char *root, const char *results);

#endif
