/*
 * hints.c -- reads an exercise's hints file.  Authors write plain text;
 * the only markup is a line "---" between two hints.
 */
#include "hints.h"

#include "text.h"
#include "util.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Adds text[0..len) as a hint, without the blank lines around it. */
static void add_hint(struct hints *h, const char *start, size_t len)
{
	while (len > 0 && isspace((unsigned char)*start)) {
		start++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)start[len - 1]))
		len--;
	if (len == 0)
		return;
	h->items = xrealloc(h->items, (size_t)h->count + 1, sizeof *h->items);
	h->items[h->count++] = xstrndup(start, len);
}

static bool is_separator(const char *line, size_t len)
{
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' '))
		len--;
	return len == 3 && strncmp(line, "---", 3) == 0;
}

void hints_parse(const char *text, struct hints *h)
{
	h->items = NULL;
	h->count = 0;
	const char *hint = text;
	for (const char *line = text; *line;) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		const char *next = line + len + (eol ? 1 : 0);
		if (is_separator(line, len)) {
			add_hint(h, hint, (size_t)(line - hint));
			hint = next;
		}
		line = next;
	}
	add_hint(h, hint, strlen(hint));
}

int hints_load(const char *path, struct hints *h)
{
	char *text = text_read_file(path);
	hints_parse(text ? text : "", h);
	free(text);
	return text ? 0 : -1;
}

void hints_free(struct hints *h)
{
	for (int i = 0; i < h->count; i++)
		free(h->items[i]);
	free(h->items);
	h->items = NULL;
	h->count = 0;
}
