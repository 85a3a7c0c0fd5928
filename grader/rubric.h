/*
 * rubric.h -- what an exercise is graded on, read from harness/E/rubric.json.
 *
 * Instructors edit the rubric, not C: points, which harness test runs in
 * which build, and the symbol rules.  See harness/README.md for the format.
 */
#ifndef GRADER_RUBRIC_H
#define GRADER_RUBRIC_H

#include <stdbool.h>
#include <stddef.h>

enum check_kind {
	CHECK_BUILD,
	CHECK_FUNCTIONAL,
	CHECK_TSAN,
	CHECK_HELGRIND,
	CHECK_MEMCHECK,
	CHECK_TIMING,
	CHECK_RULES,
	CHECK_COUNT /* how many kinds there are: the one place that says so */
};
enum variant { VARIANT_DEBUG, VARIANT_FAST, VARIANT_TSAN, VARIANT_COUNT };

struct rubric_test {
	char *name;
	enum check_kind check;
	char *test; /* harness test; NULL for build and rules */
	enum variant variant;
	double points;
	double scale;             /* HARNESS_SCALE; 0: not set */
	int repeat;               /* runs that must all pass */
	unsigned schedules;       /* controlled schedules of a functional test; 0: none */
	double timeout;           /* seconds for one run in its tool; 0: the harness's
	                             limit stretched for the tool */
	char *readme;             /* anchor in the exercise README, or NULL */
	char **forbid, **require; /* rules: symbol patterns, NULL-terminated */
	char **forbid_source;     /* rules: identifier patterns in the student's lines */
	char **valgrind;          /* extra Valgrind options for a helgrind or memcheck check */
	char *forbid_why, *require_why;
	char *visibility; /* Gradescope's: hidden, after_due_date, after_published,
	                     visible; NULL: Gradescope's default (visible) */
};

struct rubric {
	char *exercise;
	char *helgrind_note;
	char **allow; /* what the student's object may reference (shell patterns) */
	struct rubric_test *tests;
	size_t count;
};

/* Reads path; on error returns -1 with a message naming the file in err. */
int rubric_load(const char *path, struct rubric *rubric, char *err, size_t errlen);
/* ROOT/harness/E/rubric.json, where the project keeps exercise's rubric: a
 * new string. */
char *rubric_path(const char *root, const char *exercise);
/* SRC/E/E.c, the one file graded of a submission in folder src: a new
 * string. */
char *submission_path(const char *src, const char *exercise);
/* rubric_load of exercise's rubric in the project at root. */
int rubric_load_exercise(const char *root, const char *exercise, struct rubric *rubric, char *err,
                         size_t errlen);
void rubric_free(struct rubric *rubric);

const char *check_name(enum check_kind check);
/* Whether a check's points count times the share of the functional points
 * earned (grade.c): tsan, helgrind, memcheck, timing, rules.  rubric_load
 * refuses a functional test listed after one of these. */
bool check_weighed_by_function(enum check_kind check);
/* The kinds' names, in order, comma-separated ("build, functional, ..."). */
const char *check_names_listed(void);
const char *variant_name(enum variant variant);

#endif
