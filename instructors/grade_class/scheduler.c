/*
 * scheduler.c -- grades the students, c->jobs at a time.
 *
 * Each student is a grader pool job (grader/pool.c: a child process that
 * reports back on a pipe) that runs the real grader binary through the
 * grader's runner (grader/run.c): in its own process group, killed at the
 * time limit, and nothing it started left running afterwards.  A submission
 * that breaks the grader, hangs it or floods it costs that student a row
 * marked so, never the batch.  The grader's report on the student goes to
 * results_dir/STUDENT.log, its results to results_dir/STUDENT.json.
 */
#include "grade_class.h"

#include "pool.h"
#include "run.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The grader's report on one student that the log keeps. */
enum { LOG_CAP = 4 << 20 };

/* A repository clone has exercises/ inside; a plain folder is the layout. */
static char *submission_src(const struct student *s)
{
	char *inner = path_join(s->folder, "exercises");
	if (is_dir(inner))
		return inner;
	free(inner);
	return xstrdup(s->folder);
}

/* This process's environment but GitHub Actions' output files: one
 * student's results are not the job's.  The strings are environ's. */
static char **grader_environment(void)
{
	extern char **environ;
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = calloc(n + 1, sizeof *env);
	size_t kept = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "GITHUB_OUTPUT=", 14) != 0 &&
		    strncmp(environ[i], "GITHUB_STEP_SUMMARY=", 20) != 0)
			env[kept++] = environ[i];
	return env;
}

/* Writes the grader's report into the student's log; false if it cannot. */
static bool write_log(const char *path, const struct run_result *r)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return false;
	fputs(r->output, f);
	if (r->output_total > strlen(r->output))
		fprintf(f, "\ngrade-class: %zu more bytes of output not kept\n",
		        r->output_total - strlen(r->output));
	return fclose(f) == 0;
}

struct job_arg {
	const struct batch *c;
	const struct student *s;
};

/* In a pool job: grades one student.  Its report is what went wrong, if
 * anything; it passes when the grader ran to the end. */
static bool grade_student(void *arg, struct text *out)
{
	const struct batch *c = ((struct job_arg *)arg)->c;
	const struct student *s = ((struct job_arg *)arg)->s;
	char *grader = path_join(c->root, "build/grader/grader"), *src = submission_src(s);
	char *work = path_join(c->root, "build/class", s->name);
	char *argv[11 + MAX_EXERCISES] = {grader,   "--root", (char *)c->root, "--src", src,
	                                  "--json", s->json,  "--work",        work,    NULL};
	for (int i = 0; i < c->nexercises; i++)
		argv[9 + i] = (char *)c->exercises[i];
	char **env = grader_environment();
	struct run_spec spec = {
	    .argv = argv, .env = env, .timeout = c->limit, .output_cap = LOG_CAP};
	struct run_result r;
	unlink(s->json);
	run_command(&spec, &r);
	bool logged = write_log(s->log, &r);
	const char *problem = r.timed_out                                ? problem_timed_out
	                      : !r.exited || r.exit_code != 0 || !logged ? problem_not_graded
	                                                                 : NULL;
	text_add(out, problem ? problem : "");
	run_result_free(&r);
	free(env);
	free(work);
	free(src);
	free(grader);
	return problem == NULL;
}

/* One line per student as they finish, above the progress bar. */
static void report_finished(const struct student *s, double seconds)
{
	if (isatty(STDERR_FILENO))
		fputs("\r\033[K", stderr);
	fprintf(stderr, "graded %s in %.1f s%s%s\n", s->name, seconds, s->problem ? ": " : "",
	        s->problem ? s->problem : "");
}

static void show_progress(const struct batch *c, int done, double began)
{
	double elapsed = monotonic_now() - began;
	if (!isatty(STDERR_FILENO))
		return;
	int width = 30, filled = c->nstudents ? width * done / c->nstudents : width;
	char bar[64];
	for (int i = 0; i < width; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[width] = '\0';
	fprintf(stderr, "\r\033[K[%s] %d/%d students, %.0f s", bar, done, c->nstudents, elapsed);
	if (done > 0 && done < c->nstudents)
		fprintf(stderr, ", about %.0f s left", elapsed / done * (c->nstudents - done));
	fflush(stderr);
}

/* Notes how the job in slot ended for the student it graded. */
static void finished(struct pool_job *job, struct student *s)
{
	if (!job->passed)
		s->problem = job->report.data && strcmp(job->report.data, problem_timed_out) == 0
		                 ? problem_timed_out
		                 : problem_not_graded;
	text_free(&job->report);
	report_finished(s, job->seconds);
}

void grade_all(struct batch *c)
{
	struct pool_job jobs[MAX_JOBS] = {0};
	struct job_arg args[MAX_JOBS];
	int in_slot[MAX_JOBS];
	double began = monotonic_now();
	int next = 0, running = 0, done = 0;
	show_progress(c, 0, began);
	while (done < c->nstudents) {
		for (int slot = 0; slot < c->jobs && next < c->nstudents; slot++) {
			if (jobs[slot].pid > 0)
				continue;
			struct student *s = &c->students[next++];
			args[slot] = (struct job_arg){c, s};
			in_slot[slot] = (int)(s - c->students);
			fflush(NULL);
			if (pool_start(&jobs[slot], grade_student, &args[slot]) == 0) {
				running++;
				continue;
			}
			s->problem = problem_not_started;
			done++;
		}
		int slot = running ? pool_wait_any(jobs, c->jobs) : -1;
		if (slot < 0)
			continue;
		finished(&jobs[slot], &c->students[in_slot[slot]]);
		running--;
		done++;
		show_progress(c, done, began);
	}
	if (isatty(STDERR_FILENO))
		fputc('\n', stderr);
	fprintf(stderr, "grade-class: %d students in %.1f s\n", c->nstudents,
	        monotonic_now() - began);
}
