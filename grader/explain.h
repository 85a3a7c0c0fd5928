/*
 * explain.h -- the part every tool's report explainer shares: a report is
 * a plain headline, what it means, and for each part of it (the access,
 * the allocation, each lock) the innermost frame in the student's file,
 * as file:line with that source line.
 *
 * Used by sanitizer.c (ThreadSanitizer, Helgrind) and memcheck.c.
 */
#ifndef GRADER_EXPLAIN_H
#define GRADER_EXPLAIN_H

#include "text.h"

#include <stdbool.h>
#include <stddef.h>

struct explainer {
	const char *student_path; /* the file as compiled (in debug info) */
	const char *shown_path;   /* the file as the student knows it */
	struct text *out;
	bool student_only;  /* reports without a frame in the student's file are
	                       dropped and not counted (Memcheck's) */
	struct text report; /* the report being built */
	char section[256];  /* current part of the report */
	bool section_shown;
	bool any_student_frame;
	int reports, shown;
	struct text seen; /* reports already shown, to skip repeats */
};

/* A kind of report: the words its headline holds, and what it means in the
 * student's terms. */
struct explain_kind {
	const char *key, *meaning;
};

/* The meaning of the first of the n kinds whose key headline holds, or
 * NULL. */
const char *explain_meaning(const struct explain_kind *kinds, size_t n, const char *headline);

/* Drops " at 0x1234" and "(pid=...)" noise and trailing colons. */
void explain_strip_addresses(char *s);
/* Starts a report: its headline (addresses stripped) and, unless NULL,
 * "what it means: meaning." */
void explain_begin_report(struct explainer *e, const char *headline, const char *meaning);
/* Starts a part of the report, titled title. */
void explain_begin_section(struct explainer *e, const char *title);
/* A frame of the current part: shown if it is the first of that part in
 * the student's file. */
void explain_frame(struct explainer *e, const char *function, const char *path, int line);
/* A Valgrind frame line, "   at 0x109161: dep (/path/r.c:4)". */
void explain_valgrind_frame(struct explainer *e, const char *line);
/* Ends the report: appended to out unless a repeat or past the shown
 * limit; summary (may be NULL) is added when no frame was the student's. */
void explain_end_report(struct explainer *e, const char *summary);
/* Says how many reports were not shown, and frees e's buffers. */
void explain_finish(struct explainer *e, const char *tool);
/* Copies the line at *p (without its newline, cut to size) into line and
 * moves *p past it; false at the end of the text. */
bool explain_next_line(const char **p, char *line, size_t size);
/* The text of a Valgrind log line without its "==1234== " prefix, and the
 * pid of that prefix in *pid (0 when the line has none). */
const char *explain_valgrind_line(const char *line, long *pid);

#endif
