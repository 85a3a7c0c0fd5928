/*
 * util.h -- the small helpers the grader, drill mode, grade-class and the
 * tests share: strings that cannot fail, paths, folders, the clock and
 * colour.  Allocation failure aborts with a message: none of these programs
 * can report anything without memory.  (Formatting a new string is
 * text_format, in text.h.)
 */
#ifndef GRADER_UTIL_H
#define GRADER_UTIL_H

#include <stdbool.h>
#include <stddef.h>

/* Says "PROGRAM: out of memory" and aborts. */
_Noreturn void out_of_memory(void);

/* calloc and reallocarray that never return NULL. */
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n, size_t size);

/* A copy of s, or of its first n bytes at most (never NULL). */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* path_join(a, b, ...): the path made of its arguments (strings) joined by
 * '/', as a new string (never NULL). */
#define path_join(...) path_join_list((const char *const[]){__VA_ARGS__, NULL})
/* The same for a NULL-terminated list of parts. */
char *path_join_list(const char *const *parts);

/* The folder the file at path is in ("." for a bare name); never NULL. */
char *folder_of(const char *path);

/* Creates a folder and any missing parents (mode 0755); -1 on failure. */
int make_dirs(const char *path);

/* The monotonic clock, in seconds. */
double monotonic_now(void);

/* Decides, once, whether standard output gets colour: only a terminal,
 * never with NO_COLOR set.  Returns whether it is a terminal. */
bool paint_init(void);
/* code if standard output gets colour, else "". */
const char *paint(const char *code);
#define RED    paint("\033[31m")
#define GREEN  paint("\033[32m")
#define YELLOW paint("\033[33m")
#define BOLD   paint("\033[1m")
#define DIM    paint("\033[2m")
#define RESET  paint("\033[0m")

#endif
