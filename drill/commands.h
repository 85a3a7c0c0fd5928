/*
 * commands.h -- the one-shot drill commands behind make hint, make
 * progress and make reset.  Each prints what it did and returns an exit
 * status (0, or 2 with a message saying what to do).
 */
#ifndef DRILL_COMMANDS_H
#define DRILL_COMMANDS_H

/* The exercise's next hint, one level deeper than the last shown, with
 * a heading ("balance, hint 2 of 5:"); notes it in .progress. */
char *hint_next(const char *root, int exercise);

/* Every exercise with its state and best score, as lines of text. */
char *progress_report(const char *root);

/* Shows the exercise's next hint, one level deeper than the last shown. */
int command_hint(const char *root, const char *exercise);

/* Lists every exercise with its state and best score. */
int command_progress(const char *root);

/* Puts the stub back, after saving the student's file next to it. */
int command_reset(const char *root, const char *exercise);

/* The first exercise in course order, with a harness, not yet done; the
 * last available one when all are done; -1 when none is available. */
int current_exercise(const char *root);

#endif
