/*
 * symbolize.c -- puts function names and file:line into a ThreadSanitizer
 * log written with symbolize=0.
 *
 * ThreadSanitizer symbolizes its reports by starting llvm-symbolizer (fork
 * and exec) at the first report.  The harness's seccomp filter denies exec,
 * and starting the symbolizer earlier would leave a running child in the
 * harness's process, which changes what waitpid(-1) tells the zombie
 * exercise.  So runs use symbolize=0, and frames come out as
 *
 *     #1 <null> <null> (harness+0xd5437) (BuildId: ...)
 *
 * Here the grader, outside the sandbox, asks addr2line (one call for the
 * whole log) and objdump (for globals) about the harness binary, and rewrites
 * those frames as the symbolized runtime would have written them:
 *
 *     #1 balance_deposit /work/.../balance.c:10 (harness+0xd5437) ...
 *
 * Frames in other modules (libc) stay as they are: only the student's
 * frames matter to the report, and the student's code is in the binary.
 */
#include "symbolize.h"

#include "run.h"
#include "util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_ADDRESSES = 2048 };

struct place {
	unsigned long offset;
	char function[256];
	char location[1024]; /* file:line, or "??:0" */
};

struct lookup {
	const char *module; /* the binary's name as the log shows it */
	struct place *places;
	size_t count;
};

/* If p starts "(MODULE+0x", with MODULE the binary (by full path or by
 * name), returns the offset's first hex digit, else NULL. */
static const char *module_offset(const char *p, const char *binary, const char *name)
{
	if (*p != '(')
		return NULL;
	const char *plus = strstr(p, "+0x");
	const char *close = strchr(p, ')');
	if (!plus || (close && close < plus))
		return NULL;
	size_t len = (size_t)(plus - p - 1);
	bool same = (len == strlen(binary) && strncmp(p + 1, binary, len) == 0) ||
	            (len == strlen(name) && strncmp(p + 1, name, len) == 0);
	return same ? plus + 3 : NULL;
}

/* Every distinct offset into the binary that the log mentions. */
static size_t collect(const char *log, const char *binary, const char *name, struct place *out)
{
	size_t n = 0;
	for (const char *p = strchr(log, '('); p && n < MAX_ADDRESSES; p = strchr(p + 1, '(')) {
		const char *hex = module_offset(p, binary, name);
		if (!hex)
			continue;
		unsigned long offset = strtoul(hex, NULL, 16);
		bool seen = false;
		for (size_t i = 0; i < n && !seen; i++)
			seen = out[i].offset == offset;
		if (!seen)
			out[n++].offset = offset;
	}
	return n;
}

/* Fills in function and file:line for every place, with one addr2line. */
static void ask_addr2line(const char *binary, struct place *places, size_t n)
{
	char **argv = xcalloc(n + 5, sizeof *argv);
	char(*hex)[24] = xcalloc(n, sizeof *hex);
	argv[0] = "addr2line";
	argv[1] = "-f";
	argv[2] = "-e";
	argv[3] = (char *)binary;
	for (size_t i = 0; i < n; i++) {
		snprintf(hex[i], sizeof hex[i], "%#lx", places[i].offset);
		argv[4 + i] = hex[i];
		snprintf(places[i].function, sizeof places[i].function, "<null>");
		snprintf(places[i].location, sizeof places[i].location, "<null>");
	}
	char *out = NULL;
	if (run_tool(argv, 60, &out) == 0) {
		/* two lines per address: function, then file:line [(discriminator N)] */
		char *line = strtok(out, "\n");
		for (size_t i = 0; i < n && line; i++) {
			sscanf(line, "%255s", places[i].function);
			line = strtok(NULL, "\n");
			if (line)
				sscanf(line, "%1023s", places[i].location);
			line = strtok(NULL, "\n");
		}
	}
	free(out);
	free(hex);
	free(argv);
}

static const struct place *find(const struct place *places, size_t n, unsigned long offset)
{
	for (size_t i = 0; i < n; i++)
		if (places[i].offset == offset)
			return &places[i];
	return NULL;
}

/* "global 'NAME' of size N" for a data address, from objdump's symbol
 * table ("ADDRESS FLAGS SECTION<tab>SIZE NAME"); "" if none. */
static void global_at(const char *table, unsigned long offset, char *buf, size_t len)
{
	buf[0] = '\0';
	for (const char *line = table; line && *line;) {
		const char *eol = strchr(line, '\n');
		const char *tab = strchr(line, '\t');
		unsigned long start, size;
		char name[256];
		if (tab && (!eol || tab < eol) && sscanf(line, "%lx", &start) == 1 &&
		    sscanf(tab + 1, "%lx %255s", &size, name) == 2 && offset >= start &&
		    offset < start + size) {
			snprintf(buf, len, "global '%s' of size %lu", name, size);
			return;
		}
		line = eol ? eol + 1 : NULL;
	}
}

/* "    #N <null> <null> (module+0x..." with its two <null>s replaced. */
static void rewrite_frame(const char *line, size_t len, const struct place *at, struct text *out)
{
	const char *nulls = strstr(line, "<null> <null> (");
	if (!at || !nulls || nulls >= line + len || strcmp(at->location, "<null>") == 0) {
		text_addn(out, line, len);
		return;
	}
	text_addn(out, line, (size_t)(nulls - line));
	text_printf(out, "%s %s ", at->function, at->location);
	const char *rest = nulls + strlen("<null> <null> ");
	text_addn(out, rest, len - (size_t)(rest - line));
}

/* One line of the log, rewritten where it points into the binary. */
static void rewrite_line(const char *line, size_t len, const char *binary, const char *name,
                         const struct place *places, size_t n, const char *table, struct text *out)
{
	const char *open = memchr(line, '(', len);
	while (open && !module_offset(open, binary, name))
		open = memchr(open + 1, '(', len - (size_t)(open + 1 - line));
	if (!open) {
		text_addn(out, line, len);
		return;
	}
	unsigned long offset = strtoul(module_offset(open, binary, name), NULL, 16);
	const char *location = strstr(line, "Location is global '<null>'");
	if (location && location < line + len) {
		char global[320];
		global_at(table, offset, global, sizeof global);
		if (*global) {
			text_addn(out, line, (size_t)(location - line));
			text_printf(out, "Location is %s", global);
			const char *after = location + strlen("Location is global '<null>'");
			text_addn(out, after, len - (size_t)(after - line));
			return;
		}
	}
	rewrite_frame(line, len, find(places, n, offset), out);
}

char *tsan_symbolize(const char *log, const char *binary)
{
	const char *slash = strrchr(binary, '/');
	const char *name = slash ? slash + 1 : binary;
	struct place *places = xcalloc(MAX_ADDRESSES, sizeof *places);
	size_t n = collect(log, binary, name, places);
	if (n == 0) {
		free(places);
		return xstrdup(log);
	}
	ask_addr2line(binary, places, n);
	/* the data sections only: the whole table is over run_tool's cap */
	char *objdump[] = {"objdump", "-t", "-j",    ".data", "-j",      ".bss",         "-j",
	                   ".tdata",  "-j", ".tbss", "-j",    ".rodata", (char *)binary, NULL};
	char *table = NULL;
	if (!strstr(log, "Location is global '<null>'") || run_tool(objdump, 60, &table) != 0) {
		free(table);
		table = xstrdup("");
	}
	struct text out = {0};
	for (const char *p = log; *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p + 1) : strlen(p);
		rewrite_line(p, len, binary, name, places, n, table, &out);
		p += len;
	}
	text_add(&out, "");
	free(table);
	free(places);
	return text_take(&out);
}
