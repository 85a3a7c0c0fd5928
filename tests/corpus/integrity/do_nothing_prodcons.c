/* expect: exercise=prodcons score=at-most-tenth functional=failed */
/* Does nothing and returns at once: it must earn at most a tenth of prodcons's
 * points (the build's), whatever the sanitizers and rules find in it. */
#include "prodcons.h"
int bq_init(bqueue_t *q, size_t capacity)
{
	(void)q;
	(void)capacity;
	return 0;
}
void bq_destroy(bqueue_t *q)
{
	(void)q;
}
bool bq_put(bqueue_t *q, void *item)
{
	(void)q;
	(void)item;
	return true;
}
bool bq_get(bqueue_t *q, void **item)
{
	(void)q;
	(void)item;
	return false;
}
void bq_close(bqueue_t *q)
{
	(void)q;
}
size_t bq_size(bqueue_t *q)
{
	(void)q;
	return 0;
}
