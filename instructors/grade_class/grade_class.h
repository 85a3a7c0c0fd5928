/*
 * grade_class.h -- grades a whole class and writes a gradebook: what the
 * command line (main.c), the search for students (students.c), the
 * scheduler (scheduler.c) and the gradebook (gradebook.c) share.
 *
 * Each student is graded by the real grader binary, run by the grader's own
 * runner (grader/run.c: its own process group, a time limit, nothing left
 * running) inside a grader pool job (grader/pool.c), a few at a time.
 */
#ifndef GRADE_CLASS_H
#define GRADE_CLASS_H

#include <stdbool.h>

enum { MAX_STUDENTS = 4096, MAX_EXERCISES = 32, MAX_JOBS = 64 };

struct student {
	char *folder;        /* the submission folder; NULL with --merge */
	char *name;          /* as shown in the gradebook */
	char *json;          /* its results */
	char *log;           /* the grader's report on it; NULL with --merge */
	const char *problem; /* what went wrong grading it, or NULL */
};

struct batch {
	const char *root, *dir, *out;
	const char *merge; /* a folder of results to merge instead of grading */
	char *results_dir; /* the students' results and logs */
	const char **exercises;
	int nexercises;
	int jobs;
	double limit; /* seconds for one student's grading */
	struct student *students;
	int nstudents;
};

/* The gradebook's problem column, for the gradings that went wrong. */
extern const char problem_timed_out[], problem_not_graded[], problem_not_started[];

/* Every folder in c->dir is a student, sorted by name; -1 with a message
 * if the folder cannot be read. */
int students_find(struct batch *c);

/* For --merge: every STUDENT.json in c->merge, or one folder down (where
 * actions/download-artifact puts each artifact); -1 if it cannot be read. */
int students_find_results(struct batch *c);

/* Whether path is a folder. */
bool is_dir(const char *path);

/* results_dir/NAME.ext for student s: a new string. */
char *student_file(const struct batch *c, const struct student *s, const char *ext);

/* Grades every student, c->jobs at a time, with a progress bar on a
 * terminal; each one's problem is set when its grading went wrong. */
void grade_all(struct batch *c);

/* Writes c->out: a row per student, points per exercise, total, problem.
 * Returns -1 with a message if the file cannot be written. */
int gradebook_write(const struct batch *c);

#endif
