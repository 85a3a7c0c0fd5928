/*
 * srcscan.c -- checks on the student's file as written, before the
 * preprocessor.
 *
 * The preprocessed text tells which lines are the student's by its line
 * markers, so the student may not write markers of their own: no `#line`
 * and no GNU `# 12 "file"` lines, however spelled (`??=` trigraphs are on
 * in -std=c11, `%:` is a digraph for `#`, and backslash-newlines join
 * lines).  A line the student wrote could otherwise pass for a system
 * header's line and escape every check on the preprocessed text.
 *
 * Reserved identifiers (a leading underscore) belong to the compiler and
 * the C library.  They are how code tells the three builds apart
 * (__clang__, __OPTIMIZE__, __SANITIZE_THREAD__, __has_feature,
 * __glibc_clang_prereq) and how it reaches the tools' hooks (__tsan_*,
 * __sanitizer_*); an answer needs only the few on the list below.  The
 * scan skips comments, string and character literals and the path of an
 * #include, so only code counts.
 */
#include "srcscan.h"

#include "rules.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* The reserved names a C11 answer may use. */
static const char *const allowed_reserved[] = {
    "_exit",
    "_Exit",
    "_Atomic",
    "_Bool",
    "_Thread_local",
    "_Noreturn",
    "_Static_assert",
    "_Alignas",
    "_Alignof",
    "_Generic",
    "_Complex",
    "_Imaginary",
    "_Pragma",
    "_GNU_SOURCE",
    "_DEFAULT_SOURCE",
    "_POSIX_C_SOURCE",
    "_XOPEN_SOURCE",
    "_SC_*",
    "_IONBF",
    "_IOLBF",
    "_IOFBF",
    "__func__",
    "__FILE__",
    "__LINE__",
    "__VA_ARGS__",
    "__PRETTY_FUNCTION__",
    "__STDC_*",
    "__attribute__",
    "__attribute",
    "__typeof__",
    "__typeof",
    "__extension__",
    "__inline",
    "__inline__",
    "__restrict",
    "__restrict__",
    "__alignof__",
    "__int128",
    "__int128_t",
    "__uint128_t",
    "__atomic_*",
    "__ATOMIC_*",
    "__sync_*",
    "__WALL",
    "__WCLONE",
    "__WNOTHREAD",
    "__builtin_expect",
    "__builtin_unreachable",
    "__builtin_trap",
    "__builtin_abort",
    "__builtin_popcount*",
    "__builtin_clz*",
    "__builtin_ctz*",
    "__builtin_ffs*",
    "__builtin_parity*",
    "__builtin_bswap*",
    "__builtin_add_overflow",
    "__builtin_sub_overflow",
    "__builtin_mul_overflow",
    "__builtin_offsetof",
    "__builtin_types_compatible_p",
    "__builtin_choose_expr",
    "__builtin_memcpy",
    "__builtin_memset",
    "__builtin_prefetch",
    "__builtin_ia32_pause",
    "__builtin_assume_aligned",
    "__builtin_va_*",
    "__thread",
    "__auto_type",
    "__FUNCTION__",
    /* attribute names in their reserved spelling */
    "__unused__",
    "__aligned__",
    "__packed__",
    "__noreturn__",
    "__format__",
    "__printf__",
    "__noinline__",
    "__always_inline__",
    "__cold__",
    "__hot__",
    "__pure__",
    "__const__",
    "__nonnull__",
    "__warn_unused_result__",
    "__fallthrough__",
    "__deprecated__",
    "__cleanup__",
    "__malloc__",
    "__may_alias__",
    NULL,
};

static const char *const tool_names[] = {
    "*__tsan*",   "*__sanitizer*", "*__asan*",   "*__msan*",   "*__lsan*", "*__ubsan*",
    "*__hwasan*", "*valgrind*",    "*VALGRIND*", "*Valgrind*", NULL,
};

bool srcscan_identifier_allowed(const char *name)
{
	return name[0] != '_' || symbol_matches(allowed_reserved, name);
}

bool srcscan_names_a_tool(const char *name)
{
	return symbol_matches(tool_names, name);
}

/* The file after translation phases 1 and 2: trigraphs replaced, and
 * backslash-newlines removed; line[i] is the physical line of text[i]. */
struct logical {
	char *text;
	int *line;
	size_t len;
};

static char trigraph(char c)
{
	static const char from[] = "=/'()!<>-", to[] = "#\\^[]|{}~";
	const char *p = c ? strchr(from, c) : NULL;
	return p ? to[p - from] : 0;
}

static void join_lines(const char *raw, struct logical *l)
{
	size_t n = strlen(raw);
	/* Zeroed, and one spare: the scanner looks one character ahead. */
	char *phase1 = xcalloc(n + 2, 1);
	int *line1 = xcalloc(n + 2, sizeof *line1);
	l->text = xcalloc(n + 2, 1);
	l->line = xcalloc(n + 2, sizeof *l->line);
	size_t m = 0;
	int line = 1;
	for (size_t i = 0; i < n; i++) {
		char t = raw[i] == '?' && raw[i + 1] == '?' ? trigraph(raw[i + 2]) : 0;
		line1[m] = line;
		phase1[m++] = t ? t : raw[i];
		i += t ? 2 : 0;
		line += raw[i] == '\n';
	}
	l->len = 0;
	for (size_t i = 0; i < m; i++) {
		size_t j = i + 1;
		while (phase1[i] == '\\' && j < m && (phase1[j] == ' ' || phase1[j] == '\t'))
			j++; /* gcc accepts blanks between the backslash and the newline */
		if (phase1[i] == '\\' && j < m && phase1[j] == '\n') {
			i = j;
			continue;
		}
		l->line[l->len] = line1[i];
		l->text[l->len++] = phase1[i];
	}
	l->text[l->len] = '\0';
	l->line[l->len] = line;
	free(phase1);
	free(line1);
}

struct scanner {
	const struct logical *l;
	size_t i;
	const char *shown_path;
	const char *const *differing;
	struct text *why;
	bool ok;
};

/* Skips a comment or a literal at s->i; true if there was one. */
static bool skip_comment_or_literal(struct scanner *s)
{
	const char *t = s->l->text;
	size_t i = s->i;
	if (t[i] == '/' && t[i + 1] == '*') {
		const char *end = strstr(t + i + 2, "*/");
		s->i = end ? (size_t)(end - t) + 2 : s->l->len;
		return true;
	}
	if (t[i] == '/' && t[i + 1] == '/') {
		while (t[s->i] && t[s->i] != '\n')
			s->i++;
		return true;
	}
	if (t[i] != '"' && t[i] != '\'')
		return false;
	char quote = t[i];
	for (s->i = i + 1; t[s->i] && t[s->i] != quote && t[s->i] != '\n'; s->i++)
		if (t[s->i] == '\\' && t[s->i + 1])
			s->i++;
	if (t[s->i] == quote)
		s->i++;
	return true;
}

/* Skips blanks and comments on the current line. */
static void skip_blanks(struct scanner *s)
{
	const char *t = s->l->text;
	for (;;) {
		if (t[s->i] == ' ' || t[s->i] == '\t' || t[s->i] == '\f' || t[s->i] == '\v' ||
		    t[s->i] == '\r')
			s->i++;
		else if (t[s->i] == '/' && (t[s->i + 1] == '*' || t[s->i + 1] == '/'))
			skip_comment_or_literal(s);
		else
			return;
	}
}

static void skip_line(struct scanner *s)
{
	while (s->i < s->l->len && s->l->text[s->i] != '\n')
		s->i++;
}

/* At the start of a line: a directive?  Refuses line markers; skips the
 * operand of #include, #error and #warning (a path or free text). */
static void check_directive(struct scanner *s)
{
	const char *t = s->l->text;
	skip_blanks(s);
	bool hash = t[s->i] == '#';
	bool digraph = t[s->i] == '%' && t[s->i + 1] == ':';
	if (!hash && !digraph)
		return;
	int line = s->l->line[s->i];
	s->i += hash ? 1 : 2;
	skip_blanks(s);
	size_t start = s->i;
	while (isalnum((unsigned char)t[s->i]) || t[s->i] == '_')
		s->i++;
	size_t len = s->i - start;
	if (len > 0 && (isdigit((unsigned char)t[start]) ||
	                (len == 4 && strncmp(t + start, "line", 4) == 0))) {
		text_printf(s->why,
		            "%s:%d: a line marker (#line or # NUMBER): the grader tells your lines "
		            "from the system's by these markers, so a submission may not write "
		            "its own; remove the line\n",
		            s->shown_path, line);
		s->ok = false;
		skip_line(s);
	} else if ((len == 7 && strncmp(t + start, "include", 7) == 0) ||
	           (len == 5 && strncmp(t + start, "error", 5) == 0) ||
	           (len == 7 && strncmp(t + start, "warning", 7) == 0)) {
		skip_line(s);
	}
}

static bool is_listed(const char *const *names, const char *name)
{
	for (const char *const *n = names; n && *n; n++)
		if (strcmp(*n, name) == 0)
			return true;
	return false;
}

/* Why the student's file may not use name, and the fix; NULL if it may. */
static const char *refusal(const struct scanner *s, const char *name)
{
	if (srcscan_names_a_tool(name))
		return "code that names a sanitizer's or Valgrind's interface can tell it is being "
		       "checked; remove it";
	if (is_listed(s->differing, name))
		return "the grader's compilers define it differently, so code that depends on it "
		       "could behave differently in the build each test watches; do without it";
	if (!srcscan_identifier_allowed(name))
		return "names that begin with an underscore belong to the compiler and the C "
		       "library (they tell the grader's builds apart); use the standard name (e.g. "
		       "atomic_fetch_add, not a compiler internal)";
	return NULL;
}

static void check_identifier(struct scanner *s, size_t start)
{
	char name[256];
	size_t len = s->i - start;
	if (len >= sizeof name)
		len = sizeof name - 1;
	memcpy(name, s->l->text + start, len);
	name[len] = '\0';
	const char *why = refusal(s, name);
	if (why) {
		text_printf(s->why, "%s:%d uses '%s': %s\n", s->shown_path, s->l->line[start], name,
		            why);
		s->ok = false;
	}
}

bool srcscan_check(const char *path, const char *shown_path, const char *const *differing,
                   struct text *why)
{
	char *raw = text_read_file(path);
	if (!raw) {
		text_printf(why, "%s: cannot read the file\n", shown_path);
		return false;
	}
	struct logical l;
	join_lines(raw, &l);
	free(raw);
	struct scanner s = {&l, 0, shown_path, differing, why, true};
	bool line_start = true;
	while (s.i < l.len) {
		const char *t = l.text;
		size_t start_of_token = s.i;
		if (line_start) {
			line_start = false;
			check_directive(&s);
			continue;
		}
		if (t[s.i] == '\n') {
			line_start = true;
			s.i++;
		} else if (skip_comment_or_literal(&s)) {
			/* Be strict: a # after a comment that spans lines may start a directive. */
			line_start = memchr(t + start_of_token, '\n', s.i - start_of_token) != NULL;
		} else if (isalpha((unsigned char)t[s.i]) || t[s.i] == '_') {
			size_t start = s.i;
			while (isalnum((unsigned char)t[s.i]) || t[s.i] == '_' || t[s.i] == '$')
				s.i++;
			check_identifier(&s, start);
		} else if (isdigit((unsigned char)t[s.i])) {
			while (isalnum((unsigned char)t[s.i]) || t[s.i] == '_' || t[s.i] == '.')
				s.i++; /* a number: its letters (0x1f, 10UL) are not names */
		} else {
			s.i++;
		}
	}
	free(l.text);
	free(l.line);
	return s.ok;
}
