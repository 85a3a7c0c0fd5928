/*
 * explain.c -- the part every tool's report explainer shares.
 *
 * A raw report is dozens of lines, most of them inside the harness, libc or
 * the tool.  For each report we keep what kind of bug it is, in one plain
 * sentence, and for each part of the report the innermost frame that lies
 * in the student's file, with that source line printed.  The same bug
 * reached from many places is shown once, and at most a few are shown.
 */
#include "explain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_SHOWN_REPORTS = 3 };

const char *explain_meaning(const struct explain_kind *kinds, size_t n, const char *headline)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(headline, kinds[i].key))
			return kinds[i].meaning;
	return NULL;
}

void explain_strip_addresses(char *s)
{
	char *hit;
	while ((hit = strstr(s, " at 0x")) != NULL) {
		char *end = hit + 6;
		while (*end && strchr("0123456789abcdefABCDEF", *end))
			end++;
		memmove(hit, end, strlen(end) + 1);
	}
	if ((hit = strstr(s, " (pid=")) != NULL)
		*hit = '\0';
	size_t n = strlen(s);
	while (n && (s[n - 1] == ':' || s[n - 1] == ' ' || s[n - 1] == '\n'))
		s[--n] = '\0';
}

void explain_begin_report(struct explainer *e, const char *headline, const char *meaning)
{
	text_free(&e->report);
	char h[512];
	snprintf(h, sizeof h, "%.500s", headline);
	explain_strip_addresses(h);
	text_printf(&e->report, "%s\n", h);
	if (meaning)
		text_printf(&e->report, "  what it means: %s.\n", meaning);
	e->any_student_frame = false;
	e->section[0] = '\0';
	e->reports++;
}

void explain_begin_section(struct explainer *e, const char *title)
{
	snprintf(e->section, sizeof e->section, "%.250s", title);
	explain_strip_addresses(e->section);
	e->section_shown = false;
}

void explain_frame(struct explainer *e, const char *function, const char *path, int line)
{
	if (e->section_shown || strcmp(path, e->student_path) != 0)
		return;
	e->section_shown = true;
	e->any_student_frame = true;
	text_printf(&e->report, "  %s\n    at %s:%d in %s()\n", e->section[0] ? e->section : "here",
	            e->shown_path, line, function);
	char *source = text_file_line(e->student_path, line);
	if (source) {
		text_printf(&e->report, "    %5d | %s\n", line, source);
		free(source);
	}
}

void explain_valgrind_frame(struct explainer *e, const char *line)
{
	const char *colon = strstr(line, ": ");
	const char *open = strrchr(line, '(');
	if (!colon || !open || open < colon)
		return;
	char function[256], location[1024];
	snprintf(function, sizeof function, "%.*s",
	         (int)(open - colon - 3) < 250 ? (int)(open - colon - 3) : 250, colon + 2);
	snprintf(location, sizeof location, "%.1000s", open + 1);
	char *close = strrchr(location, ')');
	char *sep = strrchr(location, ':');
	if (!close || !sep)
		return;
	*close = '\0';
	*sep = '\0';
	explain_frame(e, function, location, atoi(sep + 1));
}

void explain_end_report(struct explainer *e, const char *summary)
{
	if (!e->report.data)
		return;
	if (e->student_only && !e->any_student_frame) {
		text_free(&e->report);
		e->reports--;
		return;
	}
	if (!e->any_student_frame && summary && *summary)
		text_printf(&e->report, "  %s\n", summary);
	char *block = text_take(&e->report);
	char *body = strchr(block, '\n');
	bool repeat = body && e->seen.data && strstr(e->seen.data, body);
	if (!repeat && e->shown < MAX_SHOWN_REPORTS) {
		text_add(e->out, block);
		text_add(&e->seen, body ? body : block);
		e->shown++;
	}
	free(block);
}

void explain_finish(struct explainer *e, const char *tool)
{
	if (e->reports > e->shown)
		text_printf(e->out, "(%d more %s report%s of the same kinds not shown)\n",
		            e->reports - e->shown, tool, e->reports - e->shown == 1 ? "" : "s");
	text_free(&e->report);
	text_free(&e->seen);
}

const char *explain_valgrind_line(const char *line, long *pid)
{
	*pid = 0;
	if (line[0] != '=' || line[1] != '=')
		return line;
	char *end;
	*pid = strtol(line + 2, &end, 10);
	const char *text = strstr(line + 2, "== ");
	return text ? text + 3 : line + strlen(line);
}

bool explain_next_line(const char **p, char *line, size_t size)
{
	if (!*p || !**p)
		return false;
	const char *eol = strchr(*p, '\n');
	size_t len = eol ? (size_t)(eol - *p) : strlen(*p);
	snprintf(line, size, "%.*s", (int)(len < size ? len : size - 1), *p);
	*p = eol ? eol + 1 : *p + len;
	return true;
}
