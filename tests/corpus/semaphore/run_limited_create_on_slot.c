/* expect: build=passed functional=failed tsan=passed timing=passed rules=passed */
/* expect-output: task threads had been created */
/*
 * run_limited_create_on_slot.c -- run_limited waits for a free slot before
 * it creates each thread.  Never more than `limit` run at once, and exactly
 * `limit` do, but the tasks are not all started at once, as the contract
 * says: the threads of the later tasks do not exist while the first run.
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
	int err = 0;
	while (s->value == 0 && err == 0)
		err = pthread_cond_timedwait(&s->nonzero, &s->lock, abstime);
	/* A post may land just as the deadline passes: take it if it is there. */
	bool taken = s->value > 0;
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

/* The slot was taken before this thread was created; it gives it back. */
static void *limited_task_main(void *p)
{
	struct limited_task *t = p;
	t->run->task(t->index, t->run->arg);
	csem_post(&t->run->slots);
	return NULL;
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
	for (; !err && started < ntasks; started++) {
		tasks[started] = (struct limited_task){&run, started};
		csem_wait(&run.slots);
		err = pthread_create(&threads[started], NULL, limited_task_main, &tasks[started]);
		if (err) {
			csem_post(&run.slots);
			break;
		}
	}
	for (unsigned i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(tasks);
	free(threads);
	csem_destroy(&run.slots);
	return err;
}
