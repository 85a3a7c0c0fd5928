/*
 * rules.c -- an exercise's rules, checked on the student's object file.
 *
 * The objects are the truth about what the code calls, whatever macros or
 * spellings the source uses: the build lists every function that any of
 * its three objects references (student.o.calls), so code that calls a
 * lock only under #ifndef __clang__ is seen too.  In the ThreadSanitizer
 * build every atomic operation is such a call (__tsan_atomic*), which is
 * how "uses <stdatomic.h>" is checked.  What compiles to no call at all
 * (atomic_flag_test_and_set is a builtin) is judged on the student's own
 * preprocessed lines (student.o.lines), by "forbid_source".
 */
#include "rules.h"

#include "text.h"

#include <ctype.h>
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

/* The first of the student's preprocessed lines that names a forbidden
 * identifier (patterns), or NULL; word gets the identifier. */
static bool source_names(char *lines, char *const *patterns, char *word, size_t len)
{
	for (char *p = lines; p && *p;) {
		if (!(*p == '_' || isalnum((unsigned char)*p))) {
			p++;
			continue;
		}
		char *end = p;
		while (*end == '_' || isalnum((unsigned char)*end))
			end++;
		snprintf(word, len, "%.*s", (int)(end - p), p);
		if (!isdigit((unsigned char)*p) &&
		    symbol_matches((const char *const *)patterns, word))
			return true;
		p = end;
	}
	return false;
}

/* What the build wrote beside the object (OBJECT.calls, .lines), or NULL. */
static char *read_beside(const char *object, const char *suffix)
{
	char *path = text_format("%s%s", object, suffix);
	char *text = text_read_file(path);
	free(path);
	return text;
}

bool rules_check(const struct rubric_test *t, const char *object, const char *source,
                 const char *shown_path, struct text *out)
{
	char *symbols = read_beside(object, ".calls");
	if (!symbols) {
		text_printf(out, "grader: cannot read %s.calls, which the build writes\n", object);
		return false;
	}
	bool ok = true, required_seen = !t->require || !t->require[0];
	for (char *line = strtok(symbols, "\n"); line; line = strtok(NULL, "\n")) {
		if (symbol_matches((const char *const *)t->require, line))
			required_seen = true;
		if (symbol_matches((const char *const *)t->forbid, line)) {
			text_printf(out, "%s calls %s(): %s\n", shown_path, line,
			            t->forbid_why ? t->forbid_why : "not allowed in this exercise");
			show_mentions(source, shown_path, line, out);
			ok = false;
		}
	}
	free(symbols);
	char *lines =
	    t->forbid_source && t->forbid_source[0] ? read_beside(object, ".lines") : NULL;
	char word[256];
	if (lines && source_names(lines, t->forbid_source, word, sizeof word)) {
		text_printf(out, "%s uses %s: %s\n", shown_path, word,
		            t->forbid_why ? t->forbid_why : "not allowed in this exercise");
		show_mentions(source, shown_path, word, out);
		ok = false;
	}
	free(lines);
	if (!required_seen) {
		text_printf(out, "%s: %s\n", shown_path,
		            t->require_why ? t->require_why : "a required function is not used");
		ok = false;
	}
	return ok;
}
