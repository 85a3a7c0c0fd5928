/*
 * variants.h -- the macros that tell the grader's builds apart.
 */
#ifndef GRADER_VARIANTS_H
#define GRADER_VARIANTS_H

#include "rubric.h"

/* Preprocesses source with each build's compiler command (argv up to, not
 * including, "-c"; run untrusted) and returns the names of the macros
 * whose definitions differ between the builds, or that use such a macro,
 * less those that differ only in spelling (atomic_*, INT_MIN ...).  A
 * NULL-terminated list to free with variants_free; NULL if a compiler
 * fails (it reports why when it compiles). */
char **variants_differing_macros(const char *const *const compilers[VARIANT_COUNT],
                                 const char *source);
void variants_free(char **names);

#endif
