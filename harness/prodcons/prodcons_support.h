/*
 * prodcons_support.h -- what the prodcons harness's test files share:
 * tagged items, queues that fail the test when bq_init does, transfers
 * whose consumers check every item the moment they get it, and calls left
 * blocked in the background.
 *
 * Items are tagged with their producer and sequence number, so a consumer
 * can tell a lost, duplicated, invented or reordered item the moment it
 * gets one.  Stress runs end with "pills" rather than bq_close, so a close
 * bug fails the close tests and nothing else.
 *
 * The tests, by concern: prodcons_functional.c (one thread's semantics,
 * capacity, many producers and consumers), prodcons_close.c (bq_close),
 * prodcons_timing.c (no busy waiting, throughput), prodcons_workout.c (the
 * sanitizers' workout), prodcons_controlled.c (small scenes under
 * controlled schedules).  Each file registers its own tests (START_TEST
 * names are static to their file): harness_define
 * (prodcons_functional.c) calls the others.
 */
#ifndef PRODCONS_SUPPORT_H
#define PRODCONS_SUPPORT_H

#include "harness.h"
#include "prodcons.h"

#include <stdint.h>

/* How long a thread that should have been released may take to return. */
#define PROMPT_SECONDS 3.0
/* How long a call must stay blocked to count as blocked. */
#define BLOCKED_US 150000
/* Items stop moving for this long: someone waits for a wakeup that never comes. */
#define STALL_SECONDS 5.0

#define MAX_PRODUCERS 16

/* The item that tells a consumer to stop: never a tagged item, never NULL. */
extern char pill_marker;
#define PILL ((void *)&pill_marker)

/* Producer p's item number s (from 1): never NULL, never the pill. */
static inline void *tag(unsigned p, long s)
{
	return (void *)(((uintptr_t)(p + 1) << 32) | (uintptr_t)s);
}
static inline unsigned tag_producer(void *item)
{
	return (unsigned)((uintptr_t)item >> 32) - 1;
}
static inline long tag_seq(void *item)
{
	return (long)((uintptr_t)item & 0xffffffffu);
}

/* A new queue of that capacity, failing the test unless bq_init returns 0. */
bqueue_t *new_queue(size_t capacity);

/* Producers put items tagged (p, 1..per_producer); consumers check each
 * one (check_item) and count it in seen and got. */
struct transfer {
	bqueue_t *q;
	size_t capacity;
	unsigned producers, consumers;
	long per_producer;
	atomic_uchar *seen; /* producers * per_producer counters */
	atomic_long got;    /* items consumers got so far */
	atomic_uint producers_done, consumers_done;
};

/* Makes t's queue and seen counters, for the figures already set; and
 * frees them. */
void transfer_open(struct transfer *t);
void transfer_free(struct transfer *t);

/* How many times producer p's item s was got. */
unsigned transfer_seen(const struct transfer *t, unsigned p, long s);

/* Fails the test once t->got has stood still for STALL_SECONDS (stretched
 * like the test's limit): the others are blocked for good. */
void check_progress(struct transfer *t, struct harness_progress *progress);

/* Checks one item a consumer got, and counts it; last[p] is the last
 * sequence number this consumer got from producer p. */
void check_item(struct transfer *t, void *item, long last[]);

/* Watches bq_size and progress until every consumer is done. */
void observe(struct transfer *t);

/* n calls of bq_get or bq_put (one item) on q in the background, counted
 * as they return (in calls) and as they return true. */
struct blocked_calls {
	bqueue_t *q;
	atomic_uint returned_true;
	struct harness_background calls;
};
void blocked_get(void *calls);
void blocked_put(void *calls);
/* Starts n calls of fn and gives them BLOCKED_US to block; never freed,
 * as the calls may stay blocked. */
struct blocked_calls *start_calls(bqueue_t *q, unsigned n, void (*fn)(void *calls));

/* Registration of each file's tests, in the order the rubric lists them. */
void prodcons_add_close_tests(void);
void prodcons_add_controlled_tests(void); /* prodcons_controlled.c: under controlled schedules */
void prodcons_add_timing_tests(void);
void prodcons_add_workout_tests(void);

#endif
