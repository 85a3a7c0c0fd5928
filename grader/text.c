/*
 * text.c -- a growable string, for building messages and reports.
 * Allocation failure aborts: the grader cannot report anything without it.
 */
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reserve(struct text *t, size_t more)
{
	if (t->len + more + 1 <= t->cap)
		return;
	size_t cap = t->cap ? t->cap : 256;
	while (cap < t->len + more + 1)
		cap *= 2;
	char *data = realloc(t->data, cap);
	if (!data) {
		fputs("grader: out of memory\n", stderr);
		abort();
	}
	t->data = data;
	t->cap = cap;
}

void text_addn(struct text *t, const char *s, size_t n)
{
	reserve(t, n);
	memcpy(t->data + t->len, s, n);
	t->len += n;
	t->data[t->len] = '\0';
}

void text_add(struct text *t, const char *s)
{
	text_addn(t, s, strlen(s));
}

void text_printf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	reserve(t, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(t->data + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

char *text_take(struct text *t)
{
	char *s = t->data ? t->data : strdup("");
	t->data = NULL;
	t->len = t->cap = 0;
	return s;
}

void text_free(struct text *t)
{
	free(text_take(t));
}

char *text_replace_all(const char *s, const char *from, const char *to)
{
	struct text out = {0};
	size_t flen = strlen(from);
	const char *hit;
	while (flen && (hit = strstr(s, from)) != NULL) {
		text_addn(&out, s, (size_t)(hit - s));
		text_add(&out, to);
		s = hit + flen;
	}
	text_add(&out, s);
	return text_take(&out);
}

char *text_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct text out = {0};
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		text_addn(&out, buf, n);
	fclose(f);
	return text_take(&out);
}

char *text_file_line(const char *path, int n)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char line[1024];
	char *found = NULL;
	for (int i = 1; fgets(line, sizeof line, f); i++) {
		if (i == n) {
			line[strcspn(line, "\n")] = '\0';
			found = strdup(line);
			break;
		}
	}
	fclose(f);
	return found;
}
