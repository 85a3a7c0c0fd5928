/*
 * prodcons.h -- a bounded blocking queue between producers and consumers.
 *
 * The interface is fixed by the course contract: do not change it.  The
 * queue holds at most `capacity` items (void pointers, NULL allowed) in a
 * ring buffer: slots[head] is the oldest item, count says how many there
 * are.  Producers block while it is full, consumers while it is empty, and
 * bq_close lets every blocked thread finish.
 */
#ifndef PRODCONS_H
#define PRODCONS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct bqueue {
	pthread_mutex_t lock;
	pthread_cond_t not_empty;
	pthread_cond_t not_full;
	void **slots;
	size_t capacity;
	size_t head;
	size_t count;
	bool closed;
} bqueue_t;

int bq_init(bqueue_t *q, size_t capacity); /* 0, EINVAL for capacity 0, ENOMEM */
void bq_destroy(bqueue_t *q);
bool bq_put(bqueue_t *q, void *item);  /* blocks while full; false if closed */
bool bq_get(bqueue_t *q, void **item); /* blocks while empty and open;
                                          false once closed and drained */
void bq_close(bqueue_t *q);
size_t bq_size(bqueue_t *q);

#endif
