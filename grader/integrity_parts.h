/*
 * integrity_parts.h -- the checks integrity.c runs on each build, one file
 * each: the preprocessed text (integrity_text.c) and the object
 * (integrity_object.c).
 */
#ifndef GRADER_INTEGRITY_PARTS_H
#define GRADER_INTEGRITY_PARTS_H

#include "integrity.h"

#include <stdbool.h>

/* The student's own lines of v's preprocessed text; reasons go to why. */
bool integrity_check_text(const struct integrity_input *in, const struct integrity_variant *v,
                          struct text *why);

/* v's object: sections, symbols, references against the allow list. */
bool integrity_check_object(const struct integrity_input *in, const struct integrity_variant *v,
                            struct text *why);

/* A character of a C identifier. */
bool integrity_is_word_char(char c);

#endif
