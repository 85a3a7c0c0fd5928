/*
 * record.c -- make grade's results into .progress (see record.h).
 *
 * The grader knows nothing of drill mode; the Makefile's grade target hands
 * its results file to `drill record` when the folder graded is the
 * student's own exercises/.  Each exercise's score is the sum of its tests
 * in the file, as drill mode sums them on its screen.
 */
#include "record.h"

#include "course.h"
#include "progress.h"

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

int command_record(const char *root, const char *results)
{
	json_error_t err;
	json_t *r = json_load_file(results, 0, &err);
	if (!r) {
		fprintf(stderr,
		        "drill: cannot read the grader's results %s (line %d: %s): progress "
		        "not recorded; run make grade again\n",
		        results, err.line, err.text);
		return 2;
	}
	double score[COURSE_MAX] = {0}, max[COURSE_MAX] = {0};
	bool graded[COURSE_MAX] = {false};
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(r, "tests"), i, t)
	{
		const char *name = json_string_value(json_object_get(t, "exercise"));
		int e = name ? course_index(name) : -1;
		if (e < 0)
			continue;
		graded[e] = true;
		score[e] += json_number_value(json_object_get(t, "score"));
		max[e] += json_number_value(json_object_get(t, "max_score"));
	}
	json_decref(r);
	struct progress p;
	progress_load(&p, root);
	for (int e = 0; e < course_count; e++)
		if (graded[e])
			progress_record(&p, e, score[e], max[e]);
	int rc = progress_save(&p) == 0 ? 0 : 2;
	if (rc)
		fprintf(stderr, "drill: cannot write %s: %s\n", p.path, strerror(errno));
	progress_free(&p);
	return rc;
}
