/*
 * gradebook.c -- the gradebook: a CSV row per student with the points per
 * exercise, the total, the maximum, and what went wrong if the grading did
 * (then the row has no points).
 */
#include "grade_class.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

const char problem_timed_out[] = "grading stopped: it ran past the time limit (see the log)";
const char problem_not_graded[] = "the grader could not grade this submission (see the log)";
const char problem_not_started[] = "grading could not start";

/* A CSV field, quoted when it must be (RFC 4180). */
static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* Points per exercise from a student's results; false if unreadable. */
static bool read_points(const struct batch *c, const struct student *s, double points[],
                        double *total, double *max)
{
	json_t *root = json_load_file(s->json, 0, NULL);
	json_t *tests = json_object_get(root, "tests");
	*total = json_number_value(json_object_get(root, "score"));
	*max = json_number_value(json_object_get(root, "max_score"));
	size_t i;
	json_t *t;
	json_array_foreach(tests, i, t)
	{
		const char *exercise = json_string_value(json_object_get(t, "exercise"));
		for (int e = 0; exercise && e < c->nexercises; e++)
			if (strcmp(exercise, c->exercises[e]) == 0)
				points[e] += json_number_value(json_object_get(t, "score"));
	}
	bool ok = json_is_array(tests);
	json_decref(root);
	return ok;
}

static void write_row(FILE *f, const struct batch *c, const struct student *s)
{
	double points[MAX_EXERCISES] = {0}, total = 0, max = 0;
	bool readable = read_points(c, s, points, &total, &max);
	const char *problem = s->problem ? s->problem : !readable ? problem_not_graded : "";
	csv_field(f, s->name);
	for (int e = 0; e < c->nexercises; e++)
		fprintf(f, ",%g", *problem ? 0 : points[e]);
	fprintf(f, ",%g,%g,", *problem ? 0 : total, max);
	csv_field(f, problem);
	fputc('\n', f);
}

int gradebook_write(const struct batch *c)
{
	FILE *f = fopen(c->out, "w");
	if (!f) {
		fprintf(stderr, "grade-class: cannot write %s: %s\n", c->out, strerror(errno));
		return -1;
	}
	fputs("student", f);
	for (int e = 0; e < c->nexercises; e++)
		fprintf(f, ",%s", c->exercises[e]);
	fputs(",total,max_score,problem\n", f);
	for (int i = 0; i < c->nstudents; i++)
		write_row(f, c, &c->students[i]);
	return fclose(f) == 0 ? 0 : -1;
}
