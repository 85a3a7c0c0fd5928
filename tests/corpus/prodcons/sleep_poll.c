/* expect: functional=passed tsan=passed helgrind=passed timing=failed */
/*
 * sleep_poll.c -- corpus: waits by sleeping 200 microseconds and looking
 * again; correct and nearly idle, but every wakeup comes late.
 */
#include "prodcons.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static void nap(bqueue_t *q)
{
	pthread_mutex_unlock(&q->lock);
	usleep(200);
	pthread_mutex_lock(&q->lock);
}

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

bool bq_put(bqueue_t *q, void *item)
{
	pthread_mutex_lock(&q->lock);
	while (q->count == q->capacity && !q->closed)
		nap(q);
	bool open = !q->closed;
	if (open) {
		q->slots[(q->head + q->count) % q->capacity] = item;
		q->count++;
	}
	pthread_mutex_unlock(&q->lock);
	return open;
}

bool bq_get(bqueue_t *q, void **item)
{
	pthread_mutex_lock(&q->lock);
	while (q->count == 0 && !q->closed)
		nap(q);
	bool got = q->count > 0;
	if (got) {
		*item = q->slots[q->head];
		q->head = (q->head + 1) % q->capacity;
		q->count--;
	}
	pthread_mutex_unlock(&q->lock);
	return got;
}

void bq_close(bqueue_t *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = true;
	pthread_mutex_unlock(&q->lock);
}

size_t bq_size(bqueue_t *q)
{
	pthread_mutex_lock(&q->lock);
	size_t n = q->count;
	pthread_mutex_unlock(&q->lock);
	return n;
}
