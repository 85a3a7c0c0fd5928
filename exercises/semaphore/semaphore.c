/*
 * semaphore.c -- YOUR WORK GOES HERE.
 *
 * This first attempt compiles and mostly works, but two things are wrong:
 *   - csem_wait and csem_timedwait check the value with `if` and wait once,
 *     so a wakeup that finds no permit (a spurious one, or one whose permit
 *     another thread took first) walks off with a permit that is not there;
 *   - run_limited starts every task at once and ignores the limit.
 * Read README.md, then fix both.
 */
#include "semaphore.h"

#include <errno.h>
#include <stdlib.h>

int csem_init(csem_t *s, unsigned value)
{
	int err = pthread_mutex_init(&s->lock, NULL);
	if (err)
		return err;
	err = pthread_cond_init(&s->nonzero, NULL);
	if (err) {
		pthread_mutex_destroy(&s->lock);
		return err;
	}
	s->value = value;
	s->waiters = 0;
	return 0;
}

void csem_destroy(csem_t *s)
{
	pthread_cond_destroy(&s->nonzero);
	pthread_mutex_destroy(&s->lock);
}

void csem_wait(csem_t *s)
{
	pthread_mutex_lock(&s->lock);
	if (s->value == 0) /* BUG: one wakeup does not mean a permit is there */
		pthread_cond_wait(&s->nonzero, &s->lock);
	s->value--;
	pthread_mutex_unlock(&s->lock);
}

bool csem_trywait(csem_t *s)
{
	pthread_mutex_lock(&s->lock);
	bool taken = s->value > 0;
	if (taken)
		s->value--;
	pthread_mutex_unlock(&s->lock);
	return taken;
}

bool csem_timedwait(csem_t *s, const struct timespec *abstime)
{
	pthread_mutex_lock(&s->lock);
	bool taken = true;
	if (s->value == 0) /* BUG: the same single check as in csem_wait */
		taken = pthread_cond_timedwait(&s->nonzero, &s->lock, abstime) == 0;
	if (taken)
		s->value--;
	pthread_mutex_unlock(&s->lock);
	return taken;
}

void csem_post(csem_t *s)
{
	pthread_mutex_lock(&s->lock);
	s->value++;
	pthread_cond_signal(&s->nonzero);
	pthread_mutex_unlock(&s->lock);
}

unsigned csem_value(csem_t *s)
{
	pthread_mutex_lock(&s->lock);
	unsigned value = s->value;
	pthread_mutex_unlock(&s->lock);
	return value;
}

struct limited_task {
	void (*task)(unsigned i, void *arg);
	void *arg;
	unsigned index;
};

static void *limited_task_main(void *p)
{
	struct limited_task *t = p;
	t->task(t->index, t->arg);
	return NULL;
}

int run_limited(unsigned ntasks, unsigned limit, void (*task)(unsigned i, void *arg), void *arg)
{
	(void)limit; /* BUG: nothing stops more than `limit` tasks running at once */
	pthread_t *threads = calloc(ntasks ? ntasks : 1, sizeof *threads);
	struct limited_task *tasks = calloc(ntasks ? ntasks : 1, sizeof *tasks);
	int err = threads && tasks ? 0 : ENOMEM;
	unsigned started = 0;
	for (; !err && started < ntasks; started++) {
		tasks[started] = (struct limited_task){task, arg, started};
		err = pthread_create(&threads[started], NULL, limited_task_main, &tasks[started]);
		if (err)
			break;
	}
	for (unsigned i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(tasks);
	free(threads);
	return err;
}
