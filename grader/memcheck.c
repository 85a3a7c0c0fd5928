/*
 * memcheck.c -- turns Memcheck's logs into what a student can act on, and
 * only what is the student's.
 *
 * Memcheck watches the whole process: the harness, Check and libc too.  A
 * report is the student's when one of its stacks (the access, the block's
 * allocation or free, where an uninitialised value came from, where a
 * leaked block was allocated, where a descriptor was opened) has a frame
 * in the student's file.  Everything else (the harness's own allocations,
 * the descriptors the run inherited: stdin, stdout, stderr, the verdict
 * descriptor, which Valgrind lists as "<inherited from parent>" with no
 * stack) is dropped.
 *
 * A log is a run of records, each a headline at the left margin, then
 * indented stack frames and parts, then a blank line; every line starts
 * with "==PID== ".  Each process writes its own log (memcheck.PID); the
 * main process is the one the run started, whose pid the keeper reported:
 * lines a child writes into its own log can add to the main process's
 * records, never cut them (the main log is read whole, and the harness
 * closed the one descriptor of it the process could write to).
 */
#include "memcheck.h"

#include "explain.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a headline says, in the student's terms. */
static const struct explain_kind errors[] = {
    {"Invalid read", "the code read memory it does not own: past the end of a block, before "
                     "its start, or in a block already freed"},
    {"Invalid write", "the code wrote memory it does not own: past the end of a block, before "
                      "its start, or in a block already freed"},
    {"Invalid free", "a block was freed that is not allocated: freed twice, or never returned "
                     "by malloc"},
    {"Mismatched free", "a block was freed by a function that does not match its allocation"},
    {"uninitialised byte", "a system call was given bytes nothing was ever stored in"},
    {"unaddressable byte", "a system call was given memory the program does not own (freed, "
                           "or past the end of a block)"},
    {"uninitialised value", "the code used a value nothing was ever stored in (malloc does not "
                            "zero memory, and a local variable does not start at 0): set it "
                            "first, or allocate with calloc"},
    {"overlap", "the source and destination of a copy overlap: use memmove"},
    {"fishy value", "an allocation was asked for a negative or absurd size"},
    {"Jump to the invalid address", "the code called through a bad function pointer"},
};

static const char *error_meaning(const char *headline)
{
	return explain_meaning(errors, sizeof errors / sizeof errors[0], headline);
}

enum record { NONE, ERROR, LEAK, DESCRIPTOR };

/* The parser's state across lines. */
struct reader {
	struct explainer e;
	enum record record; /* the record being read */
	long pid;           /* the process whose log is being read */
	bool main;          /* it is the main process */
	long main_pid;
	bool test_failed;
	struct memcheck_findings *found;
};

static void end_record(struct reader *r)
{
	if (r->record == NONE)
		return;
	if (!r->e.any_student_frame && r->main && r->record != DESCRIPTOR)
		r->found->others++;
	explain_end_report(&r->e, NULL);
	r->record = NONE;
}

/* The number Valgrind writes at s ("6,400"), or -1 if there is none. */
static long long count_at(const char *s)
{
	long long n = -1;
	for (; (*s >= '0' && *s <= '9') || (*s == ',' && n >= 0); s++)
		if (*s != ',')
			n = (n < 0 ? 0 : n * 10) + (*s - '0');
	return n;
}

/* Starts a report: headline (taken), its meaning, and the title of its
 * first part. */
static void begin(struct reader *r, char *headline, const char *meaning, const char *section)
{
	explain_begin_report(&r->e, headline, meaning);
	explain_begin_section(&r->e, section);
	free(headline);
}

/* "40 bytes in 1 blocks are definitely lost in loss record 1 of 2", or
 * "6,400 (40 direct, 6,360 indirect) bytes in 1 blocks are ...". */
static bool begin_leak(struct reader *r, const char *line)
{
	bool definite = strstr(line, " are definitely lost ") != NULL;
	bool indirect = strstr(line, " are indirectly lost ") != NULL;
	const char *in = strstr(line, " bytes in ");
	long long bytes = count_at(line), blocks = in ? count_at(in + 10) : -1;
	if ((!definite && !indirect) || bytes < 0 || blocks < 0)
		return false;
	begin(r,
	      text_format("Memcheck: %s lost %lld byte%s in %lld block%s",
	                  definite ? "definitely" : "indirectly", bytes, bytes == 1 ? "" : "s",
	                  blocks, blocks == 1 ? "" : "s"),
	      definite ? "memory allocated here was never freed, and by the end nothing pointed "
	                 "to it any more: free it once its last user is done with it, on every path"
	               : "memory allocated here was never freed, and by the end only other lost "
	                 "blocks pointed to it: free it along with the block that holds it",
	      "the block was allocated");
	return true;
}

/* "Open file descriptor 7: /path", "Open AF_UNIX socket 7: <unknown>". */
static bool begin_descriptor(struct reader *r, const char *line)
{
	int fd;
	const char *number = strrchr(line, ':') ? line + strcspn(line, "0123456789") : NULL;
	if (strncmp(line, "Open ", 5) != 0 || !number || sscanf(number, "%d", &fd) != 1)
		return false;
	begin(r, text_format("Memcheck: file descriptor %d left open", fd),
	      "a descriptor opened here was still open when the test ended: close it once it is "
	      "no longer needed, on every path (errors included)",
	      "the descriptor was opened");
	return true;
}

/* A line at the left margin: a record's headline, or something else. */
static void headline(struct reader *r, const char *line)
{
	bool judged = !r->test_failed;
	if (r->main && strncmp(line, "ERROR SUMMARY:", 14) == 0)
		r->found->main_summary = true;
	else if (strstr(line, " lost in loss record ")) {
		if (judged && begin_leak(r, line))
			r->record = LEAK;
	} else if (strncmp(line, "Open ", 5) == 0) {
		if (judged && r->main && begin_descriptor(r, line))
			r->record = DESCRIPTOR;
	} else if (error_meaning(line)) {
		begin(r, text_format("Memcheck: %s", line), error_meaning(line), line);
		r->record = ERROR;
	}
}

/* An indented line of a record that names a new part of it. */
static void part(struct reader *r, const char *line)
{
	const char *address = strstr(line, "Address 0x");
	if (address) {
		const char *is = strstr(address, " is ");
		char *title = text_format("the memory%s, here", is ? is : "");
		explain_begin_section(&r->e, title);
		free(title);
	} else if (strstr(line, "Block was alloc'd")) {
		explain_begin_section(&r->e, "the block was allocated");
	} else if (line[1] != ' ') {
		explain_begin_section(&r->e, line + 1);
	}
}

static void read_line(struct reader *r, const char *raw)
{
	long pid;
	const char *line = explain_valgrind_line(raw, &pid);
	if (pid == 0) /* not Valgrind's: every line it writes has its prefix */
		return;
	if (pid != r->pid) { /* the next process's log */
		end_record(r);
		r->pid = pid;
		r->main = pid == r->main_pid;
	}
	if (!*line) {
		end_record(r);
	} else if (line[0] != ' ') {
		end_record(r);
		headline(r, line);
	} else if (r->record == NONE) {
		return;
	} else if (strncmp(line, "   at 0x", 8) == 0 || strncmp(line, "   by 0x", 8) == 0) {
		explain_valgrind_frame(&r->e, line);
	} else {
		part(r, line);
	}
}

void memcheck_explain(const char *log, long main_pid, const char *student_path,
                      const char *shown_path, bool test_failed, struct text *out,
                      struct memcheck_findings *found)
{
	memset(found, 0, sizeof *found);
	struct reader r = {
	    .e = {.student_path = student_path,
	          .shown_path = shown_path,
	          .out = out,
	          .student_only = true},
	    .main_pid = main_pid,
	    .test_failed = test_failed,
	    .found = found,
	};
	char raw[1536];
	for (const char *p = log; explain_next_line(&p, raw, sizeof raw);)
		read_line(&r, raw);
	end_record(&r);
	found->student = r.e.reports;
	explain_finish(&r.e, "Memcheck");
}

/* Leaks: definite and indirect ones are errors; "possibly lost" is not (a
 * pointer into the block still exists, as for a thread still running). */
size_t memcheck_options(char *argv[], size_t n)
{
	argv[n++] = text_format("--leak-check=full");
	argv[n++] = text_format("--show-leak-kinds=definite,indirect");
	argv[n++] = text_format("--errors-for-leak-kinds=definite,indirect");
	argv[n++] = text_format("--track-origins=yes");
	argv[n++] = text_format("--track-fds=yes");
	/* deep enough to reach the student's frame under the harness's */
	argv[n++] = text_format("--num-callers=30");
	return n;
}
