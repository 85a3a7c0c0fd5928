/*
 * main.c -- drill mode, a patient tutor in the terminal.
 *
 *   drill [--root DIR]              watch mode (make drill)
 *   drill [--root DIR] hint EX      the next hint (make hint EX=name)
 *   drill [--root DIR] progress     every exercise's state (make progress)
 *   drill [--root DIR] reset EX     the stub back, after a backup (make reset)
 *   drill [--root DIR] record FILE  make grade's results into .progress
 *
 * Watch mode starts at the first exercise not yet done, grades it on every
 * save of the student's file (fast checks first) and shows the result; at
 * full marks it moves on.  Keys: h hint, l list, n next, r re-run, q quit.
 * One thread, one poll() loop over the keyboard, the file watch and the
 * grader's verdict stream: a new save cancels a grading under way.
 */
#include "commands.h"
#include "course.h"
#include "grading.h"
#include "progress.h"
#include "record.h"
#include "screen.h"
#include "util.h"
#include "watch.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* Quiet time after a change before grading: editors save in steps. */
#define SETTLE_SECONDS 0.05
/* How long the full-marks screen stays before the next exercise opens. */
#define ADVANCE_SECONDS 3.0

struct drill {
	const char *root;
	char grader[PATH_MAX + 32];
	bool force_poll;
	int exercise;
	char file[256]; /* the student's file, relative to root */
	struct watch watch;
	struct grading grading;
	struct progress progress;
	struct screen screen;
	char banner[256];
	char *note;
	double change_seen; /* a change waiting to settle; 0: none */
	int advance_to;     /* exercise to open at advance_at, after full marks */
	double advance_at;  /* 0: none pending */
	bool keyboard;      /* stdin still open */
};

static volatile sig_atomic_t quit_signal, resized;
static struct termios saved_terminal;
static bool raw_terminal;

static void on_signal(int sig)
{
	if (sig == SIGWINCH)
		resized = 1;
	else
		quit_signal = sig;
}

static void catch_signals(void)
{
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGWINCH};
	for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
		sigaction(signals[i], &sa, NULL);
}

/* Keys act at once, without Enter, and are not echoed. */
static void raw_keys(void)
{
	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_terminal) != 0)
		return;
	struct termios raw = saved_terminal;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	raw_terminal = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
}

static void restore_keys(void)
{
	if (raw_terminal)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_terminal);
}

static void draw(struct drill *d)
{
	struct progress *p = &d->progress;
	progress_free(p);
	progress_load(p, d->root);
	d->screen.done = 0;
	for (int i = 0; i < course_count; i++)
		d->screen.done += p->of[i].state == STATE_DONE;
	d->screen.banner = *d->banner ? d->banner : NULL;
	d->screen.note = d->note;
	screen_draw(&d->screen);
}

static void set_note(struct drill *d, char *note)
{
	free(d->note);
	d->note = note;
}

static void open_exercise(struct drill *d, int exercise)
{
	const char *name = course[exercise];
	d->exercise = exercise;
	snprintf(d->file, sizeof d->file, "exercises/%s/%s.c", name, name);
	char *path = path_join(d->root, d->file);
	watch_stop(&d->watch);
	watch_start(&d->watch, path, d->force_poll);
	free(path);
	set_note(d, NULL);
	d->screen = (struct screen){
	    .exercise = exercise,
	    .file = d->file,
	    .max_points = course_max_points(d->root, name),
	    .grading = &d->grading,
	    .progress = &d->progress,
	};
	course_check_counts(d->root, name, d->screen.tests);
	for (int i = 0; i < course_count; i++)
		if (i != exercise)
			d->screen.others_max += course_max_points(d->root, course[i]);
	grading_start(&d->grading, name);
	draw(d);
}

/* The next exercise after from, in course order, that has a harness and
 * (if undone_only) is not done yet; -1 if none. */
static int next_exercise(const struct drill *d, int from, bool undone_only)
{
	for (int step = 1; step <= course_count; step++) {
		int i = (from + step) % course_count;
		if (!undone_only && i == from)
			continue;
		if (course_available(d->root, course[i]) &&
		    !(undone_only && d->progress.of[i].state == STATE_DONE))
			return i;
	}
	return -1;
}

/* A grading ended: note it, and move on at full marks. */
static void graded(struct drill *d)
{
	const char *name = course[d->exercise];
	double score = grading_score(&d->grading, NULL);
	progress_free(&d->progress);
	progress_load(&d->progress, d->root);
	progress_record(&d->progress, d->exercise, score, d->screen.max_points);
	progress_save(&d->progress);
	if (score < d->screen.max_points)
		return;
	int next = next_exercise(d, d->exercise, true);
	if (next < 0) {
		snprintf(d->banner, sizeof d->banner,
		         "%s: full marks (%g/%g)! Every exercise in the project is done.", name,
		         score, d->screen.max_points);
		return;
	}
	snprintf(d->banner, sizeof d->banner,
	         "%s: full marks (%g/%g)! On to %s in %g s (any key: now).", name, score,
	         d->screen.max_points, course[next], ADVANCE_SECONDS);
	d->advance_to = next;
	d->advance_at = monotonic_now() + ADVANCE_SECONDS;
}

/* Opens the next exercise after full marks, when its time has come or now. */
static void advance(struct drill *d, bool now)
{
	if (d->advance_at == 0 || (!now && monotonic_now() < d->advance_at))
		return;
	d->advance_at = 0;
	char *on_to = strstr(d->banner, " On to ");
	if (on_to)
		snprintf(on_to, sizeof d->banner - (size_t)(on_to - d->banner), " Now: %s.",
		         course[d->advance_to]);
	open_exercise(d, d->advance_to);
}

static void on_key(struct drill *d, char key)
{
	switch (key) {
	case 'h':
		set_note(d, hint_next(d->root, d->exercise));
		break;
	case 'l':
		set_note(d, progress_report(d->root));
		break;
	case 'n': {
		int next = next_exercise(d, d->exercise, false);
		d->banner[0] = '\0';
		if (next >= 0) {
			open_exercise(d, next);
			return;
		}
		set_note(d, xstrdup("This is the only exercise in the project so far."));
		break;
	}
	case 'r':
		d->screen.saved_at = 0;
		grading_start(&d->grading, course[d->exercise]);
		break;
	case 'q':
		quit_signal = SIGTERM;
		return;
	default:
		return;
	}
	draw(d);
}

static void read_keys(struct drill *d)
{
	char keys[64];
	ssize_t n = read(STDIN_FILENO, keys, sizeof keys);
	if (n <= 0) {
		d->keyboard = false;
		return;
	}
	for (ssize_t i = 0; i < n && !quit_signal; i++) {
		if (d->advance_at > 0 && keys[i] != 'q')
			advance(d, true);
		else
			on_key(d, keys[i]);
	}
}

/* The file changed: grade it once the change has settled. */
static void file_event(struct drill *d)
{
	if (watch_changed(&d->watch))
		d->change_seen = monotonic_now();
}

static void grade_settled_change(struct drill *d)
{
	if (d->change_seen == 0 || monotonic_now() - d->change_seen < SETTLE_SECONDS)
		return;
	if (watch_changed(&d->watch)) {
		d->change_seen = monotonic_now();
		return;
	}
	d->banner[0] = '\0';
	d->advance_at = 0;
	set_note(d, NULL);
	d->screen.saved_at = d->change_seen;
	d->change_seen = 0;
	grading_start(&d->grading, course[d->exercise]);
	draw(d);
}

/* Milliseconds poll() may sleep: until a change settles, the next poll of
 * the file, or the next exercise opens; -1 when only events matter. */
static int poll_timeout(const struct drill *d)
{
	int ms = d->watch.fd < 0 ? WATCH_POLL_MS : -1;
	if (d->change_seen > 0)
		ms = (int)(SETTLE_SECONDS * 1000) + 1;
	if (d->advance_at > 0) {
		int until = (int)((d->advance_at - monotonic_now()) * 1000) + 1;
		ms = ms < 0 || until < ms ? (until > 0 ? until : 0) : ms;
	}
	return ms;
}

static void loop(struct drill *d)
{
	while (!quit_signal) {
		struct pollfd fds[3] = {{.fd = d->keyboard ? STDIN_FILENO : -1, .events = POLLIN},
		                        {.fd = d->watch.fd, .events = POLLIN},
		                        {.fd = d->grading.fd, .events = POLLIN}};
		int ready = poll(fds, 3, poll_timeout(d));
		if (ready < 0 && errno != EINTR)
			break;
		if (resized) {
			resized = 0;
			draw(d);
		}
		if (ready <= 0) {
			if (d->watch.fd < 0)
				file_event(d);
		} else {
			if (fds[0].revents)
				read_keys(d);
			if (fds[1].revents)
				file_event(d);
			if (fds[2].revents && d->grading.fd >= 0 && grading_read(&d->grading)) {
				if (d->grading.phase == PHASE_DONE)
					graded(d);
				draw(d);
			}
		}
		grade_settled_change(d);
		advance(d, false);
	}
}

static int watch_mode(const char *root)
{
	struct drill d = {.root = root, .keyboard = true};
	snprintf(d.grader, sizeof d.grader, "%s/build/grader/grader", root);
	const char *poll_env = getenv("DRILL_POLL");
	d.force_poll = poll_env && *poll_env && strcmp(poll_env, "0") != 0;
	d.grading.fd = -1;
	d.grading.grader = d.grader;
	d.grading.root = root;
	d.watch.fd = -1;
	int first = current_exercise(root);
	if (first < 0) {
		fprintf(stderr, "drill: no exercise has a harness yet (harness/E/rubric.json)\n");
		return 2;
	}
	screen_init();
	catch_signals();
	raw_keys();
	progress_load(&d.progress, root);
	open_exercise(&d, first);
	loop(&d);
	grading_cancel(&d.grading);
	restore_keys();
	watch_stop(&d.watch);
	progress_free(&d.progress);
	set_note(&d, NULL);
	printf("\nBye. Your progress is in .progress; make drill picks up where you are.\n");
	return 0;
}

static const char usage[] = "usage: drill [--root DIR] [hint EX | progress | reset EX | record "
                            "RESULTS.json]\n"
                            "Normally run as: make drill, make hint EX=name, make progress, "
                            "make reset EX=name\n";

int main(int argc, char **argv)
{
	char root[PATH_MAX];
	int arg = argc > 2 && strcmp(argv[1], "--root") == 0 ? 3 : 1;
	const char *given = arg == 3 ? argv[2] : ".";
	if (!realpath(given, root)) {
		fprintf(stderr, "drill: project folder %s not found\n", given);
		return 2;
	}
	if (course_load(root) != 0)
		return 2;
	const char *command = arg < argc ? argv[arg] : NULL;
	const char *exercise = arg + 1 < argc ? argv[arg + 1] : NULL;
	if (!command)
		return watch_mode(root);
	if (strcmp(command, "hint") == 0 && arg + 2 >= argc) {
		int current = current_exercise(root);
		return command_hint(root, exercise || current < 0 ? exercise : course[current]);
	}
	if (strcmp(command, "progress") == 0 && arg + 1 == argc)
		return command_progress(root);
	if (strcmp(command, "reset") == 0 && arg + 2 >= argc)
		return command_reset(root, exercise);
	if (strcmp(command, "record") == 0 && exercise && arg + 2 == argc)
		return command_record(root, exercise);
	fputs(usage, stderr);
	return 2;
}
