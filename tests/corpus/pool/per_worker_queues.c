/* expect: score=full */
/*
 * per_worker_queues.c -- corpus: a correct alternative where every worker
 * has a queue of its own (its own mutex and condition variable) and
 * pool_submit deals tasks round-robin; the pool's mutex guards the futures,
 * the callback queue and the counts.  Lock order: the pool's, then a queue's.
 */
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

struct future {
	pool_t *pool;
	pool_fn fn;
	void *arg;
	pool_callback callback;
	void *cb_arg;
	int status;
	void *result;
	bool done, seen, released, pool_done;
	pthread_cond_t done_cv;
	struct future *next, *live_next, **live_prev;
};

struct queue {
	pthread_mutex_t lock;
	pthread_cond_t nonempty;
	struct future *head, **tail;
	bool quit;
	pool_t *pool;
	int index;
	pthread_t thread;
};

struct pool {
	pthread_mutex_t lock;
	pthread_cond_t finished_cv;
	struct future *finished, **finished_tail, *live;
	unsigned unfinished, unseen, nthreads, next_queue;
	bool stopping;
	struct queue *queues;
	pthread_t callbacker;
};

static _Thread_local pool_t *member_of;
static _Thread_local int worker_number = -1;

int pool_worker(void)
{
	return worker_number;
}

static void free_it(pool_t *p, struct future *f)
{
	if (f->status != 0 && !f->seen)
		p->unseen++;
	*f->live_prev = f->live_next;
	if (f->live_next)
		f->live_next->live_prev = f->live_prev;
	pthread_cond_destroy(&f->done_cv);
	free(f);
}

/* Tells every worker to quit once its queue is empty; p->lock held. */
static void quit_all(pool_t *p)
{
	for (unsigned i = 0; i < p->nthreads; i++) {
		struct queue *q = &p->queues[i];
		pthread_mutex_lock(&q->lock);
		q->quit = true;
		pthread_cond_broadcast(&q->nonempty);
		pthread_mutex_unlock(&q->lock);
	}
	pthread_cond_broadcast(&p->finished_cv);
}

/* The pool is done with f; p->lock held. */
static void over(pool_t *p, struct future *f)
{
	f->pool_done = true;
	if (--p->unfinished == 0 && p->stopping)
		quit_all(p);
	if (f->released)
		free_it(p, f);
}

static void *worker(void *arg)
{
	struct queue *q = arg;
	pool_t *p = q->pool;
	member_of = p;
	worker_number = q->index;
	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (!q->head && !q->quit)
			pthread_cond_wait(&q->nonempty, &q->lock);
		struct future *f = q->head;
		if (!f)
			break;
		q->head = f->next;
		if (!q->head)
			q->tail = &q->head;
		pthread_mutex_unlock(&q->lock);
		void *result = NULL;
		int status = f->fn(f->arg, &result);
		pthread_mutex_lock(&p->lock);
		f->status = status;
		f->result = result;
		f->done = true;
		pthread_cond_broadcast(&f->done_cv);
		if (f->callback) {
			f->next = NULL;
			*p->finished_tail = f;
			p->finished_tail = &f->next;
			pthread_cond_signal(&p->finished_cv);
		} else {
			over(p, f);
		}
		pthread_mutex_unlock(&p->lock);
		pthread_mutex_lock(&q->lock);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

static void *callbacks(void *arg)
{
	pool_t *p = arg;
	member_of = p;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->finished && !(p->stopping && p->unfinished == 0))
			pthread_cond_wait(&p->finished_cv, &p->lock);
		struct future *f = p->finished;
		if (!f)
			break;
		p->finished = f->next;
		if (!p->finished)
			p->finished_tail = &p->finished;
		f->seen = true;
		pthread_mutex_unlock(&p->lock);
		f->callback(f, f->cb_arg);
		pthread_mutex_lock(&p->lock);
		over(p, f);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static void stop_and_join(pool_t *p, unsigned started, bool callbacker)
{
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	if (p->unfinished == 0)
		quit_all(p);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < started; i++)
		pthread_join(p->queues[i].thread, NULL);
	if (callbacker)
		pthread_join(p->callbacker, NULL);
}

static void free_pool(pool_t *p)
{
	for (unsigned i = 0; i < p->nthreads; i++) {
		pthread_cond_destroy(&p->queues[i].nonempty);
		pthread_mutex_destroy(&p->queues[i].lock);
	}
	pthread_cond_destroy(&p->finished_cv);
	pthread_mutex_destroy(&p->lock);
	free(p->queues);
	free(p);
}

pool_t *pool_create(unsigned nthreads)
{
	if (nthreads < 1 || nthreads > 256) {
		errno = EINVAL;
		return NULL;
	}
	pool_t *p = calloc(1, sizeof *p);
	struct queue *queues = calloc(nthreads, sizeof *queues);
	if (!p || !queues) {
		free(p);
		free(queues);
		errno = ENOMEM;
		return NULL;
	}
	p->queues = queues;
	p->nthreads = nthreads;
	p->finished_tail = &p->finished;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->finished_cv, NULL);
	for (unsigned i = 0; i < nthreads; i++) {
		struct queue *q = &queues[i];
		pthread_mutex_init(&q->lock, NULL);
		pthread_cond_init(&q->nonempty, NULL);
		q->tail = &q->head;
		q->pool = p;
		q->index = (int)i;
	}
	int err = pthread_create(&p->callbacker, NULL, callbacks, p);
	bool callbacker = err == 0;
	unsigned started = 0;
	while (err == 0 && started < nthreads) {
		err = pthread_create(&queues[started].thread, NULL, worker, &queues[started]);
		started += err == 0;
	}
	if (err != 0) {
		stop_and_join(p, started, callbacker);
		free_pool(p);
		errno = err;
		return NULL;
	}
	return p;
}

future_t *pool_submit(pool_t *p, pool_fn fn, void *arg, pool_callback done, void *cb_arg)
{
	if (!fn) {
		errno = EINVAL;
		return NULL;
	}
	struct future *f = calloc(1, sizeof *f);
	if (!f) {
		errno = ENOMEM;
		return NULL;
	}
	*f = (struct future){.pool = p, .fn = fn, .arg = arg, .callback = done, .cb_arg = cb_arg};
	pthread_cond_init(&f->done_cv, NULL);
	pthread_mutex_lock(&p->lock);
	if (p->stopping && member_of != p) {
		pthread_mutex_unlock(&p->lock);
		pthread_cond_destroy(&f->done_cv);
		free(f);
		errno = ESHUTDOWN;
		return NULL;
	}
	f->live_next = p->live;
	if (p->live)
		p->live->live_prev = &f->live_next;
	p->live = f;
	f->live_prev = &p->live;
	p->unfinished++;
	struct queue *q = &p->queues[p->next_queue++ % p->nthreads];
	pthread_mutex_lock(&q->lock);
	*q->tail = f;
	q->tail = &f->next;
	pthread_cond_signal(&q->nonempty);
	pthread_mutex_unlock(&q->lock);
	pthread_mutex_unlock(&p->lock);
	return f;
}

int future_wait(future_t *f, void **result)
{
	pool_t *p = f->pool;
	pthread_mutex_lock(&p->lock);
	while (!f->done)
		pthread_cond_wait(&f->done_cv, &p->lock);
	f->seen = true;
	int status = f->status;
	if (result)
		*result = f->result;
	pthread_mutex_unlock(&p->lock);
	return status;
}

bool future_timedwait(future_t *f, const struct timespec *abstime)
{
	pool_t *p = f->pool;
	pthread_mutex_lock(&p->lock);
	int err = 0;
	while (!f->done && err != ETIMEDOUT)
		err = pthread_cond_timedwait(&f->done_cv, &p->lock, abstime);
	bool done = f->done;
	pthread_mutex_unlock(&p->lock);
	return done;
}

void future_release(future_t *f)
{
	pool_t *p = f->pool;
	pthread_mutex_lock(&p->lock);
	f->released = true;
	if (f->pool_done)
		free_it(p, f);
	pthread_mutex_unlock(&p->lock);
}

unsigned pool_shutdown(pool_t *p)
{
	stop_and_join(p, p->nthreads, true);
	while (p->live)
		free_it(p, p->live);
	unsigned unseen = p->unseen;
	free_pool(p);
	return unseen;
}
