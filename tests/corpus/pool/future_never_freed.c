/* expect: functional=passed memcheck=failed */
/* expect-output: definitely lost */
/*
 * future_never_freed.c -- corpus: the last owner to let go of a future forgets to free it: every future leaks.
 */
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

enum { MAX_THREADS = 256 };

struct future {
	pthread_mutex_t lock; /* guards done, status, result, seen, owners */
	pthread_cond_t became_done;
	pool_t *pool;
	pool_fn fn;
	void *arg;
	pool_callback callback;
	void *cb_arg;
	int status;
	void *result;
	bool done;
	bool seen;           /* a failure was returned by future_wait or reached its callback */
	int owners;          /* 2 at first: the caller and the pool */
	struct future *next; /* in the task queue or the finished queue */
	struct future *older, *newer; /* in the pool's list of live futures */
};

struct fifo {
	struct future *head, *tail;
};

struct worker {
	pool_t *pool;
	int index;
	pthread_t thread;
};

struct pool {
	pthread_mutex_t lock;
	pthread_cond_t work;     /* a task was queued, or the pool may stop */
	pthread_cond_t finished; /* a callback is due, or the pool may stop */
	struct fifo tasks, callbacks;
	struct future *live; /* newest live future; its `older` chain holds the rest */
	unsigned unfinished;
	unsigned unseen_failures; /* of futures already freed */
	bool stopping;
	unsigned nthreads;
	struct worker *workers;
	pthread_t callback_thread;
};

/* Which pool the calling thread belongs to, and its worker index. */
static _Thread_local pool_t *own_pool;
static _Thread_local int own_index = -1;

int pool_worker(void)
{
	return own_index;
}

static void fifo_push(struct fifo *q, struct future *f)
{
	f->next = NULL;
	if (q->tail)
		q->tail->next = f;
	else
		q->head = f;
	q->tail = f;
}

static struct future *fifo_pop(struct fifo *q)
{
	struct future *f = q->head;
	if (f) {
		q->head = f->next;
		if (!q->head)
			q->tail = NULL;
	}
	return f;
}

static bool may_stop(const pool_t *p)
{
	return p->stopping && p->unfinished == 0;
}

/* Frees f, already out of the list of live futures.  A failure nobody saw
 * is counted here, since nobody can see it any more. */
static void destroy_future(pool_t *p, struct future *f)
{
	if (f->status != 0 && !f->seen)
		p->unseen_failures++;
	pthread_cond_destroy(&f->became_done);
	pthread_mutex_destroy(&f->lock);
}

/* Unlinks and frees f; the caller holds p->lock and f has no owner left. */
static void free_future(pool_t *p, struct future *f)
{
	if (f->older)
		f->older->newer = f->newer;
	if (f->newer)
		f->newer->older = f->older;
	else
		p->live = f->older;
	destroy_future(p, f);
}

/* One owner lets go of f; the last frees it. */
static void let_go(struct future *f)
{
	pthread_mutex_lock(&f->lock);
	bool last = --f->owners == 0;
	pthread_mutex_unlock(&f->lock);
	if (last) {
		pool_t *p = f->pool;
		pthread_mutex_lock(&p->lock);
		free_future(p, f);
		pthread_mutex_unlock(&p->lock);
	}
}

/* The pool's work on f is over (it ran, and its callback returned). */
static void pool_work_over(pool_t *p, struct future *f)
{
	pthread_mutex_lock(&p->lock);
	if (--p->unfinished == 0 && p->stopping) {
		pthread_cond_broadcast(&p->work);
		pthread_cond_broadcast(&p->finished);
	}
	pthread_mutex_unlock(&p->lock);
	let_go(f);
}

/* Marks f done and, in the same step, queues its callback, so callbacks
 * come in the order tasks finished as any waiter observes it. */
static void finish(pool_t *p, struct future *f, int status, void *result)
{
	/* Read before f is handed on: its callback may free it at once. */
	bool has_callback = f->callback != NULL;
	pthread_mutex_lock(&p->lock);
	pthread_mutex_lock(&f->lock);
	f->status = status;
	f->result = result;
	f->done = true;
	pthread_cond_broadcast(&f->became_done);
	pthread_mutex_unlock(&f->lock);
	if (has_callback) {
		fifo_push(&p->callbacks, f);
		pthread_cond_signal(&p->finished);
	}
	pthread_mutex_unlock(&p->lock);
	if (!has_callback)
		pool_work_over(p, f);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	pool_t *p = w->pool;
	own_pool = p;
	own_index = w->index;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->tasks.head && !may_stop(p))
			pthread_cond_wait(&p->work, &p->lock);
		struct future *f = fifo_pop(&p->tasks);
		if (!f)
			break;
		pthread_mutex_unlock(&p->lock);
		void *result = NULL;
		int status = f->fn(f->arg, &result);
		finish(p, f, status, result);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static void *callback_main(void *arg)
{
	pool_t *p = arg;
	own_pool = p;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->callbacks.head && !may_stop(p))
			pthread_cond_wait(&p->finished, &p->lock);
		struct future *f = fifo_pop(&p->callbacks);
		if (!f)
			break;
		pthread_mutex_unlock(&p->lock);
		pthread_mutex_lock(&f->lock);
		f->seen = true; /* the callback sees the failure, if any */
		pthread_mutex_unlock(&f->lock);
		f->callback(f, f->cb_arg);
		pool_work_over(p, f);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Stops and joins the threads started so far (workers[0..workers), and the
 * callback thread if started). */
static void stop_threads(pool_t *p, unsigned workers, bool callback_started)
{
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->work);
	pthread_cond_broadcast(&p->finished);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < workers; i++)
		pthread_join(p->workers[i].thread, NULL);
	if (callback_started)
		pthread_join(p->callback_thread, NULL);
}

static void free_pool(pool_t *p)
{
	pthread_cond_destroy(&p->finished);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
	free(p->workers);
	free(p);
}

/* Starts the callback thread and the workers; on a failure, stops what
 * started and returns the error. */
static int start_threads(pool_t *p)
{
	int err = pthread_create(&p->callback_thread, NULL, callback_main, p);
	if (err != 0) {
		stop_threads(p, 0, false);
		return err;
	}
	for (unsigned i = 0; i < p->nthreads; i++) {
		p->workers[i] = (struct worker){.pool = p, .index = (int)i};
		err = pthread_create(&p->workers[i].thread, NULL, worker_main, &p->workers[i]);
		if (err != 0) {
			stop_threads(p, i, true);
			return err;
		}
	}
	return 0;
}

pool_t *pool_create(unsigned nthreads)
{
	if (nthreads < 1 || nthreads > MAX_THREADS) {
		errno = EINVAL;
		return NULL;
	}
	pool_t *p = calloc(1, sizeof *p);
	struct worker *workers = calloc(nthreads, sizeof *workers);
	if (!p || !workers) {
		free(p);
		free(workers);
		errno = ENOMEM;
		return NULL;
	}
	p->nthreads = nthreads;
	p->workers = workers;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->finished, NULL);
	int err = start_threads(p);
	if (err != 0) {
		free_pool(p);
		errno = err;
		return NULL;
	}
	return p;
}

future_t *pool_submit(pool_t *p, pool_fn fn, void *arg, pool_callback done, void *cb_arg)
{
	if (!p || !fn) {
		errno = EINVAL;
		return NULL;
	}
	struct future *f = calloc(1, sizeof *f);
	if (!f) {
		errno = ENOMEM;
		return NULL;
	}
	*f = (struct future){
	    .pool = p, .fn = fn, .arg = arg, .callback = done, .cb_arg = cb_arg, .owners = 2};
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->became_done, NULL);
	pthread_mutex_lock(&p->lock);
	if (p->stopping && own_pool != p) {
		pthread_mutex_unlock(&p->lock);
		pthread_cond_destroy(&f->became_done);
		pthread_mutex_destroy(&f->lock);
		free(f);
		errno = ESHUTDOWN;
		return NULL;
	}
	f->older = p->live;
	if (p->live)
		p->live->newer = f;
	p->live = f;
	p->unfinished++;
	fifo_push(&p->tasks, f);
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	return f;
}

int future_wait(future_t *f, void **result)
{
	pthread_mutex_lock(&f->lock);
	while (!f->done)
		pthread_cond_wait(&f->became_done, &f->lock);
	int status = f->status;
	f->seen = true;
	if (result)
		*result = f->result;
	pthread_mutex_unlock(&f->lock);
	return status;
}

bool future_timedwait(future_t *f, const struct timespec *abstime)
{
	pthread_mutex_lock(&f->lock);
	int err = 0;
	while (!f->done && err != ETIMEDOUT)
		err = pthread_cond_timedwait(&f->became_done, &f->lock, abstime);
	bool done = f->done;
	pthread_mutex_unlock(&f->lock);
	return done;
}

void future_release(future_t *f)
{
	let_go(f);
}

unsigned pool_shutdown(pool_t *p)
{
	stop_threads(p, p->nthreads, true);
	/* Every thread is joined: what is left are futures never released. */
	for (struct future *f = p->live, *older; f; f = older) {
		older = f->older;
		destroy_future(p, f);
	}
	unsigned unseen = p->unseen_failures;
	free_pool(p);
	return unseen;
}
