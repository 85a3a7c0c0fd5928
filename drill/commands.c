/*
 * commands.c -- make hint, make progress, make reset.
 *
 * The pristine stub of exercise E is harness/E/E.c.stub, a committed copy
 * of exercises/E/E.c that the student has no reason to touch.  Git cannot
 * serve: `git show HEAD:` gives the student's own last commit, the first
 * commit that added the file misses any later fix to the stub, and a
 * downloaded zip has no history at all.  make test checks that every copy
 * is identical to its stub in the project (tests/unit_drill.c).
 */
#include "commands.h"

#include "course.h"
#include "hints.h"
#include "progress.h"
#include "text.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Checks that exercise is one of the course's; says so if not. */
static int known(const char *exercise)
{
	int i = exercise && *exercise ? course_index(exercise) : -1;
	if (i < 0) {
		char *names = course_names();
		fprintf(stderr, "drill: say which exercise, for example EX=%s (one of %s)\n",
		        course[0], names);
		free(names);
	}
	return i;
}

int current_exercise(const char *root)
{
	struct progress p;
	progress_load(&p, root);
	int pick = -1, last = -1;
	for (int i = 0; i < course_count && pick < 0; i++) {
		if (!course_available(root, course[i]))
			continue;
		last = i;
		if (p.of[i].state != STATE_DONE)
			pick = i;
	}
	progress_free(&p);
	return pick >= 0 ? pick : last;
}

char *hint_next(const char *root, int exercise)
{
	const char *name = course[exercise];
	char *path = path_join(root, "exercises", name, "hints.txt");
	struct hints h;
	hints_load(path, &h);
	free(path);
	struct text out = {0};
	if (h.count == 0) {
		text_printf(&out, "%s has no hints yet: read exercises/%s/README.md\n", name, name);
		return text_take(&out);
	}
	struct progress p;
	progress_load(&p, root);
	int level = p.of[exercise].hints < h.count ? p.of[exercise].hints + 1 : h.count;
	text_printf(&out, "%s, hint %d of %d:\n\n%s\n\n", name, level, h.count, h.items[level - 1]);
	if (level == h.count)
		text_printf(&out,
		            "That was the last hint; the README explains the idea in full: "
		            "exercises/%s/README.md\n",
		            name);
	else
		text_printf(&out, "Stuck still? The next hint goes one step further.\n");
	p.of[exercise].hints = level;
	if (progress_save(&p) != 0)
		text_printf(&out, "(drill: cannot write %s: %s)\n", p.path, strerror(errno));
	progress_free(&p);
	hints_free(&h);
	return text_take(&out);
}

int command_hint(const char *root, const char *exercise)
{
	int i = known(exercise);
	if (i < 0)
		return 2;
	char *hint = hint_next(root, i);
	fputs(hint, stdout);
	free(hint);
	return 0;
}

char *progress_report(const char *root)
{
	struct progress p;
	progress_load(&p, root);
	struct text out = {0};
	int done = 0;
	double score = 0, max = 0;
	text_printf(&out, "%-10s %-8s %s\n", "exercise", "state", "best score");
	for (int i = 0; i < course_count; i++) {
		const struct exercise_progress *e = &p.of[i];
		if (!course_available(root, course[i])) {
			text_printf(&out, "%-10s %-8s (not in the project yet)\n", course[i], "-");
			continue;
		}
		double out_of = e->max > 0 ? e->max : course_max_points(root, course[i]);
		if (e->state == STATE_NEW)
			text_printf(&out, "%-10s %-8s %5s/%g\n", course[i], "new", "-", out_of);
		else
			text_printf(&out, "%-10s %-8s %5g/%g\n", course[i],
			            progress_state_name(e->state), e->best, out_of);
		done += e->state == STATE_DONE;
		score += e->best;
		max += out_of;
	}
	text_printf(&out,
	            "%d of %d exercises done, %g of %g points (kept in .progress; delete it "
	            "to start over)\n",
	            done, course_count, score, max);
	progress_free(&p);
	return text_take(&out);
}

int command_progress(const char *root)
{
	char *report = progress_report(root);
	fputs(report, stdout);
	free(report);
	return 0;
}

static bool write_file(const char *path, const char *text)
{
	char *tmp = text_format("%s.new", path);
	FILE *f = fopen(tmp, "w");
	bool ok = f && fputs(text, f) >= 0;
	ok = f && fclose(f) == 0 && ok && rename(tmp, path) == 0;
	free(tmp);
	return ok;
}

/* exercises/E/E.c.20261123-140500.bak, a name not taken yet. */
static char *backup_name(const char *file)
{
	char stamp[32];
	time_t now = time(NULL);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&now));
	char *name = NULL;
	for (int n = 1; !name || access(name, F_OK) == 0; n++) {
		free(name);
		name = n == 1 ? text_format("%s.%s.bak", file, stamp)
		              : text_format("%s.%s-%d.bak", file, stamp, n);
	}
	return name;
}

int command_reset(const char *root, const char *exercise)
{
	if (known(exercise) < 0)
		return 2;
	char *file_name = text_format("%s.c", exercise);
	char *stub_name = text_format("%s.c.stub", exercise);
	char *stub_path = path_join(root, "harness", exercise, stub_name);
	char *file = path_join(root, "exercises", exercise, file_name);
	char *stub = text_read_file(stub_path);
	char *mine = text_read_file(file);
	int rc = 0;
	if (!stub) {
		fprintf(stderr, "drill: no pristine stub %s: the project lacks it\n", stub_path);
		rc = 2;
	} else if (mine && strcmp(mine, stub) == 0) {
		printf("exercises/%s/%s is the stub already: nothing to do\n", exercise, file_name);
	} else {
		char *backup = mine ? backup_name(file) : NULL;
		if ((backup && !write_file(backup, mine)) || !write_file(file, stub)) {
			fprintf(stderr, "drill: cannot write %s: %s\n", backup ? backup : file,
			        strerror(errno));
			rc = 2;
		} else {
			if (backup)
				printf("Your file is saved as %s\n", backup + strlen(root) + 1);
			printf("exercises/%s/%s is the stub again.\n", exercise, file_name);
		}
		free(backup);
	}
	free(stub);
	free(mine);
	free(file);
	free(file_name);
	free(stub_name);
	free(stub_path);
	return rc;
}
