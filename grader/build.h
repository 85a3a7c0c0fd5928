/*
 * build.h -- compiles a student's file and links it with the harness.
 */
#ifndef GRADER_BUILD_H
#define GRADER_BUILD_H

#include "grader.h"
#include "rubric.h"

#include <stdbool.h>

struct build {
	bool ok;
	char *shown_path;            /* the file as the student knows it */
	char *source;                /* the copy that was compiled (absolute) */
	char *object[VARIANT_COUNT]; /* the student's object, before wrapping */
	char *binary[VARIANT_COUNT]; /* harness linked with it */
	char *log;                   /* compiler and linker messages */
	int warnings;
};

/* Builds SRC/E/E.c in every variant.  b->ok says whether it worked; b->log
 * says why not.  Returns -1 only when the grader itself cannot build
 * (harness not built, tools missing), with the reason in b->log. */
int build_submission(const struct grader_config *cfg, const char *exercise, struct build *b);
void build_free(struct build *b);

#endif
