/*
 * results.h -- the outcome of every graded test, and the results file.
 */
#ifndef GRADER_RESULTS_H
#define GRADER_RESULTS_H

#include "rubric.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct outcome {
	char *exercise;
	char *name;
	enum check_kind check;
	bool passed;
	double score, max_score, seconds;
	char *output; /* what the student needs to see; "" when passed quietly */
};

struct results {
	struct outcome *items;
	size_t count, cap;
	uint64_t seed;
	double seconds;
};

/* Takes ownership of the strings in o. */
void results_add(struct results *r, struct outcome o);
double results_score(const struct results *r, const char *exercise, double *max_score);
/* Writes the contract's results JSON; -1 with a reason in err on failure. */
int results_write_json(const struct results *r, const char *path, char *err, size_t errlen);
/* Writes o as one line of JSON (an entry of "tests") and flushes: how
 * drill mode sees each verdict the moment it is known. */
void results_stream(const struct outcome *o, FILE *stream);
void results_free(struct results *r);

#endif
