/* expect: exercise=semaphore score=at-most-tenth functional=failed */
/* Does nothing and returns at once: it must earn at most a tenth of semaphore's
 * points (the build's), whatever the sanitizers and rules find in it. */
#include "semaphore.h"
int csem_init(csem_t *s, unsigned value)
{
	(void)s;
	(void)value;
	return 0;
}
void csem_destroy(csem_t *s)
{
	(void)s;
}
void csem_wait(csem_t *s)
{
	(void)s;
}
bool csem_trywait(csem_t *s)
{
	(void)s;
	return false;
}
bool csem_timedwait(csem_t *s, const struct timespec *abstime)
{
	(void)s;
	(void)abstime;
	return false;
}
void csem_post(csem_t *s)
{
	(void)s;
}
unsigned csem_value(csem_t *s)
{
	(void)s;
	return 0;
}
int run_limited(unsigned ntasks, unsigned limit, void (*task)(unsigned i, void *arg), void *arg)
{
	(void)ntasks;
	(void)limit;
	(void)task;
	(void)arg;
	return 0;
}
