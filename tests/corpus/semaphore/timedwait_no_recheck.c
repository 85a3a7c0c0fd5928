/* expect: build=passed functional=failed tsan=passed helgrind=passed timing=passed rules=passed */
/* expect-output: gave up without looking at the value again */
/*
 * timedwait_no_recheck.c -- csem_timedwait returns false as soon as its
 * wait reports ETIMEDOUT, without looking at the value again.  A post
 * signalled to it as the deadline passes is then neither taken nor passed
 * on: another waiter sleeps while a permit is free.
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
	while (s->value == 0)
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
	while (s->value == 0) {
		if (pthread_cond_timedwait(&s->nonzero, &s->lock, abstime) == ETIMEDOUT) {
			pthread_mutex_unlock(&s->lock);
			return false;
		}
	}
	s->value--;
	pthread_mutex_unlock(&s->lock);
	return true;
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

/* What every task thread of one run_limited call shares. */
struct limited_run {
	csem_t slots;
	void (*task)(unsigned i, void *arg);
	void *arg;
};

struct limited_task {
	struct limited_run *run;
	unsigned index;
};

static void *limited_task_main(void *p)
{
	struct limited_task *t = p;
	csem_wait(&t->run->slots);
	t->run->task(t->index, t->run->arg);
	csem_post(&t->run->slots);
	return NULL;
}

/* Starts every task thread; returns how many started and sets *err. */
static unsigned start_tasks(pthread_t *threads, struct limited_task *tasks, unsigned ntasks,
                            int *err)
{
	for (unsigned i = 0; i < ntasks; i++) {
		*err = pthread_create(&threads[i], NULL, limited_task_main, &tasks[i]);
		if (*err)
			return i;
	}
	return ntasks;
}

int run_limited(unsigned ntasks, unsigned limit, void (*task)(unsigned i, void *arg), void *arg)
{
	if (ntasks == 0)
		return 0;
	if (limit == 0)
		return EINVAL;
	struct limited_run run = {.task = task, .arg = arg};
	int err = csem_init(&run.slots, limit);
	if (err)
		return err;
	pthread_t *threads = calloc(ntasks, sizeof *threads);
	struct limited_task *tasks = calloc(ntasks, sizeof *tasks);
	err = threads && tasks ? 0 : ENOMEM;
	unsigned started = 0;
	if (!err) {
		for (unsigned i = 0; i < ntasks; i++)
			tasks[i] = (struct limited_task){&run, i};
		started = start_tasks(threads, tasks, ntasks, &err);
	}
	for (unsigned i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(tasks);
	free(threads);
	csem_destroy(&run.slots);
	return err;
}
