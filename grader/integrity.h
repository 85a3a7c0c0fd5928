/*
 * integrity.h -- refuses submissions that try to cheat through the toolchain.
 */
#ifndef GRADER_INTEGRITY_H
#define GRADER_INTEGRITY_H

#include "rubric.h"
#include "text.h"

#include <stdbool.h>

struct integrity_input {
	const char *exercise;
	const char *source;       /* the compiled copy of the student's file */
	const char *shown_path;   /* the file as the student knows it */
	const char *header;       /* the exercise's header (absolute) */
	const char *const *allow; /* what the object may reference (rubric "allow") */
	const char *const *api;   /* what it may define: the header's functions */
};

/* One build of the file: its compiler command (argv up to, not including,
 * "-c"), the object it produced and the compiler's -MD dependency list. */
struct integrity_variant {
	enum variant variant;
	const char *const *compiler;
	const char *object;
	const char *deps_file;
	const char *lines_file; /* written: the student's lines, preprocessed */
	const char *calls_file; /* appended: every symbol the object references */
};

/* Checks on the file as written (line markers, reserved names, macros
 * that differ between the builds: differing, from variants.c): once. */
bool integrity_check_source(const struct integrity_input *in, const char *const *differing,
                            struct text *why);

/* Checks on one build: what it includes, its preprocessed text and its
 * object.  True if the submission plays fair; otherwise says why. */
bool integrity_check_variant(const struct integrity_input *in, const struct integrity_variant *v,
                             struct text *why);

/* The functions the exercise's header declares (from `gcc -aux-info`), as
 * a NULL-terminated list to free with integrity_free_names; NULL if the
 * compiler cannot read the header.  aux_file is a scratch file. */
char **integrity_api_names(const char *header, const char *aux_file);
void integrity_free_names(char **names);

#endif
