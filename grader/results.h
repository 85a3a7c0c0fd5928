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

/* Whose the verdict is.  Only the grader's own runs decide: a harness
 * declares a measurement impossible here with an authenticated info record
 * (see UNMEASURABLE_MARK), the grader marks a run the machine killed. */
enum outcome_kind {
	OUTCOME_GRADED,       /* passed or failed on the submission's merits */
	OUTCOME_UNMEASURABLE, /* this machine cannot measure it (fewer than 2 usable
	                         CPUs...): no points either way, max_score 0 */
	OUTCOME_ENVIRONMENT,  /* the machine failed the run (out of memory, a tool that
	                         cannot start): 0 points, not the student's fault */
};

struct outcome {
	char *exercise;
	char *name;
	enum check_kind check;
	bool passed;
	double score, max_score, seconds;
	char *output; /* what the student needs to see; "" when passed quietly */
	enum outcome_kind kind;
};

struct results {
	struct outcome *items;
	size_t count, cap;
	uint64_t seed;
	double seconds;
};

/* The line a harness test writes (harness_unmeasurable) when this machine
 * cannot measure what it checks; the test then passes with the reason. */
#define UNMEASURABLE_MARK "unmeasurable here: "
/* The line a harness test writes (harness_leaderboard) for a figure worth
 * a leaderboard: "leaderboard: NAME = VALUE (higher is better)" or lower. */
#define LEADERBOARD_MARK "leaderboard: "

/* Takes ownership of the strings in o.  A passed run test whose evidence
 * holds an UNMEASURABLE_MARK line becomes OUTCOME_UNMEASURABLE, worth 0 of 0.
 * Only a passed test counts: its evidence is the harness's authenticated
 * records alone, never what the submission printed. */
void results_add(struct results *r, struct outcome o);
double results_score(const struct results *r, const char *exercise, double *max_score);
/* How many outcomes of this kind (in exercise, or all when NULL). */
size_t results_count_kind(const struct results *r, const char *exercise, enum outcome_kind kind);
/* Writes the contract's results JSON; -1 with a reason in err on failure. */
int results_write_json(const struct results *r, const char *path, char *err, size_t errlen);
/* Writes o as one line of JSON (an entry of "tests") and flushes: how
 * drill mode sees each verdict the moment it is known. */
void results_stream(const struct outcome *o, FILE *stream);
void results_free(struct results *r);

/* The first line of o's evidence that points into file ("file:LINE"), or 0. */
int outcome_line(const struct outcome *o, const char *file);
/* A passed outcome's leaderboard figure: true with its name (up to len
 * bytes), value and direction. */
bool outcome_figure(const struct outcome *o, char *name, size_t len, double *value,
                    bool *higher_is_better);
/* The reason after UNMEASURABLE_MARK, up to its line's end (a new string), or
 * NULL when o is measured. */
char *outcome_unmeasurable_reason(const struct outcome *o);

#endif
