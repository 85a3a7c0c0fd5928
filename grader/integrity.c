/*
 * integrity.c -- refuses submissions that try to cheat through the toolchain.
 *
 * A submission is one C file compiled into the harness's process, so it
 * could quietly switch off or fool the tools that judge it.  The checks
 * below run on every build of the file (gcc -O0, gcc -O2, clang with
 * ThreadSanitizer), because code under #ifdef __clang__ or __OPTIMIZE__
 * exists only in some of them:
 *   - source as written (srcscan.c): no line markers, no reserved names;
 *   - includes: only the exercise's header and system headers, none of
 *     Valgrind's or the sanitizers';
 *   - preprocessed text, the student's own lines: no asm, no attribute or
 *     pragma that adds constructors, sections, aliases, weak symbols or
 *     ifuncs or switches a sanitizer off;
 *   - the object: only ordinary sections (no .init_array, .ctors ...), no
 *     weak, common, ifunc or unique symbols, no definition of a name that
 *     belongs to the C library or the harness, and references only to what
 *     the exercise's rubric allows ("allow"), plus what the compiler itself
 *     emits for that build.
 * Whatever the file defines beyond the header's functions is made local
 * before linking (build.c), so nothing in it can replace a function the
 * harness or the C library calls.
 */
#include "integrity.h"
#include "integrity_parts.h"

#include "rules.h"
#include "run.h"
#include "srcscan.h"
#include "util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where system headers live: the C library's and the compilers' own. */
static const char *const system_headers[] = {
    "/usr/include/*",
    "/usr/local/include/*",
    "/usr/lib/gcc/*/include/*",
    "/usr/lib/gcc/*/include-fixed/*",
    "/usr/lib/llvm-*/lib/clang/*/include/*",
    "/usr/lib/clang/*/include/*",
    "/usr/lib64/clang/*/include/*",
    NULL,
};

/* Dependencies from `-MD`: "obj: a.c b.h \\\n c.h". */
static bool check_includes(const struct integrity_input *in, const struct integrity_variant *v,
                           struct text *why)
{
	char *deps = text_read_file(v->deps_file);
	if (!deps) {
		text_printf(why, "grader: cannot read the dependency list %s\n", v->deps_file);
		return false;
	}
	bool ok = true;
	char *colon = strchr(deps, ':');
	for (char *w = strtok(colon ? colon + 1 : deps, " \\\n\t"); w;
	     w = strtok(NULL, " \\\n\t")) {
		/* Resolve "/usr/../elsewhere" before judging the path. */
		char real[PATH_MAX];
		const char *path = realpath(w, real) ? real : w;
		bool tool = strstr(path, "/valgrind/") || strstr(path, "/sanitizer/");
		bool allowed = strcmp(path, in->source) == 0 || strcmp(path, in->header) == 0 ||
		               (symbol_matches(system_headers, path) && !tool);
		if (!allowed) {
			text_printf(
			    why,
			    "%s includes %s (in the %s build): a submission may include only "
			    "its exercise's header and system headers, not the tools' own\n",
			    in->shown_path, w, variant_name(v->variant));
			ok = false;
		}
	}
	free(deps);
	return ok;
}

bool integrity_check_source(const struct integrity_input *in, const char *const *differing,
                            struct text *why)
{
	return srcscan_check(in->source, in->shown_path, differing, why);
}

bool integrity_check_variant(const struct integrity_input *in, const struct integrity_variant *v,
                             struct text *why)
{
	bool includes = check_includes(in, v, why);
	bool source = integrity_check_text(in, v, why);
	bool object = integrity_check_object(in, v, why);
	return includes && source && object;
}

char **integrity_api_names(const char *header, const char *aux_file)
{
	char *argv[] = {"gcc",
	                "-std=c11",
	                "-D_GNU_SOURCE",
	                "-fsyntax-only",
	                "-aux-info",
	                (char *)aux_file,
	                "-x",
	                "c",
	                (char *)header,
	                NULL};
	char *out = NULL;
	int status = run_tool(argv, 60, &out);
	free(out);
	char *aux = status == 0 ? text_read_file(aux_file) : NULL;
	if (!aux)
		return NULL;
	size_t n = 0, cap = 16;
	char **names = xcalloc(cap + 1, sizeof *names);
	char *marker = text_format("/* %s:", header);
	for (char *line = strtok(aux, "\n"); line; line = strtok(NULL, "\n")) {
		char *end = strstr(line, "*/");
		if (strncmp(line, marker, strlen(marker)) != 0 || !end)
			continue;
		/* "extern TYPE NAME (ARGS);": the word before the first '(' that does
		 * not open a declarator ("void (*NAME (ARGS)) (int)"). */
		char *paren = strchr(end, '(');
		while (paren && paren[1] == '*')
			paren = strchr(paren + 1, '(');
		while (paren && paren > end && paren[-1] == ' ')
			paren--;
		char *start = paren;
		while (start && start > end && integrity_is_word_char(start[-1]))
			start--;
		if (!start || start == paren)
			continue;
		if (n == cap) {
			cap *= 2;
			names = xrealloc(names, cap + 1, sizeof *names);
		}
		names[n++] = xstrndup(start, (size_t)(paren - start));
		names[n] = NULL;
	}
	free(marker);
	free(aux);
	return names;
}

void integrity_free_names(char **names)
{
	for (char **p = names; p && *p; p++)
		free(*p);
	free(names);
}
