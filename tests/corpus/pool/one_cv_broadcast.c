/* expect: score=full */
/*
 * one_cv_broadcast.c -- corpus: a correct alternative with one mutex and one
 * condition variable for everything (workers, the callback thread and every
 * future's waiters), woken with broadcast after every change; each waiter
 * re-tests its own condition.  Futures have no lock of their own.
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
	struct future *next;       /* task queue or finished queue */
	struct future *live_next;  /* all live futures */
	struct future **live_prev; /* the pointer that points at this one */
};

struct pool {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct future *tasks, **tasks_end, *finished, **finished_end, *live;
	unsigned unfinished, unseen, nthreads;
	bool stopping;
	pthread_t *workers, callbacker;
};

static _Thread_local pool_t *mine;
static _Thread_local int index_here = -1;

struct start {
	pool_t *pool;
	int index;
};

int pool_worker(void)
{
	return index_here;
}

static void forget(pool_t *p, struct future *f)
{
	if (f->status != 0 && !f->seen)
		p->unseen++;
	*f->live_prev = f->live_next;
	if (f->live_next)
		f->live_next->live_prev = f->live_prev;
	free(f);
}

/* Frees f if both owners are done with it; p->lock held. */
static void maybe_free(pool_t *p, struct future *f)
{
	if (f->released && f->pool_done)
		forget(p, f);
}

static void over(pool_t *p, struct future *f)
{
	f->pool_done = true;
	p->unfinished--;
	maybe_free(p, f);
	pthread_cond_broadcast(&p->changed);
}

static bool quit(const pool_t *p)
{
	return p->stopping && p->unfinished == 0;
}

static void *work(void *arg)
{
	struct start s = *(struct start *)arg;
	free(arg);
	pool_t *p = s.pool;
	mine = p;
	index_here = s.index;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->tasks && !quit(p))
			pthread_cond_wait(&p->changed, &p->lock);
		struct future *f = p->tasks;
		if (!f)
			break;
		p->tasks = f->next;
		if (!p->tasks)
			p->tasks_end = &p->tasks;
		pthread_mutex_unlock(&p->lock);
		void *result = NULL;
		int status = f->fn(f->arg, &result);
		pthread_mutex_lock(&p->lock);
		f->status = status;
		f->result = result;
		f->done = true;
		if (f->callback) {
			f->next = NULL;
			*p->finished_end = f;
			p->finished_end = &f->next;
			pthread_cond_broadcast(&p->changed);
		} else {
			over(p, f);
		}
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static void *call_back(void *arg)
{
	pool_t *p = arg;
	mine = p;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->finished && !quit(p))
			pthread_cond_wait(&p->changed, &p->lock);
		struct future *f = p->finished;
		if (!f)
			break;
		p->finished = f->next;
		if (!p->finished)
			p->finished_end = &p->finished;
		f->seen = true;
		pthread_mutex_unlock(&p->lock);
		f->callback(f, f->cb_arg);
		pthread_mutex_lock(&p->lock);
		over(p, f);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static void stop(pool_t *p, unsigned workers, bool callbacker)
{
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < workers; i++)
		pthread_join(p->workers[i], NULL);
	if (callbacker)
		pthread_join(p->callbacker, NULL);
}

static void destroy(pool_t *p)
{
	pthread_cond_destroy(&p->changed);
	pthread_mutex_destroy(&p->lock);
	free(p->workers);
	free(p);
}

static int start_workers(pool_t *p)
{
	for (unsigned i = 0; i < p->nthreads; i++) {
		struct start *s = malloc(sizeof *s);
		int err = s ? 0 : ENOMEM;
		if (s) {
			*s = (struct start){p, (int)i};
			err = pthread_create(&p->workers[i], NULL, work, s);
			if (err)
				free(s);
		}
		if (err) {
			stop(p, i, true);
			return err;
		}
	}
	return 0;
}

pool_t *pool_create(unsigned nthreads)
{
	if (nthreads == 0 || nthreads > 256) {
		errno = EINVAL;
		return NULL;
	}
	pool_t *p = calloc(1, sizeof *p);
	pthread_t *workers = calloc(nthreads, sizeof *workers);
	if (!p || !workers) {
		free(p);
		free(workers);
		errno = ENOMEM;
		return NULL;
	}
	p->workers = workers;
	p->nthreads = nthreads;
	p->tasks_end = &p->tasks;
	p->finished_end = &p->finished;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->changed, NULL);
	int err = pthread_create(&p->callbacker, NULL, call_back, p);
	if (err == 0)
		err = start_workers(p);
	if (err) {
		destroy(p);
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
	pthread_mutex_lock(&p->lock);
	if (p->stopping && mine != p) {
		pthread_mutex_unlock(&p->lock);
		free(f);
		errno = ESHUTDOWN;
		return NULL;
	}
	f->live_next = p->live;
	if (p->live)
		p->live->live_prev = &f->live_next;
	p->live = f;
	f->live_prev = &p->live;
	*p->tasks_end = f;
	p->tasks_end = &f->next;
	p->unfinished++;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	return f;
}

int future_wait(future_t *f, void **result)
{
	pool_t *p = f->pool;
	pthread_mutex_lock(&p->lock);
	while (!f->done)
		pthread_cond_wait(&p->changed, &p->lock);
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
		err = pthread_cond_timedwait(&p->changed, &p->lock, abstime);
	bool done = f->done;
	pthread_mutex_unlock(&p->lock);
	return done;
}

void future_release(future_t *f)
{
	pool_t *p = f->pool;
	pthread_mutex_lock(&p->lock);
	f->released = true;
	maybe_free(p, f);
	pthread_mutex_unlock(&p->lock);
}

unsigned pool_shutdown(pool_t *p)
{
	stop(p, p->nthreads, true);
	while (p->live)
		forget(p, p->live);
	unsigned unseen = p->unseen;
	destroy(p);
	return unseen;
}
