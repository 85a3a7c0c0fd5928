# variants.mk -- the three builds ("variants") of every exercise: which
# compiler and flags build the harness, and which the grader uses for the
# student's file.  The one place these are said: the Makefile includes this
# file for the harness archives, and passes the student's side to the
# grader as -D defines on grader/build.c (VARIANT_CC_v, VARIANT_CFLAGS_v,
# VARIANT_LDFLAGS_v for each variant v).  harness/README.md explains them.
VARIANTS := fast tsan debug

# fast: timing checks, at the speed a student's code runs in production.
CC_fast := gcc
HARNESS_CFLAGS_fast := -O2 -g
STUDENT_CFLAGS_fast := -O2 -g
LDFLAGS_fast :=

# tsan: ThreadSanitizer checks, and the symbol rules.  The two sides differ
# on purpose.  The student's file is built at -O0 because at -O1 clang folds
# `b += n; b -= n;` into nothing and the race the check must report is gone:
# the judged code must run as written.  The harness is the judge, not the
# judged: its own accesses are trusted, and -O1, which ThreadSanitizer's
# manual recommends for reasonable speed, lets its stress loops do more work
# under the sanitizer's slowdown within the same time limit.
CC_tsan := clang
HARNESS_CFLAGS_tsan := -O1 -g -fsanitize=thread
# -tsan-instrument-read-before-write: `count++` gets a call before its load
# too (by default only before its store), so under a controlled schedule
# (harness/README.md) the load is a step of its own and the timeline shows
# the value it read.
STUDENT_CFLAGS_tsan := -O0 -g -fsanitize=thread -mllvm -tsan-instrument-read-before-write
LDFLAGS_tsan := -fsanitize=thread

# debug: functional checks, and Helgrind.  -O0 keeps `balance = balance + n`
# a separate load and store, which loses updates far more often than the
# single instruction -O2 makes of it.
CC_debug := gcc
HARNESS_CFLAGS_debug := -O0 -g
STUDENT_CFLAGS_debug := -O0 -g
LDFLAGS_debug :=
