/*
 * baseline_pool.c -- a textbook pool (see baseline_pool.h): one mutex and
 * one condition variable for the queue, while loops around the waits; a
 * future belongs to its caller, who waits for it exactly once, and the
 * pool's lock guards its fields too (one lock, fewer moving parts).
 */
#include "baseline_pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct baseline_future {
	int (*fn)(void *, void **);
	void *arg, *result;
	int status;
	bool done;
	pthread_cond_t done_cv;
	struct baseline_pool *pool;
	struct baseline_future *next;
};

struct baseline_pool {
	pthread_mutex_t lock;
	pthread_cond_t work;
	struct baseline_future *head, *tail;
	bool stopping;
	unsigned nthreads;
	pthread_t *threads;
};

static void *baseline_worker(void *arg)
{
	struct baseline_pool *p = arg;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->head && !p->stopping)
			pthread_cond_wait(&p->work, &p->lock);
		struct baseline_future *f = p->head;
		if (!f)
			break;
		p->head = f->next;
		if (!p->head)
			p->tail = NULL;
		pthread_mutex_unlock(&p->lock);
		void *result = NULL;
		int status = f->fn(f->arg, &result);
		pthread_mutex_lock(&p->lock);
		f->status = status;
		f->result = result;
		f->done = true;
		pthread_cond_signal(&f->done_cv);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct baseline_pool *baseline_create(unsigned nthreads)
{
	struct baseline_pool *p = calloc(1, sizeof *p);
	pthread_t *threads = calloc(nthreads, sizeof *threads);
	if (!p || !threads) {
		free(p);
		free(threads);
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	p->threads = threads;
	for (; p->nthreads < nthreads; p->nthreads++)
		if (pthread_create(&p->threads[p->nthreads], NULL, baseline_worker, p) != 0)
			break;
	if (p->nthreads == 0) {
		baseline_shutdown(p);
		return NULL;
	}
	return p;
}

struct baseline_future *baseline_submit(struct baseline_pool *p, int (*fn)(void *, void **),
                                        void *arg)
{
	struct baseline_future *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	f->fn = fn;
	f->arg = arg;
	f->pool = p;
	pthread_cond_init(&f->done_cv, NULL);
	pthread_mutex_lock(&p->lock);
	if (p->tail)
		p->tail->next = f;
	else
		p->head = f;
	p->tail = f;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	return f;
}

int baseline_wait(struct baseline_future *f)
{
	struct baseline_pool *p = f->pool;
	pthread_mutex_lock(&p->lock);
	while (!f->done)
		pthread_cond_wait(&f->done_cv, &p->lock);
	int status = f->status;
	pthread_mutex_unlock(&p->lock);
	pthread_cond_destroy(&f->done_cv);
	free(f);
	return status;
}

void baseline_shutdown(struct baseline_pool *p)
{
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
	free(p->threads);
	free(p);
}
