/*
 * rules.c -- an exercise's rules, checked on the student's object file.
 *
 * The object is the truth about what the code calls, whatever macros or
 * spellings the source uses: `nm -u` lists the functions it needs from
 * elsewhere.  In the ThreadSanitizer build every atomic operation is such a
 * call too (__tsan_atomic*), which is how "uses <stdatomic.h>" is checked.
 */
#include "rules.h"

#include "run.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool symbol_matches(const char *const *patterns, const char *symbol)
{
	for (const char *const *p = patterns; p && *p; p++)
		if (fnmatch(*p, symbol, 0) == 0)
			return true;
	return false;
}

/* Points at the lines of the source that mention the symbol. */
static void show_mentions(const char *source, const char *shown_path, const char *symbol,
                          struct text *out)
{
	char *text = text_read_file(source);
	if (!text)
		return;
	int line = 1, shown = 0;
	size_t len = strlen(symbol);
	for (char *p = text; *p && shown < 3; p++) {
		if (*p == '\n') {
			line++;
			continue;
		}
		if (strncmp(p, symbol, len) != 0)
			continue;
		char *eol = strchr(p, '\n');
		char *bol = p;
		while (bol > text && bol[-1] != '\n')
			bol--;
		text_printf(out, "    %s:%d: %.*s\n", shown_path, line,
		            (int)((eol ? eol : p + strlen(p)) - bol), bol);
		shown++;
		p = eol ? eol - 1 : p + strlen(p) - 1;
	}
	free(text);
}

bool rules_check(const struct rubric_test *t, const char *object, const char *source,
                 const char *shown_path, struct text *out)
{
	char *argv[] = {"nm", "-P", "-u", (char *)object, NULL};
	char *symbols = NULL;
	if (run_tool(argv, 60, &symbols) != 0) {
		text_printf(out, "could not list the symbols of the object file:\n%s", symbols);
		free(symbols);
		return false;
	}
	bool ok = true, required_seen = !t->require || !t->require[0];
	for (char *line = strtok(symbols, "\n"); line; line = strtok(NULL, "\n")) {
		char *space = strchr(line, ' ');
		if (space)
			*space = '\0';
		if (symbol_matches((const char *const *)t->require, line))
			required_seen = true;
		if (symbol_matches((const char *const *)t->forbid, line)) {
			text_printf(out, "%s calls %s(): %s\n", shown_path, line,
			            t->forbid_why ? t->forbid_why : "not allowed in this exercise");
			show_mentions(source, shown_path, line, out);
			ok = false;
		}
	}
	if (!required_seen) {
		text_printf(out, "%s: %s\n", shown_path,
		            t->require_why ? t->require_why : "a required function is not used");
		ok = false;
	}
	free(symbols);
	return ok;
}
