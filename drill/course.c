/*
 * course.c -- the exercises in course order, and what the project has of
 * each.  The names and their order come from exercises/course.list, the
 * one list the project keeps; what exists of each comes from the files, so
 * an exercise listed before its harness is merged shows as not there yet.
 */
#include "course.h"

#include "text.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *course[COURSE_MAX];
int course_count;

/* An exercise's name is a folder, a file name and part of C identifiers. */
static bool valid_name(const char *name)
{
	for (const char *c = name; *c; c++)
		if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '_')
			return false;
	return *name != '\0';
}

/* Adds the name on line n of the list, or says what is wrong with it. */
static int add_name(const char *list, int n, const char *name)
{
	const char *problem = !valid_name(name)            ? "is not a name (a-z, 0-9 and _ only)"
	                      : course_index(name) >= 0    ? "is listed twice"
	                      : course_count == COURSE_MAX ? "is one exercise too many"
	                                                   : NULL;
	if (problem) {
		fprintf(stderr, "%s:%d: '%s' %s; fix that line (one exercise name a line)\n", list,
		        n, name, problem);
		return -1;
	}
	course[course_count++] = xstrdup(name);
	return 0;
}

int course_load(const char *root)
{
	char *list = path_join(root, "exercises/course.list");
	char *text = text_read_file(list);
	int rc = text ? 0 : -1, n = 0;
	if (!text)
		fprintf(stderr, "%s: cannot read the list of exercises; restore it from git\n",
		        list);
	for (char *line = text, *next; rc == 0 && line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		n++;
		for (size_t len = strlen(line); len > 0 && isspace((unsigned char)line[len - 1]);)
			line[--len] = '\0';
		if (*line && *line != '#')
			rc = add_name(list, n, line);
	}
	if (rc == 0 && course_count == 0) {
		fprintf(stderr, "%s: lists no exercise; add one name a line\n", list);
		rc = -1;
	}
	free(text);
	free(list);
	return rc;
}

char *course_names(void)
{
	struct text names = {0};
	for (int i = 0; i < course_count; i++)
		text_printf(&names, "%s%s", i ? ", " : "", course[i]);
	return text_take(&names);
}

int course_index(const char *exercise)
{
	for (int i = 0; i < course_count; i++)
		if (strcmp(course[i], exercise) == 0)
			return i;
	return -1;
}

bool course_available(const char *root, const char *exercise)
{
	char *rubric = rubric_path(root, exercise);
	bool there = access(rubric, R_OK) == 0;
	free(rubric);
	return there;
}

/* Loads the rubric; false if there is none or it is broken. */
static bool load(const char *root, const char *exercise, struct rubric *r)
{
	char err[512];
	return course_available(root, exercise) &&
	       rubric_load_exercise(root, exercise, r, err, sizeof err) == 0;
}

double course_max_points(const char *root, const char *exercise)
{
	struct rubric r;
	double sum = 0;
	if (!load(root, exercise, &r))
		return 0;
	for (size_t i = 0; i < r.count; i++)
		sum += r.tests[i].points;
	rubric_free(&r);
	return sum;
}

void course_check_counts(const char *root, const char *exercise, int counts[CHECK_COUNT])
{
	struct rubric r;
	memset(counts, 0, CHECK_COUNT * sizeof counts[0]);
	if (!load(root, exercise, &r))
		return;
	for (size_t i = 0; i < r.count; i++)
		counts[r.tests[i].check]++;
	rubric_free(&r);
}
