/*
 * grade_class.c -- grades a whole class and writes a gradebook.
 *
 *   grade-class --root DIR --dir SUBMISSIONS --out FILE.csv [--jobs N]
 *               [--limit SECONDS] EXERCISE...
 *   grade-class --root DIR --merge RESULTS --out FILE.csv EXERCISE...
 *
 * Every folder in SUBMISSIONS is one student: a clone of the student's
 * repository (exercises/E/E.c inside, as `gh classroom clone student-repos`
 * leaves them in SLUG-submissions/SLUG-USER) or a plain folder laid out like
 * exercises/ (E/E.c).  Each student is graded by the real grader binary in
 * its own process group, with its own --work folder, its terminal report in
 * FILE/STUDENT.log and its results in FILE/STUDENT.json (FILE being the
 * gradebook's name without .csv).  The gradebook has one row per student:
 * points per exercise, total, and what went wrong if the grading did.
 *
 * A submission that breaks the grader, hangs it past --limit or prints
 * garbage costs that student a row marked so, never the batch.  Students are
 * graded one at a time unless --jobs says otherwise and no exercise graded
 * has timing checks: a timing check measures the machine, and a second
 * grading running beside it would make an honest submission look slow.
 *
 * With --merge it grades nothing: it builds the gradebook from the results
 * files (STUDENT.json) that gradings elsewhere left in RESULTS, such as one
 * CI job per student repository, each uploading its JSON as an artifact.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MAX_STUDENTS = 4096, MAX_EXERCISES = 32, MAX_JOBS = 64 };

struct student {
	char *folder; /* the submission folder */
	char *name;   /* as shown in the gradebook */
	char *json;   /* its results */
	pid_t pid;    /* the grader grading it, while it runs */
	double started;
	int status; /* the grader's wait status */
	bool timed_out;
};

struct batch {
	const char *root, *dir, *out;
	const char *merge; /* a folder of results to merge instead of grading */
	char *results_dir;
	const char **exercises;
	int nexercises;
	int jobs;
	double limit;
	struct student *students;
	int nstudents;
};

static const char usage[] =
    "usage: grade-class --root DIR --dir SUBMISSIONS --out FILE.csv [--jobs N]\n"
    "                   [--limit SECONDS] EXERCISE...\n"
    "       grade-class --root DIR --merge RESULTS --out FILE.csv EXERCISE...\n"
    "Normally run as: make grade-class DIR=submissions [OUT=gradebook.csv] [EX=...] [JOBS=n]\n";

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char *joined(const char *a, const char *b)
{
	char *s;
	if (asprintf(&s, "%s/%s", a, b) < 0)
		abort();
	return s;
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
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
		return strdup(folder + slug + 1);
	return strdup(folder);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct student *)a)->name, ((const struct student *)b)->name);
}

static int find_students(struct batch *c)
{
	DIR *d = opendir(c->dir);
	if (!d) {
		fprintf(stderr, "grade-class: cannot read the submissions folder %s: %s\n", c->dir,
		        strerror(errno));
		return -1;
	}
	c->students = calloc(MAX_STUDENTS, sizeof *c->students);
	struct dirent *e;
	while ((e = readdir(d)) != NULL && c->nstudents < MAX_STUDENTS) {
		char *folder = joined(c->dir, e->d_name);
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
	s->json = joined(dir, file);
	s->name = strndup(file, len - 5);
}

/* For --merge: every STUDENT.json in the folder, or one folder down (where
 * actions/download-artifact puts each artifact). */
static int find_results(struct batch *c)
{
	DIR *d = opendir(c->merge);
	if (!d) {
		fprintf(stderr, "grade-class: cannot read %s: %s\n", c->merge, strerror(errno));
		return -1;
	}
	c->students = calloc(MAX_STUDENTS, sizeof *c->students);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char *path = joined(c->merge, e->d_name);
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

/* A repository clone has exercises/ inside; a plain folder is the layout. */
static char *submission_src(const struct student *s)
{
	char *inner = joined(s->folder, "exercises");
	if (is_dir(inner))
		return inner;
	free(inner);
	return strdup(s->folder);
}

static char *student_file(const struct batch *c, const struct student *s, const char *ext)
{
	char *file;
	if (asprintf(&file, "%s/%s.%s", c->results_dir, s->name, ext) < 0)
		abort();
	return file;
}

/* In the child: the grader, its report going to the student's log. */
static void exec_grader(const struct batch *c, const struct student *s)
{
	setpgid(0, 0);
	char *log = student_file(c, s, "log");
	if (!freopen(log, "w", stdout) || dup2(fileno(stdout), STDERR_FILENO) < 0)
		_exit(127);
	unsetenv("GITHUB_OUTPUT"); /* one student's results are not the job's */
	unsetenv("GITHUB_STEP_SUMMARY");
	char *grader = joined(c->root, "build/grader/grader");
	char *work, *json = s->json, *src = submission_src(s);
	if (asprintf(&work, "%s/build/class/%s", c->root, s->name) < 0)
		_exit(127);
	char *argv[10 + MAX_EXERCISES] = {grader,   "--root", (char *)c->root, "--src", src,
	                                  "--json", json,     "--work",        work};
	for (int i = 0; i < c->nexercises; i++)
		argv[9 + i] = (char *)c->exercises[i];
	unlink(json);
	execv(grader, argv);
	fprintf(stderr, "grade-class: cannot run %s: %s\n", grader, strerror(errno));
	_exit(127);
}

static void start(struct batch *c, struct student *s)
{
	fflush(NULL);
	s->started = now();
	s->pid = fork();
	if (s->pid == 0)
		exec_grader(c, s);
	if (s->pid > 0)
		setpgid(s->pid, s->pid);
	else
		s->status = -1;
}

static bool is_grading(const struct batch *c, pid_t pid)
{
	for (int i = 0; i < c->nstudents; i++)
		if (c->students[i].pid == pid)
			return true;
	return false;
}

/* Kills what a finished or stopped grading left behind: grade-class is a
 * child subreaper, so orphans of a killed grader become its children.
 * Returns how many it killed. */
static int kill_orphans(const struct batch *c)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
	FILE *f = fopen(path, "r");
	int pid, killed = 0;
	while (f && fscanf(f, "%d", &pid) == 1) {
		if (is_grading(c, pid))
			continue;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		killed++;
	}
	if (f)
		fclose(f);
	return killed;
}

/* One line per student as they finish, above the progress bar. */
static void report_finished(const struct student *s)
{
	if (isatty(STDERR_FILENO))
		fputs("\r\033[K", stderr);
	fprintf(stderr, "graded %s in %.1f s%s\n", s->name, now() - s->started,
	        s->timed_out ? " (stopped: past the time limit)" : "");
}

/* Reaps finished gradings; kills those past the limit.  Returns how many
 * finished. */
static int reap(struct batch *c)
{
	int finished = 0;
	for (int i = 0; i < c->nstudents; i++) {
		struct student *s = &c->students[i];
		if (s->pid <= 0)
			continue;
		if (!s->timed_out && now() - s->started > c->limit) {
			s->timed_out = true;
			kill(-s->pid, SIGKILL);
		}
		if (waitpid(s->pid, &s->status, WNOHANG) == s->pid) {
			kill(-s->pid, SIGKILL); /* anything the grading left behind */
			report_finished(s);
			while (kill_orphans(c) > 0)
				continue;
			s->pid = 0;
			finished++;
		}
	}
	return finished;
}

static void show_progress(const struct batch *c, int done, double began)
{
	double elapsed = now() - began;
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

static void grade_all(struct batch *c)
{
	double began = now();
	int next = 0, running = 0, done = 0;
	show_progress(c, 0, began);
	while (done < c->nstudents) {
		while (running < c->jobs && next < c->nstudents) {
			start(c, &c->students[next++]);
			running += c->students[next - 1].pid > 0;
			done += c->students[next - 1].pid <= 0;
		}
		int finished = reap(c);
		running -= finished;
		done += finished;
		if (finished)
			show_progress(c, done, began);
		else
			usleep(50 * 1000);
	}
	if (isatty(STDERR_FILENO))
		fputc('\n', stderr);
	fprintf(stderr, "grade-class: %d students in %.1f s\n", c->nstudents, now() - began);
}

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

static const char *what_went_wrong(const struct student *s, bool readable)
{
	if (s->timed_out)
		return "grading stopped: it ran past the time limit (see the log)";
	if (s->status == -1)
		return "grading could not start";
	if (!WIFEXITED(s->status) || WEXITSTATUS(s->status) != 0 || !readable)
		return "the grader could not grade this submission (see the log)";
	return "";
}

static void write_row(FILE *f, const struct batch *c, const struct student *s)
{
	double points[MAX_EXERCISES] = {0}, total = 0, max = 0;
	bool readable = read_points(c, s, points, &total, &max);
	const char *problem = what_went_wrong(s, readable);
	csv_field(f, s->name);
	for (int e = 0; e < c->nexercises; e++)
		fprintf(f, ",%g", *problem ? 0 : points[e]);
	fprintf(f, ",%g,%g,", *problem ? 0 : total, max);
	csv_field(f, problem);
	fputc('\n', f);
}

static int write_gradebook(const struct batch *c)
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

/* Whether any exercise's rubric has a timing check. */
/* Every exercise must have a rubric: a typo would otherwise cost every
 * student a row of zeros. */
static bool exercises_known(const struct batch *c)
{
	bool known = true;
	for (int e = 0; e < c->nexercises; e++) {
		char *rubric;
		if (asprintf(&rubric, "%s/harness/%s/rubric.json", c->root, c->exercises[e]) < 0)
			abort();
		if (access(rubric, R_OK) != 0) {
			fprintf(stderr, "grade-class: unknown exercise '%s' (no %s)\n",
			        c->exercises[e], rubric);
			known = false;
		}
		free(rubric);
	}
	return known;
}

static bool has_timing_checks(const struct batch *c)
{
	for (int e = 0; e < c->nexercises; e++) {
		char *rubric;
		if (asprintf(&rubric, "%s/harness/%s/rubric.json", c->root, c->exercises[e]) < 0)
			abort();
		json_t *root = json_load_file(rubric, 0, NULL);
		free(rubric);
		size_t i;
		json_t *t;
		bool timing = false;
		json_array_foreach(json_object_get(root, "tests"), i, t)
		{
			const char *check = json_string_value(json_object_get(t, "check"));
			timing = timing || (check && strcmp(check, "timing") == 0);
		}
		json_decref(root);
		if (timing)
			return true;
	}
	return false;
}

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

/* FILE.csv keeps its students' logs and results in FILE/. */
static int make_results_dir(struct batch *c)
{
	size_t len = strlen(c->out);
	if (len > 4 && strcmp(c->out + len - 4, ".csv") == 0)
		len -= 4;
	/* gradebook.csv -> gradebook/; a name without .csv -> name.d/ */
	if (len == strlen(c->out) ? asprintf(&c->results_dir, "%s.d", c->out) < 0
	                          : (c->results_dir = strndup(c->out, len)) == NULL)
		abort();
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
		return find_results(&c) == 0 && write_gradebook(&c) == 0 ? 0 : 2;
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (!exercises_known(&c) || find_students(&c) != 0 || make_results_dir(&c) != 0)
		return 2;
	for (int i = 0; i < c.nstudents; i++)
		c.students[i].json = student_file(&c, &c.students[i], "json");
	if (c.jobs > 1 && has_timing_checks(&c)) {
		fprintf(stderr,
		        "grade-class: grading one student at a time, not %d: timing checks "
		        "need the machine to themselves\n",
		        c.jobs);
		c.jobs = 1;
	}
	grade_all(&c);
	if (write_gradebook(&c) != 0)
		return 2;
	fprintf(stderr, "grade-class: gradebook %s, results and logs in %s/\n", c.out,
	        c.results_dir);
	return 0;
}
