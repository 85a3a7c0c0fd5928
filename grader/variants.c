/*
 * variants.c -- the macros that tell the grader's builds apart.
 *
 * The same file is compiled three times (gcc -O0, gcc -O2, clang with
 * ThreadSanitizer), and each run is judged on a different build.  Code
 * that behaves differently per build can be correct only where it is
 * watched.  The reserved names (__clang__, __OPTIMIZE__) are refused by
 * srcscan.c; this finds the ordinary ones the headers define differently,
 * such as FLT_ROUNDS or gcc's _Float128 constants (M_PIf128): the macros
 * after preprocessing the student's file (`-dM -E`) in each build, those
 * whose definition differs or is missing in one, and those whose
 * definition uses such a macro.
 */
#include "variants.h"

#include "rules.h"
#include "run.h"
#include "text.h"
#include "util.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Macros spelled differently by gcc's and clang's headers that mean the
 * same on every target the grader runs on. */
static const char *const same_meaning[] = {
    "atomic_*", "ATOMIC_*", "kill_dependency", "NULL", "offsetof", "va_*", "*_MIN", "*_MAX", NULL,
};

struct macro {
	char *name;
	char *definition; /* everything after "#define " */
	bool differs;
};

struct macros {
	struct macro *m;
	size_t n;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct macro *)a)->name, ((const struct macro *)b)->name);
}

static struct macro *find(const struct macros *set, const char *name)
{
	struct macro key = {(char *)name, NULL, false};
	return set->n ? bsearch(&key, set->m, set->n, sizeof key, by_name) : NULL;
}

/* The macros one build defines. */
static bool read_macros(const char *const *compiler, const char *source, struct macros *set)
{
	const char *argv[48];
	int n = 0;
	for (const char *const *a = compiler; *a && n < 44; a++)
		if (strcmp(*a, "-g") != 0)
			argv[n++] = *a;
	argv[n++] = "-dM";
	argv[n++] = "-E";
	argv[n++] = source;
	argv[n] = NULL;
	char *out = NULL;
	if (run_compiler_reading((char *const *)argv, source, &out) != 0) {
		free(out);
		return false;
	}
	size_t cap = 0;
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		if (strncmp(line, "#define ", 8) != 0)
			continue;
		const char *name = line + 8;
		size_t len = strcspn(name, " (");
		if (set->n == cap) {
			cap = cap ? 2 * cap : 1024;
			set->m = xrealloc(set->m, cap, sizeof *set->m);
		}
		set->m[set->n++] = (struct macro){xstrndup(name, len), xstrdup(line + 8), false};
	}
	free(out);
	if (set->m)
		qsort(set->m, set->n, sizeof *set->m, by_name);
	return true;
}

static void free_macros(struct macros *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->m[i].name);
		free(set->m[i].definition);
	}
	free(set->m);
}

/* The number a definition stands for ("NAME ((double)1.5e-7L)"), if it is
 * only a number in parentheses and casts. */
static bool number_in(const char *definition, long double *value, bool *integer)
{
	const char *p = definition + strcspn(definition, " ");
	char digits[128];
	size_t n = 0;
	while (*p) {
		if (*p == '(' || *p == ')' || *p == ' ') {
			p++;
		} else if (strncmp(p, "double", 6) == 0 || strncmp(p, "float", 5) == 0 ||
		           strncmp(p, "long", 4) == 0) {
			p += *p == 'd' ? 6 : *p == 'f' ? 5 : 4;
		} else if (n + 1 < sizeof digits &&
		           (isalnum((unsigned char)*p) || *p == '.' || *p == '+' || *p == '-')) {
			digits[n++] = *p++;
		} else {
			return false;
		}
	}
	digits[n] = '\0';
	char *end;
	*value = strtold(digits, &end);
	*integer = !strpbrk(digits, ".eEpP");
	return n > 0 && end != digits && strspn(end, "fFlLuU") == strlen(end);
}

/* Two spellings of one value: "1.19209290e-7F" and "1.1920928955e-7F". */
static bool same_value(const char *a, const char *b)
{
	long double x, y;
	bool xi, yi;
	if (!number_in(a, &x, &xi) || !number_in(b, &y, &yi) || xi != yi)
		return false;
	if (xi)
		return x == y;
	long double scale = x < 0 ? -x : x;
	long double diff = x > y ? x - y : y - x;
	return diff <= scale * 1e-6L;
}

/* Marks in the first build's set what differs from, or is missing in,
 * another; a macro only another build defines is added as differing. */
static void compare(struct macros *first, const struct macros *other)
{
	for (size_t i = 0; i < first->n; i++) {
		const struct macro *o = find(other, first->m[i].name);
		if (!o || (strcmp(o->definition, first->m[i].definition) != 0 &&
		           !same_value(o->definition, first->m[i].definition)))
			first->m[i].differs = true;
	}
	size_t old = first->n;
	for (size_t i = 0; i < other->n; i++) {
		bool missing = true;
		for (size_t lo = 0, hi = old; lo < hi && missing;) {
			size_t mid = (lo + hi) / 2;
			int c = strcmp(other->m[i].name, first->m[mid].name);
			if (c == 0)
				missing = false;
			else if (c < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
		if (!missing)
			continue;
		first->m = xrealloc(first->m, first->n + 1, sizeof *first->m);
		first->m[first->n++] = (struct macro){xstrdup(other->m[i].name),
		                                      xstrdup(other->m[i].definition), true};
	}
	if (first->m)
		qsort(first->m, first->n, sizeof *first->m, by_name);
}

/* Whether a definition names a macro already marked as differing. */
static bool uses_differing(const struct macros *set, const char *definition)
{
	const char *body = definition + strcspn(definition, " ");
	for (const char *p = body; *p;) {
		if (!(isalpha((unsigned char)*p) || *p == '_')) {
			p++;
			continue;
		}
		const char *end = p;
		while (isalnum((unsigned char)*end) || *end == '_')
			end++;
		char word[256];
		snprintf(word, sizeof word, "%.*s", (int)(end - p), p);
		const struct macro *m = find(set, word);
		if (m && m->differs && !symbol_matches(same_meaning, word))
			return true;
		p = end;
	}
	return false;
}

static char **differing_names(struct macros *set)
{
	for (bool changed = true; changed;) {
		changed = false;
		for (size_t i = 0; i < set->n; i++)
			if (!set->m[i].differs && uses_differing(set, set->m[i].definition))
				changed = set->m[i].differs = true;
	}
	char **names = xcalloc(set->n + 1, sizeof *names);
	size_t k = 0;
	for (size_t i = 0; i < set->n; i++)
		if (set->m[i].differs && set->m[i].name[0] != '_' &&
		    !symbol_matches(same_meaning, set->m[i].name))
			names[k++] = xstrdup(set->m[i].name);
	return names;
}

char **variants_differing_macros(const char *const *const compilers[VARIANT_COUNT],
                                 const char *source)
{
	struct macros sets[VARIANT_COUNT] = {{0}};
	bool ok = true;
	for (int v = 0; v < VARIANT_COUNT && ok; v++)
		ok = read_macros(compilers[v], source, &sets[v]);
	char **names = NULL;
	if (ok) {
		for (int v = 1; v < VARIANT_COUNT; v++)
			compare(&sets[0], &sets[v]);
		names = differing_names(&sets[0]);
	}
	for (int v = 0; v < VARIANT_COUNT; v++)
		free_macros(&sets[v]);
	return names;
}

void variants_free(char **names)
{
	for (char **p = names; p && *p; p++)
		free(*p);
	free(names);
}
