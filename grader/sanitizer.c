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

#include "explain.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct explain_kind kinds[] = {
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
	return explain_meaning(kinds, sizeof kinds / sizeof kinds[0], headline);
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
			explain_frame(e, function, location, atoi(colon2 + 1));
		} else {
			explain_frame(e, function, location, atoi(colon + 1));
		}
	}
}

int tsan_explain(const char *log, const char *student_path, const char *shown_path,
                 struct text *out)
{
	struct explainer e = {.student_path = student_path, .shown_path = shown_path, .out = out};
	bool in_report = false;
	char summary[512] = "";
	char line[1536];
	for (const char *p = log; explain_next_line(&p, line, sizeof line);) {
		size_t len = strlen(line);
		const char *warning = strstr(line, "WARNING: ThreadSanitizer: ");
		if (warning) {
			if (in_report)
				explain_end_report(&e, summary);
			char headline[600];
			snprintf(headline, sizeof headline, "ThreadSanitizer: %.560s",
			         warning + 26);
			explain_begin_report(&e, headline, meaning_of(headline));
			summary[0] = '\0';
			in_report = true;
		} else if (!in_report) {
			continue;
		} else if (strncmp(line, "SUMMARY: ", 9) == 0) {
			char *shown = text_replace_all(line + 9, student_path, shown_path);
			snprintf(summary, sizeof summary, "%.500s", shown);
			free(shown);
		} else if (strncmp(line, "==================", 18) == 0) {
			explain_end_report(&e, summary);
			in_report = false;
		} else if (strncmp(line, "    #", 5) == 0) {
			tsan_frame(&e, line);
		} else if (strncmp(line, "  Location is ", 14) == 0) {
			char where[512];
			snprintf(where, sizeof where, "  the memory: %.480s", line + 14);
			explain_strip_addresses(where);
			char *cut = strstr(where, " (");
			if (cut)
				*cut = '\0';
			text_printf(&e.report, "%s\n", where);
		} else if (strncmp(line, "  ", 2) == 0 && line[2] != ' ' && len > 3 &&
		           line[len - 1] == ':') {
			explain_begin_section(&e, line + 2);
		}
	}
	if (in_report)
		explain_end_report(&e, summary);
	explain_finish(&e, "ThreadSanitizer");
	return e.reports;
}

int helgrind_explain(const char *log, const char *student_path, const char *shown_path,
                     bool ended_early, struct text *out)
{
	struct explainer e = {.student_path = student_path, .shown_path = shown_path, .out = out};
	enum { OUTSIDE, ANNOUNCEMENT, ERROR_START, IN_ERROR } state = OUTSIDE;
	char raw[1536];
	for (const char *p = log; explain_next_line(&p, raw, sizeof raw);) {
		long pid;
		const char *line = explain_valgrind_line(raw, &pid);
		if (strncmp(line, "---Thread-Announcement", 22) == 0) {
			if (state == IN_ERROR)
				explain_end_report(&e, NULL);
			state = ANNOUNCEMENT;
		} else if (strncmp(line, "----------------", 16) == 0) {
			if (state == IN_ERROR)
				explain_end_report(&e, NULL);
			state = ERROR_START;
		} else if (strncmp(line, "ERROR SUMMARY", 13) == 0 ||
		           strncmp(line, "HEAP SUMMARY", 12) == 0) {
			if (state == IN_ERROR)
				explain_end_report(&e, NULL);
			state = OUTSIDE;
		} else if (state == ERROR_START && ended_early &&
		           strstr(line, "Exiting thread still holds")) {
			state = OUTSIDE;
		} else if (state == ERROR_START && *line) {
			char headline[600];
			snprintf(headline, sizeof headline, "Helgrind: %.580s", line);
			explain_begin_report(&e, headline, meaning_of(headline));
			explain_begin_section(&e, line);
			state = IN_ERROR;
		} else if (state != IN_ERROR || !*line) {
			continue;
		} else if (strncmp(line, "   at 0x", 8) == 0 || strncmp(line, "   by 0x", 8) == 0) {
			explain_valgrind_frame(&e, line);
		} else if (strstr(line, " Address 0x") == line ||
		           strstr(line, "Location 0x") == line) {
			char where[512];
			const char *inside = strstr(line, " inside ");
			snprintf(where, sizeof where, "  the memory: %.480s",
			         inside ? inside + 8 : line);
			text_printf(&e.report, "%s\n", where);
		} else if (line[0] != ' ' && strncmp(line, "Locks held", 10) != 0) {
			explain_begin_section(&e, line);
		}
	}
	if (state == IN_ERROR)
		explain_end_report(&e, NULL);
	explain_finish(&e, "Helgrind");
	return e.reports;
}
