/*
 * text.h -- a growable string, for building messages and reports.
 */
#ifndef GRADER_TEXT_H
#define GRADER_TEXT_H

#include <stddef.h>

struct text {
	char *data; /* always NUL-terminated once anything was added */
	size_t len, cap;
};

void text_add(struct text *t, const char *s);
void text_addn(struct text *t, const char *s, size_t n);
void text_printf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A new string, formatted (the grader's asprintf: never NULL). */
char *text_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Takes the string out (never NULL); t is empty afterwards. */
char *text_take(struct text *t);
void text_free(struct text *t);

/* Replaces every occurrence of from with to in s; returns a new string. */
char *text_replace_all(const char *s, const char *from, const char *to);

/* Reads a whole file; NULL if it cannot. */
char *text_read_file(const char *path);
/* The same for a file that may hold NUL bytes: its size in *len. */
char *text_read_file_len(const char *path, size_t *len);

/* A copy of s with every byte that is not part of valid UTF-8 replaced by
 * "?": JSON and XML writers accept nothing else. */
char *text_clean_utf8(const char *s);

/* Line n (1-based) of a file, without its newline, or NULL. */
char *text_file_line(const char *path, int n);

#endif
