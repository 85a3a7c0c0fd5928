/*
 * students.c -- who is in the class: one student per submission folder
 * (grading), or per results file (--merge), sorted by name.
 *
 * A submission folder is a clone of the student's repository (exercises/E/E.c
 * inside, as `gh classroom clone student-repos` leaves them in
 * SLUG-submissions/SLUG-USER) or a plain folder laid out like exercises/.
 */
#include "grade_class.h"

#include "text.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *student_file(const struct batch *c, const struct student *s, const char *ext)
{
	return text_format("%s/%s.%s", c->results_dir, s->name, ext);
}

/* `gh classroom clone student-repos` clones into SLUG-submissions/ folders
 * named SLUG-USER: the gradebook shows USER. */
static char *student_name(const char *dir, const char *folder)
{
	const char *base = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
	const char *suffix = "-submissions";
	size_t slug = strlen(base) > strlen(suffix) ? strlen(base) - strlen(suffix) : 0;
	if (slug && strcmp(base + slug, suffix) == 0 && strncmp(folder, base, slug) == 0 &&
	    folder[slug] == '-' && folder[slug + 1])
		return xstrdup(folder + slug + 1);
	return xstrdup(folder);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct student *)a)->name, ((const struct student *)b)->name);
}

/* Opens the folder the class is found in, with room for its students, or
 * says why it cannot. */
static DIR *open_class(struct batch *c, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		fprintf(stderr, "grade-class: cannot read the folder %s: %s\n", dir,
		        strerror(errno));
	else
		c->students = calloc(MAX_STUDENTS, sizeof *c->students);
	return d;
}

int students_find(struct batch *c)
{
	DIR *d = open_class(c, c->dir);
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && c->nstudents < MAX_STUDENTS) {
		char *folder = path_join(c->dir, e->d_name);
		if (e->d_name[0] == '.' || !is_dir(folder)) {
			free(folder);
			continue;
		}
		struct student *s = &c->students[c->nstudents++];
		s->folder = folder;
		s->name = student_name(c->dir, e->d_name);
	}
	closedir(d);
	qsort(c->students, (size_t)c->nstudents, sizeof *c->students, by_name);
	return 0;
}

static void add_result_file(struct batch *c, const char *dir, const char *file)
{
	size_t len = strlen(file);
	if (len <= 5 || strcmp(file + len - 5, ".json") != 0 || c->nstudents == MAX_STUDENTS)
		return;
	struct student *s = &c->students[c->nstudents++];
	s->json = path_join(dir, file);
	s->name = xstrndup(file, len - 5);
}

int students_find_results(struct batch *c)
{
	DIR *d = open_class(c, c->merge);
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char *path = path_join(c->merge, e->d_name);
		DIR *inner = e->d_name[0] == '.' ? NULL : opendir(path);
		struct dirent *f;
		while (inner && (f = readdir(inner)) != NULL)
			add_result_file(c, path, f->d_name);
		if (inner)
			closedir(inner);
		else
			add_result_file(c, c->merge, e->d_name);
		free(path);
	}
	closedir(d);
	qsort(c->students, (size_t)c->nstudents, sizeof *c->students, by_name);
	return 0;
}
