/*
 * evidence.c -- what a student sees of a run: how it ended, its last
 * output, and code addresses turned into lines of their file (a step of a
 * controlled schedule's timeline also shows the line's text).
 */
#include "evidence.h"

#include "protocol.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OUTPUT_TAIL_LINES = 15 };

void evidence_how_it_ended(const struct run_result *r, struct text *out)
{
	char how[160];
	run_describe_end(r, how, sizeof how);
	text_printf(out, "the test did not finish: its process %s", how);
	if (r->timed_out)
		text_add(out, " (it hung: a deadlock, a lost wakeup or an endless loop)");
	else if (r->stopped_by)
		text_add(out, " (a stopped process runs none of its threads: never stop it)");
	else if (r->signal == SIGSEGV)
		text_add(out, " (a bad pointer or array index in your code)");
	else if (r->signal == SIGABRT)
		text_add(out, " (abort(): a failed assert, a double free, or a sanitizer)");
	else if (r->exited)
		text_add(out, ": something called exit() during the test; your functions must "
		              "return to their caller, not end the process");
	text_add(out, ".\n");
}

void evidence_output_tail(const struct run_result *r, struct text *out)
{
	if (!r->output || !*r->output)
		return;
	const char *start = r->output + strlen(r->output);
	int lines = 0;
	while (start > r->output && lines <= OUTPUT_TAIL_LINES)
		if (*--start == '\n')
			lines++;
	text_printf(out, "its last output%s:\n%s%s",
	            r->output_total > strlen(r->output) ? " (cut)" : "", start,
	            start[strlen(start) - 1] == '\n' ? "" : "\n");
}

/* addr2line's function and file:line for one offset into binary. */
static void locate(const char *binary, unsigned long offset, char *function, size_t flen,
                   char *location, size_t llen)
{
	char address[32];
	snprintf(address, sizeof address, "%#lx", offset ? offset - 1 : 0);
	char *argv[] = {"addr2line", "-f", "-e", (char *)binary, address, NULL};
	char *where = NULL;
	run_tool(argv, 20, &where);
	snprintf(function, flen, "?");
	snprintf(location, llen, "?");
	char *newline = where ? strchr(where, '\n') : NULL;
	if (newline) {
		*newline = '\0';
		snprintf(function, flen, "%s", where);
		snprintf(location, llen, "%s", newline + 1);
		location[strcspn(location, " \n")] = '\0';
	}
	free(where);
}

/* The line of the student's file the location names, or 0. */
static int student_line(const struct build *b, const char *location)
{
	const char *colon = strrchr(location, ':');
	if (!colon || strncmp(location, b->source, (size_t)(colon - location)) != 0 ||
	    b->source[colon - location] != '\0')
		return 0;
	return atoi(colon + 1);
}

/* "FILE:LINE in FUNCTION()" for one offset into binary, or the function. */
static void describe_offset(const struct build *b, const char *binary, unsigned long offset,
                            struct text *out)
{
	char function[256], location[1024];
	locate(binary, offset, function, sizeof function, location, sizeof location);
	int line = student_line(b, location);
	if (line > 0)
		text_printf(out, "%s:%d in %s()", b->shown_path, line, function);
	else
		text_printf(out, "%s", function);
}

/* Writes the text of line n of path, blanks around it trimmed. */
static void add_source_line(const char *path, int n, struct text *out)
{
	FILE *f = fopen(path, "r");
	char line[512] = "";
	for (int i = 0; f && i < n && fgets(line, sizeof line, f); i++)
		;
	if (f)
		fclose(f);
	const char *start = line + strspn(line, " \t");
	size_t len = strcspn(start, "\r\n");
	while (len > 0 && (start[len - 1] == ' ' || start[len - 1] == '\t'))
		len--;
	text_addn(out, start, len);
}

/* A step of a controlled schedule: "FILE:LINE  the line's text". */
static void describe_step(const struct build *b, const char *binary, unsigned long offset,
                          struct text *out)
{
	char function[256], location[1024];
	locate(binary, offset, function, sizeof function, location, sizeof location);
	int line = student_line(b, location);
	if (line <= 0) {
		text_printf(out, "in %s()", function);
		return;
	}
	text_printf(out, "%s:%d  ", b->shown_path, line);
	add_source_line(b->source, line, out);
}

char *evidence_symbolize(const struct build *b, const char *binary, const char *text)
{
	struct text out = {0};
	const char *p = text;
	for (;;) {
		const char *address = strstr(p, PROTOCOL_ADDRESS_MARK);
		const char *step = strstr(p, PROTOCOL_STEP_MARK);
		const char *hit = !step || (address && address < step) ? address : step;
		if (!hit)
			break;
		size_t mark = strlen(hit == step ? PROTOCOL_STEP_MARK : PROTOCOL_ADDRESS_MARK);
		text_addn(&out, p, (size_t)(hit - p));
		char *end = NULL;
		unsigned long offset = strtoul(hit + mark, &end, 16);
		if (hit == step)
			describe_step(b, binary, offset, &out);
		else
			describe_offset(b, binary, offset, &out);
		p = end && end > hit + mark ? end : hit + mark;
	}
	text_add(&out, p);
	return text_take(&out);
}
