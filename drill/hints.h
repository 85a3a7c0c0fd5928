/*
 * hints.h -- an exercise's graded hints: exercises/E/hints.txt, hints
 * separated by lines holding only "---", from a nudge to the key idea.
 */
#ifndef DRILL_HINTS_H
#define DRILL_HINTS_H

struct hints {
	char **items; /* each hint's text, trimmed of blank lines around it */
	int count;
};

/* Reads path; -1 if there is no such file (count is then 0). */
int hints_load(const char *path, struct hints *h);
/* Splits text into hints (the parser behind hints_load). */
void hints_parse(const char *text, struct hints *h);
void hints_free(struct hints *h);

#endif
