/*
 * sanitizer.c -- turns ThreadSanitizer and Helgrind logs into what a
 * student can act on.
 *
 * A raw report is dozens of lines, most of them inside the harness, libc or
 * the tool.  For each report we keep: what kind of bug it is, in one plain
 * sentence; and for each part of the report (the access, the conflicting
 * access, each lock acquisition) the innermost frame that lies in the
 * student's file, as file:line with that source line printed.
 */
#include "sanitizer.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_SHOWN_REPORTS = 3 };

struct explainer {
	const char *student_path; /* the file as compiled (in debug info) */
	const char *shown_path;   /* the file as the student knows it */
	struct text *out;
	struct text report; /* the report being built */
	char section[256];  /* current part of the report */
	bool section_shown;
	bool any_student_frame;
	int reports, shown;
	struct text seen; /* reports already shown, to skip repeats */
};

static const struct {
	const char *key, *meaning;
} kinds[] = {
    {"data race", "two threads accessed the same memory at the same time, at least one of "
                  "them writing, with nothing (lock or atomic) ordering the accesses"},
    {"lock-order-inversion", "locks are taken in opposite orders on different paths: if two "
                             "threads run them at the wrong moment, each waits for the other "
                             "forever (a deadlock)"},
    {"lock order", "locks are taken in opposite orders on different paths: if two threads run "
                   "them at the wrong moment, each waits for the other forever (a deadlock)"},
    {"signal-unsafe call", "a signal handler called a function that is not "
                           "async-signal-safe (malloc, printf, ...): it can deadlock or corrupt "
                           "memory if the signal lands inside that same function"},
    {"spoils errno", "the signal handler changed errno and did not restore it, so the "
                     "interrupted code sees a wrong errno"},
    {"use-after-free", "memory was used after it was freed"},
    {"double lock", "a thread locked a mutex it already holds: it waits for itself forever"},
    {"unlock of an unlocked", "a mutex was unlocked that was not locked"},
    {"unlocked a not-locked", "a mutex was unlocked that was not locked"},
    {"currently held by", "a mutex was unlocked by a thread that does not hold it"},
    {"dubious", "a condition variable was signalled without holding its mutex, or waited on "
                "with two different mutexes"},
    {"destroy of a locked", "a mutex was destroyed while still locked"},
    {"thread leak", "a thread was created and never joined or detached"},
};

static const char *meaning_of(const char *headline)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strstr(headline, kinds[i].key))
			return kinds[i].meaning;
	return NULL;
}

/* Drops " at 0x1234" and "(pid=...)" noise from a header line. */
static void strip_addresses(char *s)
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

static void begin_report(struct explainer *e, const char *headline)
{
	text_free(&e->report);
	char h[512];
	snprintf(h, sizeof h, "%.500s", headline);
	strip_addresses(h);
	text_printf(&e->report, "%s\n", h);
	const char *meaning = meaning_of(h);
	if (meaning)
		text_printf(&e->report, "  what it means: %s.\n", meaning);
	e->any_student_frame = false;
	e->section[0] = '\0';
	e->reports++;
}

static void begin_section(struct explainer *e, const char *title)
{
	snprintf(e->section, sizeof e->section, "%.250s", title);
	strip_addresses(e->section);
	e->section_shown = false;
}

/* A frame: show it if it is the first in the student's file this section. */
static void frame(struct explainer *e, const char *function, const char *path, int line)
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

static void end_report(struct explainer *e, const char *summary)
{
	if (!e->report.data)
		return;
	if (!e->any_student_frame && summary && *summary)
		text_printf(&e->report, "  %s\n", summary);
	char *block = text_take(&e->report);
	/* The same bug reached from many places is one report for the student. */
	char *body = strchr(block, '\n');
	bool repeat = body && e->seen.data && strstr(e->seen.data, body);
	if (!repeat && e->shown < MAX_SHOWN_REPORTS) {
		text_add(e->out, block);
		text_add(&e->seen, body ? body : block);
		e->shown++;
	}
	free(block);
}

static void finish(struct explainer *e, const char *tool)
{
	if (e->reports > e->shown)
		text_printf(e->out, "(%d more %s report%s of the same kinds not shown)\n",
		            e->reports - e->shown, tool, e->reports - e->shown == 1 ? "" : "s");
	text_free(&e->report);
	text_free(&e->seen);
}

/* "    #0 func /path/file.c:17:3 (bin+0x12)" */
static void tsan_frame(struct explainer *e, const char *line)
{
	char function[256], location[1024];
	if (sscanf(line, " #%*d %255s %1023s", function, location) != 2)
		return;
	char *colon = strrchr(location, ':');
	if (colon && colon > location) {
		*colon = '\0';
		char *colon2 = strrchr(location, ':');
		/* path:line:col, or path:line when there is no column */
		if (colon2) {
			*colon2 = '\0';
			frame(e, function, location, atoi(colon2 + 1));
		} else {
			frame(e, function, location, atoi(colon + 1));
		}
	}
}

int tsan_explain(const char *log, const char *student_path, const char *shown_path,
                 struct text *out)
{
	struct explainer e = {.student_path = student_path, .shown_path = shown_path, .out = out};
	bool in_report = false;
	char summary[512] = "";
	for (const char *p = log; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char line[1536];
		snprintf(line, sizeof line, "%.*s",
		         (int)(len < sizeof line ? len : sizeof line - 1), p);
		p = eol ? eol + 1 : p + len;
		const char *warning = strstr(line, "WARNING: ThreadSanitizer: ");
		if (warning) {
			if (in_report)
				end_report(&e, summary);
			char headline[600];
			snprintf(headline, sizeof headline, "ThreadSanitizer: %.560s",
			         warning + 26);
			begin_report(&e, headline);
			summary[0] = '\0';
			in_report = true;
		} else if (!in_report) {
			continue;
		} else if (strncmp(line, "SUMMARY: ", 9) == 0) {
			char *shown = text_replace_all(line + 9, student_path, shown_path);
			snprintf(summary, sizeof summary, "%.500s", shown);
			free(shown);
		} else if (strncmp(line, "==================", 18) == 0) {
			end_report(&e, summary);
			in_report = false;
		} else if (strncmp(line, "    #", 5) == 0) {
			tsan_frame(&e, line);
		} else if (strncmp(line, "  Location is ", 14) == 0) {
			char where[512];
			snprintf(where, sizeof where, "  the memory: %.480s", line + 14);
			strip_addresses(where);
			char *cut = strstr(where, " (");
			if (cut)
				*cut = '\0';
			text_printf(&e.report, "%s\n", where);
		} else if (strncmp(line, "  ", 2) == 0 && line[2] != ' ' && len > 3 &&
		           line[len - 1] == ':') {
			begin_section(&e, line + 2);
		}
	}
	if (in_report)
		end_report(&e, summary);
	finish(&e, "ThreadSanitizer");
	return e.reports;
}

/* "at 0x109161: dep (/path/r.c:4)" or "by 0x...: f (r.c:5)" */
static void helgrind_frame(struct explainer *e, const char *line)
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
	frame(e, function, location, atoi(sep + 1));
}

int helgrind_explain(const char *log, const char *student_path, const char *shown_path,
                     bool ended_early, struct text *out)
{
	struct explainer e = {.student_path = student_path, .shown_path = shown_path, .out = out};
	enum { OUTSIDE, ANNOUNCEMENT, ERROR_START, IN_ERROR } state = OUTSIDE;
	for (const char *p = log; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char raw[1536];
		snprintf(raw, sizeof raw, "%.*s", (int)(len < sizeof raw ? len : sizeof raw - 1),
		         p);
		p = eol ? eol + 1 : p + len;
		/* strip the "==1234== " prefix */
		char *line = raw;
		if (line[0] == '=' && line[1] == '=') {
			char *end = strstr(line + 2, "== ");
			line = end ? end + 3 : line + strlen(line);
		}
		if (strncmp(line, "---Thread-Announcement", 22) == 0) {
			if (state == IN_ERROR)
				end_report(&e, NULL);
			state = ANNOUNCEMENT;
		} else if (strncmp(line, "----------------", 16) == 0) {
			if (state == IN_ERROR)
				end_report(&e, NULL);
			state = ERROR_START;
		} else if (strncmp(line, "ERROR SUMMARY", 13) == 0 ||
		           strncmp(line, "HEAP SUMMARY", 12) == 0) {
			if (state == IN_ERROR)
				end_report(&e, NULL);
			state = OUTSIDE;
		} else if (state == ERROR_START && ended_early &&
		           strstr(line, "Exiting thread still holds")) {
			state = OUTSIDE;
		} else if (state == ERROR_START && *line) {
			char headline[600];
			snprintf(headline, sizeof headline, "Helgrind: %.580s", line);
			begin_report(&e, headline);
			begin_section(&e, line);
			state = IN_ERROR;
		} else if (state != IN_ERROR || !*line) {
			continue;
		} else if (strncmp(line, "   at 0x", 8) == 0 || strncmp(line, "   by 0x", 8) == 0) {
			helgrind_frame(&e, line);
		} else if (strstr(line, " Address 0x") == line ||
		           strstr(line, "Location 0x") == line) {
			char where[512];
			const char *inside = strstr(line, " inside ");
			snprintf(where, sizeof where, "  the memory: %.480s",
			         inside ? inside + 8 : line);
			text_printf(&e.report, "%s\n", where);
		} else if (line[0] != ' ' && strncmp(line, "Locks held", 10) != 0) {
			begin_section(&e, line);
		}
	}
	if (state == IN_ERROR)
		end_report(&e, NULL);
	finish(&e, "Helgrind");
	return e.reports;
}
