/*
 * integrity_text.c -- the student's own lines of each build's preprocessed
 * text: no inline assembly, no sanitizer-disabling words, no attribute or
 * pragma that adds constructors, sections, aliases, weak symbols or ifuncs
 * (see integrity.c for the whole of the build's checks).
 */
#include "integrity_parts.h"

#include "rules.h"
#include "run.h"
#include "srcscan.h"
#include "util.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const forbidden_words[] = {
    "no_sanitize", "disable_sanitizer_instrumentation", "no_instrument", "__asm__", "__asm", "asm",
};

/* Attributes that run code before main, place code or data where the
 * loader acts on it, make or steer symbols, or switch instrumentation off. */
static const char *const forbidden_attributes[] = {
    "constructor",
    "destructor",
    "section",
    "ifunc",
    "target_clones",
    "alias",
    "weakref",
    "weak",
    "visibility",
    "tls_model",
    "symver",
    "init_priority",
    "no_reorder",
    "externally_visible",
    "noinit",
    "persistent",
    "retain",
    "copy",
    "naked",
    "common",
    "no_sanitize*",
    "no_instrument*",
    "disable_sanitizer_instrumentation",
    "patchable_function_entry",
    NULL,
};

/* Pragmas an answer may use. */
static const char *const allowed_pragmas[] = {
    "GCC diagnostic *", "clang diagnostic *", "once", "STDC *", NULL,
};

bool integrity_is_word_char(char c)
{
	return c == '_' || isalnum((unsigned char)c);
}

static bool word_at(const char *line, const char *p, const char *word)
{
	bool start = p == line || !integrity_is_word_char(p[-1]);
	bool end = !integrity_is_word_char(p[strlen(word)]);
	return start &&
	       (end || strcmp(word, "no_sanitize") == 0 || strcmp(word, "no_instrument") == 0);
}

struct line_check {
	const struct integrity_input *in;
	const struct integrity_variant *v;
	struct text *why;
	int line_no;
	bool ok;
};

static void refuse(struct line_check *c, const char *fmt, const char *what)
{
	text_printf(c->why, "%s:%d", c->in->shown_path, c->line_no);
	text_printf(c->why, fmt, what);
	text_printf(c->why, " (in the %s build)\n", variant_name(c->v->variant));
	c->ok = false;
}

/* One attribute name from a list: "__weak__" and "gnu::weak" are "weak". */
static void check_attribute(struct line_check *c, const char *name, size_t len)
{
	char word[64];
	const char *colons = memmem(name, len, "::", 2);
	if (colons) {
		len -= (size_t)(colons + 2 - name);
		name = colons + 2;
	}
	if (len > 4 && strncmp(name, "__", 2) == 0 && strncmp(name + len - 2, "__", 2) == 0) {
		name += 2;
		len -= 4;
	}
	if (len == 0 || len >= sizeof word)
		return;
	memcpy(word, name, len);
	word[len] = '\0';
	if (symbol_matches(forbidden_attributes, word))
		refuse(c,
		       " uses the attribute '%s': constructors, sections, aliases, weak symbols, "
		       "ifuncs and switched-off instrumentation have no place in an answer",
		       word);
}

/* Attribute names at the top level of an attribute list that starts at p
 * (after "((" or "[["), up to the matching close. */
static void check_attribute_list(struct line_check *c, const char *p)
{
	int depth = 0;
	const char *name = NULL;
	for (; *p; p++) {
		bool top = depth == 0;
		if (top && (integrity_is_word_char(*p) || *p == ':') && !name)
			name = p;
		if (name && !(integrity_is_word_char(*p) || *p == ':')) {
			check_attribute(c, name, (size_t)(p - name));
			name = NULL;
		}
		if (*p == '(' || *p == '[')
			depth++;
		else if ((*p == ')' || *p == ']') && --depth < 0)
			return;
		else if (*p == '"')
			while (p[1] && *++p != '"')
				p += *p == '\\' && p[1];
	}
	if (name)
		check_attribute(c, name, strlen(name));
}

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	return p;
}

/* Attribute lists anywhere in the student's lines (text, one line each,
 * numbered by line_nos), even split across lines. */
static void check_attributes(struct line_check *c, const char *text, const int *line_nos)
{
	size_t line = 0;
	const char *counted = text;
	for (const char *p = text; *p; p++) {
		bool gnu = strncmp(p, "__attribute", 11) == 0 &&
		           (p == text || !integrity_is_word_char(p[-1]));
		bool std = p[0] == '[' && skip_space(p + 1)[0] == '[';
		if (!gnu && !std)
			continue;
		for (; counted < p; counted++)
			line += *counted == '\n';
		c->line_no = line_nos[line];
		if (std) {
			check_attribute_list(c, skip_space(p + 1) + 1);
			continue;
		}
		const char *q = p + 11;
		q = skip_space(strncmp(q, "__", 2) == 0 ? q + 2 : q);
		if (*q == '(' && *(q = skip_space(q + 1)) == '(')
			check_attribute_list(c, q + 1);
	}
}

/* One line of the student's own preprocessed text. */
static void check_line(struct line_check *c, const char *line)
{
	if (line[0] == '#') {
		const char *p = line + 1;
		while (*p == ' ')
			p++;
		if (strncmp(p, "pragma ", 7) == 0 && !symbol_matches(allowed_pragmas, p + 7))
			refuse(c, " uses '#%s': only #pragma GCC diagnostic and STDC are allowed",
			       p);
		return;
	}
	for (size_t w = 0; w < sizeof forbidden_words / sizeof forbidden_words[0]; w++) {
		const char *hit = strstr(line, forbidden_words[w]);
		if (hit && word_at(line, hit, forbidden_words[w])) {
			refuse(
			    c,
			    " uses '%s': switching off or hiding code from the sanitizers is not "
			    "allowed",
			    forbidden_words[w]);
			break;
		}
	}
	for (const char *p = line; *p;) {
		if (!integrity_is_word_char(*p) || (p > line && integrity_is_word_char(p[-1]))) {
			p++;
			continue;
		}
		const char *end = p;
		while (integrity_is_word_char(*end))
			end++;
		char word[256];
		snprintf(word, sizeof word, "%.*s", (int)(end - p), p);
		if (srcscan_names_a_tool(word))
			refuse(
			    c,
			    " uses '%s': code may not name a sanitizer's or Valgrind's interface",
			    word);
		p = end;
	}
}

/* The variant's compiler, with -E instead of -c. */
static char *preprocess(const struct integrity_input *in, const struct integrity_variant *v)
{
	const char *argv[40];
	int n = 0;
	for (const char *const *a = v->compiler; *a && n < 36; a++)
		if (strcmp(*a, "-g") != 0)
			argv[n++] = *a;
	argv[n++] = "-E";
	argv[n++] = in->source;
	argv[n] = NULL;
	char *text = NULL;
	if (run_compiler_reading((char *const *)argv, in->source, &text) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* Scans the preprocessed text, but only the lines that come from the
 * student's file (line markers `# N "file"` say where each line is from;
 * srcscan.c refuses markers written by the student).  Keeps those lines
 * in v->lines_file for the rules check. */
/* Whether a line marker's file is the student's file, however spelled
 * (an #include of the file itself by another path counts too). */
static bool is_student_file(const char *file, const char *source)
{
	char real[PATH_MAX];
	return strcmp(file, source) == 0 || (realpath(file, real) && strcmp(real, source) == 0);
}

bool integrity_check_text(const struct integrity_input *in, const struct integrity_variant *v,
                          struct text *why)
{
	char *text = preprocess(in, v);
	if (!text)
		return true; /* the compiler reports what is wrong */
	struct line_check c = {in, v, why, 0, true};
	struct text mine_text = {0};
	size_t nlines = 0;
	int *line_nos = xcalloc(strlen(text) + 1, sizeof *line_nos);
	bool mine = false;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char file[4096];
		if (line[0] == '#' && sscanf(line, "# %d \"%4095[^\"]\"", &c.line_no, file) == 2) {
			mine = is_student_file(file, in->source);
			c.line_no--;
			continue;
		}
		c.line_no++;
		if (!mine)
			continue;
		text_printf(&mine_text, "%s\n", line);
		line_nos[nlines++] = c.line_no;
		check_line(&c, line);
	}
	check_attributes(&c, mine_text.data ? mine_text.data : "", line_nos);
	FILE *f = v->lines_file ? fopen(v->lines_file, "a") : NULL;
	if (f) {
		fputs(mine_text.data ? mine_text.data : "", f);
		fclose(f);
	}
	free(line_nos);
	text_free(&mine_text);
	free(text);
	return c.ok;
}
