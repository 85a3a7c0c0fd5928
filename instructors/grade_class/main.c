/*
 * main.c -- grade-class's command line: grades a whole class and writes a
 * gradebook.
 *
 *   grade-class --root DIR --dir SUBMISSIONS --out FILE.csv [--jobs N]
 *               [--limit SECONDS] EXERCISE...
 *   grade-class --root DIR --merge RESULTS --out FILE.csv EXERCISE...
 *
 * Every folder in SUBMISSIONS is one student (students.c).  Each student is
 * graded by the real grader binary (scheduler.c), with its own --work
 * folder, its terminal report in FILE/STUDENT.log and its results in
 * FILE/STUDENT.json (FILE being the gradebook's name without .csv).  The
 * gradebook (gradebook.c) has one row per student.  Students are graded one
 * at a time unless --jobs says otherwise; the gradings then keep their
 * timing checks alone on the machine between themselves (grader/machine.h),
 * so a second grading never makes an honest submission look slow.
 *
 * With --merge it grades nothing: it builds the gradebook from the results
 * files (STUDENT.json) that gradings elsewhere left in RESULTS, such as one
 * CI job per student repository, each uploading its JSON as an artifact.
 */
#include "grade_class.h"

#include "rubric.h"
#include "run.h"
#include "text.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
    "usage: grade-class --root DIR --dir SUBMISSIONS --out FILE.csv [--jobs N]\n"
    "                   [--limit SECONDS] EXERCISE...\n"
    "       grade-class --root DIR --merge RESULTS --out FILE.csv EXERCISE...\n"
    "Normally run as: make grade-class DIR=submissions [OUT=gradebook.csv] [EX=...] [JOBS=n]\n";

static int parse_args(int argc, char **argv, struct batch *c)
{
	int i = 1;
	for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		if (strcmp(argv[i], "--root") == 0)
			c->root = argv[i + 1];
		else if (strcmp(argv[i], "--dir") == 0)
			c->dir = argv[i + 1];
		else if (strcmp(argv[i], "--merge") == 0)
			c->merge = argv[i + 1];
		else if (strcmp(argv[i], "--out") == 0)
			c->out = argv[i + 1];
		else if (strcmp(argv[i], "--jobs") == 0)
			c->jobs = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--limit") == 0)
			c->limit = atof(argv[i + 1]);
		else
			return -1;
	}
	c->exercises = (const char **)argv + i;
	c->nexercises = argc - i;
	if (!c->root || !c->dir == !c->merge || !c->out || c->nexercises < 1 ||
	    c->nexercises > MAX_EXERCISES || c->jobs < 1 || c->jobs > MAX_JOBS || c->limit <= 0)
		return -1;
	return 0;
}

/* Reads every exercise's rubric: a typo in a name would otherwise cost
 * every student a row of zeros.  Returns -1 if one is missing or broken
 * (having said which), else 0. */
static int known_exercises(const struct batch *c)
{
	int rc = 0;
	for (int e = 0; e < c->nexercises; e++) {
		struct rubric r;
		char err[512];
		if (rubric_load_exercise(c->root, c->exercises[e], &r, err, sizeof err) != 0) {
			fprintf(stderr, "grade-class: unknown exercise '%s': %s\n", c->exercises[e],
			        err);
			rc = -1;
			continue;
		}
		rubric_free(&r);
	}
	return rc;
}

/* FILE.csv keeps its students' logs and results in FILE/. */
static int make_results_dir(struct batch *c)
{
	size_t len = strlen(c->out);
	if (len > 4 && strcmp(c->out + len - 4, ".csv") == 0)
		len -= 4;
	/* gradebook.csv -> gradebook/; a name without .csv -> name.d/ */
	c->results_dir = len == strlen(c->out) ? text_format("%s.d", c->out)
	                                       : text_format("%.*s", (int)len, c->out);
	if (mkdir(c->results_dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "grade-class: cannot create %s: %s\n", c->results_dir,
		        strerror(errno));
		free(c->results_dir);
		c->results_dir = NULL;
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct batch c = {.jobs = 1, .limit = 30 * 60};
	if (parse_args(argc, argv, &c) != 0) {
		fputs(usage, stderr);
		return 2;
	}
	if (c.merge)
		return students_find_results(&c) == 0 && gradebook_write(&c) == 0 ? 0 : 2;
	run_init();
	if (known_exercises(&c) != 0 || students_find(&c) != 0 || make_results_dir(&c) != 0)
		return 2;
	for (int i = 0; i < c.nstudents; i++) {
		c.students[i].json = student_file(&c, &c.students[i], "json");
		c.students[i].log = student_file(&c, &c.students[i], "log");
	}
	grade_all(&c);
	if (gradebook_write(&c) != 0)
		return 2;
	fprintf(stderr, "grade-class: gradebook %s, results and logs in %s/\n", c.out,
	        c.results_dir);
	return 0;
}
