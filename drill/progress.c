/*
 * progress.c -- the student's progress, one line per exercise in .progress:
 *
 *   balance done 100 100 2        name, state, best score, out of, hints seen
 *
 * Drill mode and `make hint` both change it, possibly at once, so each
 * change reads the file, updates one exercise and renames a new file over
 * the old: the last writer wins for that exercise, and nothing is torn.
 */
#include "progress.h"

#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = {"new", "started", "done"};

const char *progress_state_name(enum exercise_state state)
{
	return state_names[state];
}

static int parse_state(const char *word)
{
	for (int s = STATE_NEW; s <= STATE_DONE; s++)
		if (strcmp(word, state_names[s]) == 0)
			return s;
	return -1;
}

void progress_load(struct progress *p, const char *root)
{
	memset(p, 0, sizeof *p);
	p->path = path_join(root, ".progress");
	FILE *f = fopen(p->path, "r");
	char line[256];
	while (f && fgets(line, sizeof line, f)) {
		char name[64], state[16];
		struct exercise_progress e = {0};
		if (sscanf(line, "%63s %15s %lf %lf %d", name, state, &e.best, &e.max, &e.hints) !=
		    5)
			continue;
		int i = course_index(name), s = parse_state(state);
		if (i < 0 || s < 0)
			continue;
		e.state = (enum exercise_state)s;
		p->of[i] = e;
	}
	if (f)
		fclose(f);
}

int progress_save(const struct progress *p)
{
	char *tmp = text_format("%s.new", p->path);
	FILE *f = fopen(tmp, "w");
	if (!f) {
		free(tmp);
		return -1;
	}
	fputs("# drill progress: exercise, state, best score, out of, hints seen.\n"
	      "# Delete this file to start over.\n",
	      f);
	for (int i = 0; i < course_count; i++) {
		const struct exercise_progress *e = &p->of[i];
		fprintf(f, "%s %s %g %g %d\n", course[i], state_names[e->state], e->best, e->max,
		        e->hints);
	}
	int rc = fclose(f) == 0 && rename(tmp, p->path) == 0 ? 0 : -1;
	free(tmp);
	return rc;
}

void progress_free(struct progress *p)
{
	free(p->path);
	memset(p, 0, sizeof *p);
}

void progress_record(struct progress *p, int exercise, double score, double max)
{
	struct exercise_progress *e = &p->of[exercise];
	/* A rubric whose total changed makes the old best meaningless. */
	e->best = e->max == max && e->best > score ? e->best : score;
	e->max = max;
	if (max > 0 && score >= max)
		e->state = STATE_DONE;
	else if (e->state == STATE_NEW)
		e->state = STATE_STARTED;
}
