/*
 * symbolize.h -- puts function names and file:line into a ThreadSanitizer
 * log written with symbolize=0.
 */
#ifndef GRADER_SYMBOLIZE_H
#define GRADER_SYMBOLIZE_H

#include "text.h"

/* A copy of log in which every frame and global in `binary` (the harness
 * that wrote it) reads as in a symbolized report:
 * "#1 function /path/file.c:LINE (harness+0x...)".  The caller frees it. */
char *tsan_symbolize(const char *log, const char *binary);

#endif
