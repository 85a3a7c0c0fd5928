/*
 * baseline_queue.c -- a textbook bounded blocking queue: one mutex, two
 * condition variables, while loops around the waits.  See baseline_queue.h
 * for why the harness carries it.  Queues are never freed: the throughput
 * check may abandon the threads of a slow run while they still use theirs.
 */
#include "baseline_queue.h"

#include <pthread.h>
#include <stdlib.h>

struct baseline_queue {
	pthread_mutex_t lock;
	pthread_cond_t not_empty;
	pthread_cond_t not_full;
	void **slots;
	size_t capacity, head, count;
};

struct baseline_queue *baseline_create(size_t capacity)
{
	struct baseline_queue *q = calloc(1, sizeof *q);
	if (!q)
		return NULL;
	q->slots = calloc(capacity, sizeof *q->slots);
	if (!q->slots) {
		free(q);
		return NULL;
	}
	q->capacity = capacity;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
	return q;
}

bool baseline_put(struct baseline_queue *q, void *item)
{
	pthread_mutex_lock(&q->lock);
	while (q->count == q->capacity)
		pthread_cond_wait(&q->not_full, &q->lock);
	q->slots[(q->head + q->count) % q->capacity] = item;
	q->count++;
	pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
	return true;
}

bool baseline_get(struct baseline_queue *q, void **item)
{
	pthread_mutex_lock(&q->lock);
	while (q->count == 0)
		pthread_cond_wait(&q->not_empty, &q->lock);
	*item = q->slots[q->head];
	q->head = (q->head + 1) % q->capacity;
	q->count--;
	pthread_cond_signal(&q->not_full);
	pthread_mutex_unlock(&q->lock);
	return true;
}
