/*
 * build.c -- compiles a student's file and links it with the harness.
 *
 * Only SRC/E/E.c is taken from a submission.  It is copied into an empty
 * folder before compiling, so `#include "E.h"` finds the project's header
 * (copied into the work folder) and never a copy the student edited.  The object is built alone (no
 * LTO), once per variant, then its pthread, fork and atomic calls are renamed to the harness's
 * wrappers (objcopy --redefine-syms) and it is linked with the harness of the same variant.
 * Warnings are collected, never fatal.
 */
#include "build.h"

#include "integrity.h"
#include "jobuid.h"
#include "rubric.h"
#include "run.h"
#include "text.h"
#include "util.h"
#include "variants.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef CHECK_LIBS
#define CHECK_LIBS "-lcheck"
#endif

/* Each variant's compiler and flags for the student's file, from
 * harness/variants.mk (the Makefile passes them as -D defines): the one
 * place they are said, beside the harness's own and why the two differ. */
#if !defined(VARIANT_CC_debug) || !defined(VARIANT_CC_fast) || !defined(VARIANT_CC_tsan)
#error "compile build.c with the Makefile: it defines VARIANT_* from harness/variants.mk"
#endif
struct variant_tools {
	const char *cc;
	const char *flags;      /* compile flags, space-separated */
	const char *link_flags; /* extra flags at link time, space-separated */
};

static const struct variant_tools tools[VARIANT_COUNT] = {
    [VARIANT_DEBUG] = {VARIANT_CC_debug, VARIANT_CFLAGS_debug, VARIANT_LDFLAGS_debug},
    [VARIANT_FAST] = {VARIANT_CC_fast, VARIANT_CFLAGS_fast, VARIANT_LDFLAGS_fast},
    [VARIANT_TSAN] = {VARIANT_CC_tsan, VARIANT_CFLAGS_tsan, VARIANT_LDFLAGS_tsan},
};

/* Copies src to dst; false if src cannot be read. */
static bool copy_file(const char *src, const char *dst)
{
	char *data = text_read_file(src);
	if (!data)
		return false;
	FILE *f = fopen(dst, "w");
	bool ok = f && fputs(data, f) >= 0;
	if (f && fclose(f) != 0)
		ok = false;
	free(data);
	return ok;
}

/* Runs a tool; appends its output (paths as the student knows them) to log.
 * The compiler reads what the student's file names, so it runs untrusted:
 * it gets `readable` and `writable` (run_untrusted_tool); a tool of the
 * grader's own gets NULL for both. */
static int run_logged(char *const argv[], const char *const *readable, const char *const *writable,
                      struct build *b, struct text *log)
{
	char *output = NULL;
	int status = readable ? run_untrusted_tool(argv, readable, writable, 120, &output)
	                      : run_tool(argv, 120, &output);
	char *shown = text_replace_all(output ? output : "", b->source, b->shown_path);
	text_add(log, shown);
	free(shown);
	free(output);
	return status;
}

/* What the integrity checks of one submission need besides the variant. */
struct checks {
	struct integrity_input in;
	char *include; /* -I for the exercise's header */
	char *calls;   /* every variant's references, one a line (for rules) */
	char *lines;   /* every variant's preprocessed student lines (for rules) */
};

/* Splits words ("-pthread -lcheck_pic ...", changed in place) into argv
 * from n on, keeping room for the NULL; returns the new n. */
static int add_words(const char **argv, int n, int max, char *words)
{
	for (char *w = strtok(words, " "); w && n < max - 1; w = strtok(NULL, " "))
		argv[n++] = w;
	return n;
}

/* A variant's flags as words, split once: the commands built from them live
 * as long as the grader. */
static int add_variant_flags(enum variant v, const char **argv, int n, int max)
{
	static char *split[VARIANT_COUNT];
	static const char *words[VARIANT_COUNT][16];
	static int count[VARIANT_COUNT];
	if (!split[v]) {
		split[v] = xstrdup(tools[v].flags);
		count[v] = add_words(words[v], 0, 16, split[v]);
	}
	for (int i = 0; i < count[v] && n < max - 1; i++)
		argv[n++] = words[v][i];
	return n;
}

/* The variant's compiler command, up to (not including) -c; returns its
 * length.  -fno-common: a tentative definition is an ordinary one, never
 * merged with a name elsewhere; -pipe: no temporary files, so the compiler
 * needs no /tmp. */
static int compiler_command(const struct checks *k, enum variant v, const char **argv)
{
	const char *fixed[] = {tools[v].cc, "-std=c11", "-D_GNU_SOURCE", "-Wall",
	                       "-Wextra",   "-pthread", "-fno-common",   "-pipe"};
	int n = 0;
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		argv[n++] = fixed[i];
	n = add_variant_flags(v, argv, n, 20);
	argv[n++] = k->include;
	argv[n] = NULL;
	return n;
}

static int compile(const struct checks *k, enum variant v, struct build *b, struct text *log)
{
	const char *argv[24];
	int n = compiler_command(k, v, argv);
	int compiler_words = n;
	char *deps = text_format("%s.d", b->object[v]);
	argv[n++] = "-c";
	argv[n++] = b->source;
	argv[n++] = "-o";
	argv[n++] = b->object[v];
	argv[n++] = "-MD";
	argv[n++] = "-MF";
	argv[n++] = deps;
	argv[n] = NULL;
	/* It reads the copied source and header, and writes beside the object. */
	char *src_dir = folder_of(b->source), *out_dir = folder_of(b->object[v]);
	const char *readable[] = {src_dir, k->include + 2, NULL}, *writable[] = {out_dir, NULL};
	int status = run_logged((char *const *)argv, readable, writable, b, log);
	free(out_dir);
	free(src_dir);
	if (status == 0) {
		argv[compiler_words] = NULL;
		struct integrity_variant iv = {v, argv, b->object[v], deps, k->lines, k->calls};
		if (!integrity_check_variant(&k->in, &iv, log))
			status = 1;
	}
	free(deps);
	return status;
}

/* objcopy: the student's calls go to the harness's wrappers, and every
 * global but the header's functions becomes local, so that nothing the
 * file defines can stand in for a function of the harness or the C library. */
static int wrap(const struct grader_config *cfg, const struct checks *k, enum variant v,
                const char *wrapped, struct build *b, struct text *log)
{
	char *syms = path_join(cfg->root, "harness/common/wrap.syms");
	struct text args = {0};
	text_printf(&args, "objcopy\n--redefine-syms=%s\n", syms);
	for (const char *const *name = k->in.api; *name; name++)
		text_printf(&args, "--keep-global-symbol=%s\n", *name);
	text_printf(&args, "%s\n%s\n", b->object[v], wrapped);
	char *words = text_take(&args);
	const char *argv[80];
	int n = 0;
	for (char *w = strtok(words, "\n"); w && n < 79; w = strtok(NULL, "\n"))
		argv[n++] = w;
	argv[n] = NULL;
	int status = run_logged((char *const *)argv, NULL, NULL, b, log);
	free(words);
	free(syms);
	return status;
}

static int wrap_and_link(const struct grader_config *cfg, const struct checks *k,
                         const char *exercise, enum variant v, struct build *b, struct text *log)
{
	char *dir = path_join(cfg->work, exercise, variant_name(v));
	char *wrapped = path_join(dir, "student-wrapped.o");
	int status = wrap(cfg, k, v, wrapped, b, log);

	char *harness = path_join(cfg->root, "build", variant_name(v), exercise, "harness.a");
	char *common = path_join(cfg->root, "build", variant_name(v), "libharness.a");
	char libs[] = CHECK_LIBS;
	char *link_flags = xstrdup(tools[v].link_flags);
	const char *argv[32] = {tools[v].cc,         "-o",    b->binary[v], wrapped,
	                        "-Wl,--start-group", harness, common,       "-Wl,--end-group"};
	int n = add_words(argv, 8, 16, link_flags);
	n = add_words(argv, n, 30, libs);
	argv[n++] = "-pthread";
	argv[n] = NULL;
	if (status == 0)
		status = run_logged((char *const *)argv, NULL, NULL, b, log);
	free(link_flags);
	free(harness);
	free(common);
	free(wrapped);
	free(dir);
	return status;
}

/* The files of the project that the sandbox user reads (the exercise's
 * header for the compiler, Helgrind's suppressions), copied into the work
 * folder, so the project itself may sit where that user cannot look. */
static int copy_project_files(const struct grader_config *cfg, const char *exercise)
{
	char *dir = path_join(cfg->work, exercise, "include");
	char *header = text_format("%s/exercises/%s/%s.h", cfg->root, exercise, exercise);
	char *header_copy = text_format("%s/%s.h", dir, exercise);
	char *supp = path_join(cfg->root, "harness/common/helgrind.supp");
	char *supp_copy = path_join(cfg->work, exercise, "helgrind.supp");
	int rc = make_dirs(dir) == 0 && copy_file(header, header_copy) && copy_file(supp, supp_copy)
	             ? 0
	             : -1;
	free(supp_copy);
	free(supp);
	free(header_copy);
	free(header);
	free(dir);
	return rc;
}

static int count_warnings(const char *log)
{
	int n = 0;
	for (const char *p = log; (p = strstr(p, "warning: ")) != NULL; p++)
		n++;
	return n;
}

/* Truncates a file the integrity checks append to. */
static void empty_file(const char *path)
{
	FILE *f = fopen(path, "w");
	if (f)
		fclose(f);
}

/* What the checks need: the rubric's allow list, the header's functions. */
static int prepare_checks(const struct grader_config *cfg, const char *exercise, struct build *b,
                          struct checks *k, struct rubric *r, struct text *log)
{
	char err[512];
	if (rubric_load_exercise(cfg->root, exercise, r, err, sizeof err) != 0) {
		text_printf(log, "grader: %s\n", err);
		return -1;
	}
	char *header = text_format("%s/%s/include/%s.h", cfg->work, exercise, exercise);
	char *aux = path_join(cfg->work, exercise, "include/api.aux");
	k->include = text_format("-I%s/%s/include", cfg->work, exercise);
	k->calls = path_join(cfg->work, exercise, "student.calls");
	k->lines = path_join(cfg->work, exercise, "student.lines");
	char **api = integrity_api_names(header, aux);
	free(aux);
	static const char *const any[] = {"*", NULL};
	k->in = (struct integrity_input){
	    .exercise = exercise,
	    .source = b->source,
	    .shown_path = b->shown_path,
	    .header = header,
	    .allow = cfg->any_call ? any : (const char *const *)r->allow,
	    .api = (const char *const *)api,
	};
	empty_file(k->calls);
	empty_file(k->lines);
	if (!api || !api[0]) {
		text_printf(log, "grader: cannot read the functions %s declares\n", header);
		return -1;
	}
	return 0;
}

static void free_checks(struct checks *k)
{
	free((char *)k->in.header);
	integrity_free_names((char **)k->in.api);
	free(k->include);
	free(k->calls);
	free(k->lines);
}

/* The rules check reads what every build references and the student's
 * preprocessed lines next to its object (student.o.calls, .lines). */
static void hand_over_for_rules(const struct checks *k, const struct build *b)
{
	for (int v = 0; v < VARIANT_COUNT && b->object[v]; v++) {
		char *calls = text_format("%s.calls", b->object[v]);
		char *lines = text_format("%s.lines", b->object[v]);
		copy_file(k->calls, calls);
		copy_file(k->lines, lines);
		free(lines);
		free(calls);
	}
}

/* Compiles, checks and links every variant; stops at the first failure. */
static void build_variants(const struct grader_config *cfg, const char *exercise,
                           const struct checks *k, struct build *b, struct text *log)
{
	const char *commands[VARIANT_COUNT][24];
	const char *const *compilers[VARIANT_COUNT];
	for (int v = 0; v < VARIANT_COUNT; v++) {
		compiler_command(k, (enum variant)v, commands[v]);
		compilers[v] = commands[v];
	}
	char **differing = variants_differing_macros(compilers, b->source);
	bool source_ok = integrity_check_source(&k->in, (const char *const *)differing, log);
	variants_free(differing);
	b->ok = true;
	for (int v = 0; v < VARIANT_COUNT && b->ok; v++) {
		char *dir = path_join(cfg->work, exercise, variant_name((enum variant)v));
		make_dirs(dir);
		if (cfg->sandbox_uid)
			jobuid_give_dir(dir, cfg->sandbox_uid, cfg->sandbox_gid);
		b->object[v] = path_join(dir, "student.o");
		b->binary[v] = path_join(dir, "harness");
		/* Show the first compiler's messages; later ones repeat them. */
		struct text scratch = {0};
		struct text *where = v == 0 ? log : &scratch;
		b->ok = compile(k, (enum variant)v, b, where) == 0 &&
		        wrap_and_link(cfg, k, exercise, (enum variant)v, b, where) == 0;
		if (!b->ok && v != 0)
			text_add(log, scratch.data ? scratch.data : "");
		text_free(&scratch);
		if (cfg->sandbox_uid)
			jobuid_give_dir(dir, getuid(), getgid());
		free(dir);
	}
	b->ok = b->ok && source_ok;
	hand_over_for_rules(k, b);
}

int build_submission(const struct grader_config *cfg, const char *exercise, struct build *b)
{
	memset(b, 0, sizeof *b);
	struct text log = {0};
	b->shown_path = submission_path(cfg->src, exercise);
	char *src_dir = path_join(cfg->work, exercise, "src");
	b->source = text_format("%s/%s.c", src_dir, exercise);
	int rc = 0;
	char *harness = path_join(cfg->root, "build/debug", exercise, "harness.a");
	struct checks k = {0};
	struct rubric rubric = {0};
	if (access(harness, R_OK) != 0) {
		text_printf(&log, "grader: %s is not built: run `make` first\n", harness);
		rc = -1;
	} else if (make_dirs(src_dir) != 0) {
		text_printf(&log, "grader: cannot create %s: %s\n", src_dir, strerror(errno));
		rc = -1;
	} else if (copy_project_files(cfg, exercise) != 0) {
		text_printf(&log, "grader: cannot copy the exercise's header into %s: %s\n",
		            cfg->work, strerror(errno));
		rc = -1;
	} else if (prepare_checks(cfg, exercise, b, &k, &rubric, &log) != 0) {
		rc = -1;
	} else if (!copy_file(b->shown_path, b->source)) {
		text_printf(&log, "%s: cannot read the file: %s\n", b->shown_path, strerror(errno));
	} else {
		build_variants(cfg, exercise, &k, b, &log);
	}
	free_checks(&k);
	rubric_free(&rubric);
	free(harness);
	free(src_dir);
	text_add(&log, "");
	b->log = text_take(&log);
	b->warnings = count_warnings(b->log);
	return rc;
}

void build_free(struct build *b)
{
	for (int v = 0; v < VARIANT_COUNT; v++) {
		free(b->object[v]);
		free(b->binary[v]);
	}
	free(b->shown_path);
	free(b->source);
	free(b->log);
	memset(b, 0, sizeof *b);
}
