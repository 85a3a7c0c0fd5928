/*
 * text.c -- a growable string, for building messages and reports.
 * Allocation failure aborts: the grader cannot report anything without it.
 */
#include "text.h"

#include "util.h"

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
	if (!data)
		out_of_memory();
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

char *text_format(const char *fmt, ...)
{
	struct text t = {0};
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n >= 0) {
		reserve(&t, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(t.data, (size_t)n + 1, fmt, ap);
		va_end(ap);
		t.len = (size_t)n;
	}
	return text_take(&t);
}

char *text_take(struct text *t)
{
	char *s = t->data ? t->data : xstrdup("");
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

char *text_read_file_len(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct text out = {0};
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		text_addn(&out, buf, n);
	fclose(f);
	*len = out.len;
	return text_take(&out);
}

char *text_read_file(const char *path)
{
	size_t len;
	return text_read_file_len(path, &len);
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
			found = xstrdup(line);
			break;
		}
	}
	fclose(f);
	return found;
}

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), or 0 if it is not one. */
static size_t utf8_sequence(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	size_t len = s[0] >= 0xc2 && s[0] <= 0xdf   ? 2
	             : s[0] >= 0xe0 && s[0] <= 0xef ? 3
	             : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4
	                                            : 0;
	unsigned char low = 0x80, high = 0xbf; /* the second byte's range */
	if (s[0] == 0xe0)
		low = 0xa0;
	else if (s[0] == 0xed)
		high = 0x9f;
	else if (s[0] == 0xf0)
		low = 0x90;
	else if (s[0] == 0xf4)
		high = 0x8f;
	if (len && (s[1] < low || s[1] > high))
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

char *text_clean_utf8(const char *s)
{
	struct text out = {0};
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		size_t len = utf8_sequence(p);
		if (len == 0) {
			text_add(&out, "?");
			p++;
		} else {
			text_addn(&out, (const char *)p, len);
			p += len;
		}
	}
	return text_take(&out);
}
