/*
 * evidence.c -- what a student sees of a run: how it ended, its last
 * output, and code addresses turned into lines of their file.
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

/* "FILE:LINE in FUNCTION()" for one offset into binary, or the function. */
static void describe_offset(const struct build *b, const char *binary, unsigned long offset,
                            struct text *out)
{
	char address[32];
	snprintf(address, sizeof address, "%#lx", offset ? offset - 1 : 0);
	char *argv[] = {"addr2line", "-f", "-e", (char *)binary, address, NULL};
	char *where = NULL;
	run_tool(argv, 20, &where);
	char function[256] = "?", location[1024] = "?";
	if (where)
		sscanf(where, "%255s %1023s", function, location);
	free(where);
	char *colon = strrchr(location, ':');
	if (colon && strncmp(location, b->source, (size_t)(colon - location)) == 0)
		text_printf(out, "%s:%d in %s()", b->shown_path, atoi(colon + 1), function);
	else
		text_printf(out, "%s", function);
}

char *evidence_symbolize(const struct build *b, const char *binary, const char *text)
{
	struct text out = {0};
	const char *p = text;
	const char *hit;
	size_t mark = strlen(PROTOCOL_ADDRESS_MARK);
	while ((hit = strstr(p, PROTOCOL_ADDRESS_MARK)) != NULL) {
		text_addn(&out, p, (size_t)(hit - p));
		char *end = NULL;
		unsigned long offset = strtoul(hit + mark, &end, 16);
		describe_offset(b, binary, offset, &out);
		p = end && end > hit + mark ? end : hit + mark;
	}
	text_add(&out, p);
	return text_take(&out);
}
