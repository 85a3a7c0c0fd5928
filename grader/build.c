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
#include "run.h"
#include "text.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static char *path_join(const char *a, const char *b, const char *c)
{
	char *p = NULL;
	if (asprintf(&p, "%s/%s%s%s", a, b, c ? "/" : "", c ? c : "") < 0)
		abort();
	return p;
}

int make_dirs(const char *path)
{
	char *copy = strdup(path);
	for (char *s = copy + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(copy, 0755);
		*s = '/';
	}
	int rc = mkdir(copy, 0755) == 0 || errno == EEXIST ? 0 : -1;
	free(copy);
	return rc;
}

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

/* Splits words ("-pthread -lcheck_pic ...", changed in place) into argv
 * from n on, keeping room for the NULL; returns the new n. */
static int add_words(const char **argv, int n, int max, char *words)
{
	for (char *w = strtok(words, " "); w && n < max - 1; w = strtok(NULL, " "))
		argv[n++] = w;
	return n;
}

static int compile(const struct grader_config *cfg, const char *exercise, enum variant v,
                   struct build *b, struct text *log)
{
	const struct variant_tools *t = &tools[v];
	char *include = NULL;
	if (asprintf(&include, "-I%s/%s/include", cfg->work, exercise) < 0)
		abort();
	/* -pipe: no temporary files, so the compiler needs no /tmp */
	const char *argv[24] = {t->cc,     "-std=c11", "-D_GNU_SOURCE", "-Wall",
	                        "-Wextra", "-pthread", "-pipe"};
	char *flags = strdup(t->flags);
	int n = add_words(argv, 7, 16, flags);
	argv[n++] = include;
	argv[n++] = "-c";
	argv[n++] = b->source;
	argv[n++] = "-o";
	argv[n++] = b->object[v];
	char *deps = NULL;
	if (v == VARIANT_DEBUG) {
		if (asprintf(&deps, "%s.d", b->object[v]) < 0)
			abort();
		argv[n++] = "-MD";
		argv[n++] = "-MF";
		argv[n++] = deps;
	}
	argv[n] = NULL;
	/* It reads the copied source and header, and writes beside the object. */
	char *src_dir = strdup(b->source), *out_dir = strdup(b->object[v]);
	*strrchr(src_dir, '/') = '\0';
	*strrchr(out_dir, '/') = '\0';
	const char *readable[] = {src_dir, include + 2, NULL}, *writable[] = {out_dir, NULL};
	int status = run_logged((char *const *)argv, readable, writable, b, log);
	free(out_dir);
	free(src_dir);
	if (status == 0 && deps) {
		char *header = NULL;
		if (asprintf(&header, "%s/%s/include/%s.h", cfg->work, exercise, exercise) < 0)
			abort();
		struct integrity_input in = {b->source, b->shown_path, header,
		                             include,   b->object[v],  deps};
		if (!integrity_check(&in, log))
			status = 1;
		free(header);
	}
	free(deps);
	free(flags);
	free(include);
	return status;
}

static int wrap_and_link(const struct grader_config *cfg, const char *exercise, enum variant v,
                         struct build *b, struct text *log)
{
	char *dir = path_join(cfg->work, exercise, variant_name(v));
	char *wrapped = path_join(dir, "student-wrapped.o", NULL);
	char *syms = path_join(cfg->root, "harness/common/wrap.syms", NULL);
	char *redefine = NULL;
	if (asprintf(&redefine, "--redefine-syms=%s", syms) < 0)
		abort();
	char *objcopy[] = {"objcopy", redefine, b->object[v], wrapped, NULL};
	int status = run_logged(objcopy, NULL, NULL, b, log);

	char *harness = NULL, *common = NULL;
	if (asprintf(&harness, "%s/build/%s/%s/harness.a", cfg->root, variant_name(v), exercise) <
	        0 ||
	    asprintf(&common, "%s/build/%s/libharness.a", cfg->root, variant_name(v)) < 0)
		abort();
	char libs[] = CHECK_LIBS;
	char *link_flags = strdup(tools[v].link_flags);
	const char *argv[32] = {tools[v].cc,         "-o",    b->binary[v], wrapped,
	                        "-Wl,--start-group", harness, common,       "-Wl,--end-group"};
	int n = 8;
	n = add_words(argv, n, 30, link_flags);
	n = add_words(argv, n, 30, libs);
	argv[n++] = "-pthread";
	argv[n] = NULL;
	if (status == 0)
		status = run_logged((char *const *)argv, NULL, NULL, b, log);
	free(link_flags);
	free(harness);
	free(common);
	free(redefine);
	free(syms);
	free(wrapped);
	free(dir);
	return status;
}

/* Hands a folder and its files to a user (the sandbox user while the
 * compiler writes there; back to the grader's before anything runs, so a
 * submission cannot rewrite the binaries that judge it).  Never through a
 * link: a link the folder holds changes owner itself, not what it names. */
static void give_dir(const char *dir, unsigned uid, unsigned gid)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fchown(fd, uid, gid) != 0) {
		if (fd >= 0)
			close(fd);
		return;
	}
	DIR *d = fdopendir(fd);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (fchownat(fd, e->d_name, uid, gid, AT_SYMLINK_NOFOLLOW) != 0)
			fprintf(stderr, "grader: cannot hand %s/%s to uid %u: %s\n", dir, e->d_name,
			        uid, strerror(errno));
	}
	if (d)
		closedir(d);
	else
		close(fd);
}

/* The files of the project that the sandbox user reads (the exercise's
 * header for the compiler, Helgrind's suppressions), copied into the work
 * folder, so the project itself may sit where that user cannot look. */
static int copy_project_files(const struct grader_config *cfg, const char *exercise)
{
	char *dir = path_join(cfg->work, exercise, "include");
	char *header = NULL, *header_copy = NULL, *supp = NULL, *supp_copy = NULL;
	if (asprintf(&header, "%s/exercises/%s/%s.h", cfg->root, exercise, exercise) < 0 ||
	    asprintf(&header_copy, "%s/%s.h", dir, exercise) < 0 ||
	    asprintf(&supp, "%s/harness/common/helgrind.supp", cfg->root) < 0 ||
	    asprintf(&supp_copy, "%s/%s/helgrind.supp", cfg->work, exercise) < 0)
		abort();
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

int build_submission(const struct grader_config *cfg, const char *exercise, struct build *b)
{
	memset(b, 0, sizeof *b);
	struct text log = {0};
	char *file = NULL;
	if (asprintf(&file, "%s.c", exercise) < 0)
		abort();
	b->shown_path = path_join(cfg->src, exercise, file);
	char *src_dir = path_join(cfg->work, exercise, "src");
	b->source = path_join(src_dir, file, NULL);
	free(file);
	int rc = 0;
	char *harness = NULL;
	if (asprintf(&harness, "%s/build/%s/%s/harness.a", cfg->root, "debug", exercise) < 0)
		abort();
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
	} else if (!copy_file(b->shown_path, b->source)) {
		text_printf(&log, "%s: cannot read the file: %s\n", b->shown_path, strerror(errno));
	} else {
		b->ok = true;
		for (int v = 0; v < VARIANT_COUNT && b->ok; v++) {
			char *dir = path_join(cfg->work, exercise, variant_name((enum variant)v));
			make_dirs(dir);
			if (cfg->sandbox_uid)
				give_dir(dir, cfg->sandbox_uid, cfg->sandbox_gid);
			b->object[v] = path_join(dir, "student.o", NULL);
			b->binary[v] = path_join(dir, "harness", NULL);
			/* Show the first compiler's messages; later ones repeat them. */
			struct text scratch = {0};
			struct text *where = v == 0 ? &log : &scratch;
			b->ok = compile(cfg, exercise, (enum variant)v, b, where) == 0 &&
			        wrap_and_link(cfg, exercise, (enum variant)v, b, where) == 0;
			if (!b->ok && v != 0)
				text_add(&log, scratch.data ? scratch.data : "");
			text_free(&scratch);
			if (cfg->sandbox_uid)
				give_dir(dir, getuid(), getgid());
			free(dir);
		}
	}
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
