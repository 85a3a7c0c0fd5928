/*
 * integrity.h -- refuses submissions that try to cheat through the toolchain.
 */
#ifndef GRADER_INTEGRITY_H
#define GRADER_INTEGRITY_H

#include "text.h"

#include <stdbool.h>

struct integrity_input {
	const char *source;       /* the compiled copy of the student's file */
	const char *shown_path;   /* the file as the student knows it */
	const char *header;       /* the exercise's header (absolute) */
	const char *include_flag; /* -I for the exercise's header */
	const char *object;       /* the object without sanitizer instrumentation */
	const char *deps_file;    /* the compiler's -MD output for it */
};

/* True if the submission plays fair; otherwise explains why not in why. */
bool integrity_check(const struct integrity_input *in, struct text *why);

#endif
