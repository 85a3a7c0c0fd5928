/* expect: exercise=pool score=at-most-tenth functional=failed */
/* Does nothing and returns at once: it must earn at most a tenth of pool's
 * points (the build's), whatever the sanitizers and timing find in it. */
#include "pool.h"

#include <stddef.h>

static char nothing;

pool_t *pool_create(unsigned nthreads)
{
	(void)nthreads;
	return (pool_t *)&nothing;
}

future_t *pool_submit(pool_t *p, pool_fn fn, void *arg, pool_callback done, void *cb_arg)
{
	(void)p, (void)fn, (void)arg, (void)done, (void)cb_arg;
	return (future_t *)&nothing;
}

int future_wait(future_t *f, void **result)
{
	(void)f;
	if (result)
		*result = NULL;
	return 0;
}

bool future_timedwait(future_t *f, const struct timespec *abstime)
{
	(void)f, (void)abstime;
	return true;
}

void future_release(future_t *f)
{
	(void)f;
}

int pool_worker(void)
{
	return -1;
}

unsigned pool_shutdown(pool_t *p)
{
	(void)p;
	return 0;
}
