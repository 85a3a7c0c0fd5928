/*
 * prodcons.c -- YOUR WORK GOES HERE.
 *
 * A ring buffer that works with one thread, as long as nobody puts into a
 * full queue or gets from an empty one: then it just says no.  It takes no
 * lock, never waits and ignores bq_close.  Make it a blocking queue that any
 * number of producers and consumers can share: read README.md.
 */
#include "prodcons.h"

#include <errno.h>
#include <stdlib.h>

int bq_init(bqueue_t *q, size_t capacity)
{
	if (capacity == 0)
		return EINVAL;
	q->slots = calloc(capacity, sizeof *q->slots);
	if (!q->slots)
		return ENOMEM;
	q->capacity = capacity;
	q->head = 0;
	q->count = 0;
	q->closed = false;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
	return 0;
}

void bq_destroy(bqueue_t *q)
{
	pthread_cond_destroy(&q->not_full);
	pthread_cond_destroy(&q->not_empty);
	pthread_mutex_destroy(&q->lock);
	free(q->slots);
	q->slots = NULL;
}

/* TODO: wait while full (and open); refuse once closed. */
bool bq_put(bqueue_t *q, void *item)
{
	if (q->count == q->capacity)
		return false;
	q->slots[(q->head + q->count) % q->capacity] = item;
	q->count++;
	return true;
}

/* TODO: wait while empty and open; return false only once closed and drained. */
bool bq_get(bqueue_t *q, void **item)
{
	if (q->count == 0)
		return false;
	*item = q->slots[q->head];
	q->head = (q->head + 1) % q->capacity;
	q->count--;
	return true;
}

/* TODO: mark the queue closed and wake every blocked thread. */
void bq_close(bqueue_t *q)
{
	(void)q;
}

size_t bq_size(bqueue_t *q)
{
	return q->count;
}
