/*
 * grading.c -- runs the grader on the student's file, as a child, in two
 * phases, and collects its verdicts from the --stream pipe.
 *
 * The grader is the one authority on scores: drill mode shows what it
 * says and adds nothing.  The child gets its own process group so that a
 * new save can kill it at once; the grader's runs die with it
 * (PR_SET_PDEATHSIG in grader/run.c).
 */
#include "grading.h"

#include "rubric.h"
#include "util.h"

#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The checks of a phase, for --checks: the fast one is build and
 * functional, the slow one every other kind.  The slow phase grades the
 * functional tests again, unseen: the points of the other checks count as
 * far as those pass (grader/grade.c), and the grader is the one authority
 * on that too. */
static void phase_checks(enum grading_phase phase, char *list, size_t len)
{
	list[0] = '\0';
	for (int k = 0; k < CHECK_COUNT; k++) {
		bool fast = k == CHECK_BUILD || k == CHECK_FUNCTIONAL;
		if (phase == PHASE_FAST ? fast : k != CHECK_BUILD)
			snprintf(list + strlen(list), len - strlen(list), "%s%s",
			         list[0] ? "," : "", check_name((enum check_kind)k));
	}
}

static char *error_file(const struct grading *g)
{
	return path_join(g->root, "build/drill-run/grader.err");
}

/* In the child: fd 3 is the stream, nothing else of ours stays open. */
static _Noreturn void exec_grader(const struct grading *g, int stream, enum grading_phase phase)
{
	setpgid(0, 0);
	if (stream == 3)
		fcntl(3, F_SETFD, 0);
	else
		dup2(stream, 3);
	int null = open("/dev/null", O_RDWR);
	char *err_path = error_file(g);
	int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	dup2(null, 0);
	dup2(null, 1);
	dup2(err >= 0 ? err : null, 2);
	char *work = path_join(g->root, "build/drill-run");
	char checks[160];
	phase_checks(phase, checks, sizeof checks);
	char *argv[] = {(char *)g->grader,
	                "--root",
	                (char *)g->root,
	                "--src",
	                "exercises",
	                "--work",
	                work,
	                "--checks",
	                checks,
	                "--stream",
	                "/dev/fd/3",
	                (char *)g->exercise,
	                NULL};
	if (chdir(g->root) == 0)
		execv(g->grader, argv);
	fprintf(stderr, "drill: cannot run %s: run make first\n", g->grader);
	_exit(127);
}

static void start_phase(struct grading *g, enum grading_phase phase)
{
	char *dir = path_join(g->root, "build/drill-run");
	mkdir(dir, 0755);
	free(dir);
	int pipe_fds[2];
	if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
		g->phase = PHASE_ERROR;
		snprintf(g->error, sizeof g->error, "drill: cannot create a pipe");
		return;
	}
	g->pid = fork();
	if (g->pid == 0)
		exec_grader(g, pipe_fds[1], phase);
	close(pipe_fds[1]);
	g->fd = pipe_fds[0];
	fcntl(g->fd, F_SETFL, O_NONBLOCK);
	g->phase = phase;
}

static void free_outcomes(struct grading *g)
{
	for (size_t i = 0; i < g->count; i++) {
		free(g->outcomes[i].name);
		free(g->outcomes[i].check);
		free(g->outcomes[i].output);
	}
	g->count = 0;
}

/* Kills the phase's grader (and with it its runs) and reaps it. */
static void stop_child(struct grading *g)
{
	if (g->pid > 0) {
		kill(-g->pid, SIGKILL);
		kill(g->pid, SIGKILL);
		waitpid(g->pid, NULL, 0);
	}
	if (g->fd >= 0)
		close(g->fd);
	g->pid = 0;
	g->fd = -1;
	text_free(&g->line);
}

void grading_cancel(struct grading *g)
{
	stop_child(g);
	free_outcomes(g);
	g->phase = PHASE_IDLE;
	g->started = g->first_verdict = g->finished = 0;
	g->error[0] = '\0';
}

void grading_start(struct grading *g, const char *exercise)
{
	grading_cancel(g);
	g->exercise = exercise;
	g->started = monotonic_now();
	start_phase(g, PHASE_FAST);
}

static char *string_of(json_t *entry, const char *key)
{
	const char *s = json_string_value(json_object_get(entry, key));
	return xstrdup(s ? s : "");
}

/* One line of the stream: an entry of the results file's "tests". */
static void add_outcome(struct grading *g, const char *line)
{
	json_t *entry = json_loads(line, 0, NULL);
	const char *check = json_string_value(json_object_get(entry, "check"));
	bool again = g->phase == PHASE_SLOW && check && strcmp(check, "functional") == 0;
	if (!entry || again || g->count == MAX_OUTCOMES) {
		json_decref(entry);
		return;
	}
	struct drill_outcome *o = &g->outcomes[g->count++];
	o->name = string_of(entry, "name");
	o->check = string_of(entry, "check");
	o->output = string_of(entry, "output");
	const char *status = json_string_value(json_object_get(entry, "status"));
	o->passed = status && strcmp(status, "passed") == 0;
	o->score = json_number_value(json_object_get(entry, "score"));
	o->max_score = json_number_value(json_object_get(entry, "max_score"));
	json_decref(entry);
	if (g->first_verdict == 0)
		g->first_verdict = monotonic_now();
}

static bool build_failed(const struct grading *g)
{
	for (size_t i = 0; i < g->count; i++)
		if (strcmp(g->outcomes[i].check, "build") == 0 && !g->outcomes[i].passed)
			return true;
	return false;
}

/* The phase's grader closed the stream: it has ended. */
static void phase_ended(struct grading *g)
{
	int status = 0;
	waitpid(g->pid, &status, 0);
	g->pid = 0;
	close(g->fd);
	g->fd = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *path = error_file(g);
		char *said = text_read_file(path);
		snprintf(g->error, sizeof g->error, "%s",
		         said && *said ? said : "the grader stopped without saying why\n");
		free(said);
		free(path);
		g->phase = PHASE_ERROR;
	} else if (g->phase == PHASE_FAST && !build_failed(g)) {
		start_phase(g, PHASE_SLOW);
	} else {
		g->phase = PHASE_DONE;
		g->finished = monotonic_now();
	}
}

bool grading_read(struct grading *g)
{
	char buf[8192];
	ssize_t n;
	size_t before = g->count;
	while ((n = read(g->fd, buf, sizeof buf)) > 0)
		text_addn(&g->line, buf, (size_t)n);
	for (char *eol; g->line.data && (eol = strchr(g->line.data, '\n')) != NULL;) {
		*eol = '\0';
		add_outcome(g, g->line.data);
		size_t rest = g->line.len - (size_t)(eol + 1 - g->line.data);
		memmove(g->line.data, eol + 1, rest + 1);
		g->line.len = rest;
	}
	if (n == 0) {
		text_free(&g->line);
		phase_ended(g);
		return true;
	}
	return g->count != before;
}

double grading_score(const struct grading *g, double *max_score)
{
	double score = 0, max = 0;
	for (size_t i = 0; i < g->count; i++) {
		score += g->outcomes[i].score;
		max += g->outcomes[i].max_score;
	}
	if (max_score)
		*max_score = max;
	return score;
}

const struct drill_outcome *grading_first_failure(const struct grading *g)
{
	for (size_t i = 0; i < g->count; i++)
		if (!g->outcomes[i].passed)
			return &g->outcomes[i];
	return NULL;
}
