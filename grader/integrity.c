/*
 * integrity.c -- refuses submissions that try to cheat through the toolchain.
 *
 * A submission is one C file compiled into the harness's process, so it
 * could quietly switch off the tools that judge it: define ThreadSanitizer's
 * hooks (__tsan_default_options, __tsan_on_report), mark its functions
 * no_sanitize, hide accesses in inline assembly, override the harness's or
 * libc's functions, include the reference solution, or read and rewrite the
 * environment and files the grader uses.  None of that has a place in an
 * exercise answer, so any of it fails the build with the reason:
 *   - includes: only the exercise's header and system headers;
 *   - source: no sanitizer-disabling attributes, pragmas or asm, checked on
 *     the preprocessed text of the student's own lines (macros expanded);
 *   - definitions: no reserved names (__x, _X), no harness, Check, pthread
 *     or process-control names;
 *   - calls: nothing that touches the environment, files by name, other
 *     programs, the process's limits or raw system calls.
 */
#include "integrity.h"

#include "rules.h"
#include "run.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const forbidden_words[] = {
    "no_sanitize", "disable_sanitizer_instrumentation", "no_instrument", "__asm__", "__asm", "asm",
};

static const char *const reserved_definitions[] = {
    "__*",    "_[A-Z]*", "harness_*", "main",        "suite_*",   "srunner_*",     "tcase_*",
    "tr_*",   "ck_*",    "_ck_*",     "pthread_*",   "sem_*",     "fork",          "vfork",
    "exit",   "_exit",   "abort",     "malloc",      "calloc",    "realloc",       "free",
    "write",  "read",    "close",     "kill",        "signal",    "sigaction",     "waitpid",
    "wait",   "waitid",  "dup2",      "sched_yield", "nanosleep", "clock_gettime", "getenv",
    "atexit", NULL,
};

static const char *const forbidden_calls[] = {
    "unlink*",  "remove",    "rename*",  "truncate", "ftruncate", "getenv",    "secure_getenv",
    "setenv",   "unsetenv",  "putenv",   "clearenv", "environ",   "__environ", "ptrace",
    "prctl",    "setrlimit", "prlimit*", "exec*",    "system",    "popen",     "syscall",
    "dlopen",   "dlsym",     "dlvsym",   "chdir",    "fchdir",    "chroot",    "chmod",
    "fchmod*",  "chown",     "lchown",   "fchown*",  "link",      "linkat",    "symlink*",
    "mprotect", "__libc_*",  "_dl_*",    "opendir",  "fdopendir", "scandir*",  "nftw*",
    "ftw*",     "glob*",     NULL,
};

/* Dependencies from `-MD`: "obj: a.c b.h \\\n c.h". */
static bool check_includes(const struct integrity_input *in, struct text *why)
{
	char *deps = text_read_file(in->deps_file);
	if (!deps) {
		text_printf(why, "grader: cannot read the dependency list %s\n", in->deps_file);
		return false;
	}
	bool ok = true;
	char *colon = strchr(deps, ':');
	for (char *w = strtok(colon ? colon + 1 : deps, " \\\n\t"); w;
	     w = strtok(NULL, " \\\n\t")) {
		/* Resolve "/usr/../elsewhere" before judging the path. */
		char real[PATH_MAX];
		const char *path = realpath(w, real) ? real : w;
		bool allowed = strcmp(path, in->source) == 0 || strcmp(path, in->header) == 0 ||
		               strncmp(path, "/usr/", 5) == 0;
		if (!allowed) {
			text_printf(why,
			            "%s includes %s: a submission may include only its exercise's "
			            "header and system headers\n",
			            in->shown_path, w);
			ok = false;
		}
	}
	free(deps);
	return ok;
}

static bool word_at(const char *line, const char *p, const char *word)
{
	size_t n = strlen(word);
	bool start =
	    p == line || !(p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z') ||
	                   (p[-1] >= 'A' && p[-1] <= 'Z') || (p[-1] >= '0' && p[-1] <= '9'));
	char after = p[n];
	bool end = !(after == '_' || (after >= 'a' && after <= 'z') ||
	             (after >= 'A' && after <= 'Z') || (after >= '0' && after <= '9'));
	return start &&
	       (end || strcmp(word, "no_sanitize") == 0 || strcmp(word, "no_instrument") == 0);
}

/* Scans the preprocessed text, but only the lines that come from the
 * student's file (line markers `# N "file"` say where each line is from). */
static bool check_source(const struct integrity_input *in, struct text *why)
{
	char *argv[] = {
	    "gcc", "-std=c11", "-D_GNU_SOURCE", "-E", (char *)in->include_flag, (char *)in->source,
	    NULL};
	char *text = NULL;
	if (run_tool(argv, 60, &text) != 0) {
		free(text);
		return true; /* the compiler reports what is wrong */
	}
	bool ok = true, mine = false;
	int line_no = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char file[4096];
		if (line[0] == '#' && sscanf(line, "# %d \"%4095[^\"]\"", &line_no, file) == 2) {
			mine = strcmp(file, in->source) == 0;
			line_no--;
			continue;
		}
		line_no++;
		if (!mine)
			continue;
		for (size_t w = 0; w < sizeof forbidden_words / sizeof forbidden_words[0]; w++) {
			const char *hit = strstr(line, forbidden_words[w]);
			if (hit && word_at(line, hit, forbidden_words[w])) {
				text_printf(why,
				            "%s:%d uses '%s': switching off or hiding code from "
				            "the sanitizers is not allowed\n",
				            in->shown_path, line_no, forbidden_words[w]);
				ok = false;
				break;
			}
		}
	}
	free(text);
	return ok;
}

static bool check_symbols(const struct integrity_input *in, struct text *why)
{
	char *argv[] = {"nm", "-P", (char *)in->object, NULL};
	char *symbols = NULL;
	if (run_tool(argv, 60, &symbols) != 0) {
		text_printf(why, "grader: cannot list the symbols of %s\n", in->object);
		free(symbols);
		return false;
	}
	bool ok = true;
	for (char *line = strtok(symbols, "\n"); line; line = strtok(NULL, "\n")) {
		char name[512], type;
		if (sscanf(line, "%511s %c", name, &type) != 2)
			continue;
		bool defined_global = type >= 'A' && type <= 'Z' && type != 'U';
		if (defined_global && symbol_matches(reserved_definitions, name)) {
			text_printf(why,
			            "%s defines %s: that name belongs to the C library, the "
			            "harness or the tools; rename it or make it static\n",
			            in->shown_path, name);
			ok = false;
		} else if (type == 'U' && symbol_matches(forbidden_calls, name)) {
			text_printf(why,
			            "%s calls %s(): a submission may not touch the environment, "
			            "files by name, other programs or the process's limits\n",
			            in->shown_path, name);
			ok = false;
		}
	}
	free(symbols);
	return ok;
}

bool integrity_check(const struct integrity_input *in, struct text *why)
{
	bool includes = check_includes(in, why);
	bool source = check_source(in, why);
	bool symbols = check_symbols(in, why);
	return includes && source && symbols;
}
