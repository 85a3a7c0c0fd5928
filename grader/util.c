/*
 * util.c -- the small helpers the grader, drill mode, grade-class and the
 * tests share (see util.h).
 */
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void out_of_memory(void)
{
	fprintf(stderr, "%s: out of memory\n", program_invocation_short_name);
	abort();
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t n, size_t size)
{
	void *grown = reallocarray(p, n, size);
	if (!grown)
		out_of_memory();
	return grown;
}

char *xstrdup(const char *s)
{
	char *copy = strdup(s);
	if (!copy)
		out_of_memory();
	return copy;
}

char *xstrndup(const char *s, size_t n)
{
	char *copy = strndup(s, n);
	if (!copy)
		out_of_memory();
	return copy;
}

char *path_join_list(const char *const *parts)
{
	size_t len = 1;
	for (const char *const *p = parts; *p; p++)
		len += strlen(*p) + 1;
	char *path = xcalloc(len, 1);
	char *end = path;
	for (const char *const *p = parts; *p; p++) {
		if (p != parts)
			*end++ = '/';
		end = stpcpy(end, *p);
	}
	return path;
}

int make_dirs(const char *path)
{
	char *copy = xstrdup(path);
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

double monotonic_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static bool color;

bool paint_init(void)
{
	bool tty = isatty(STDOUT_FILENO);
	const char *no_color = getenv("NO_COLOR");
	color = tty && !(no_color && *no_color);
	return tty;
}

const char *paint(const char *code)
{
	return color ? code : "";
}

char *folder_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
}
