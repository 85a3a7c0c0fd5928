/* expect: exercise=deadlock score=at-most-tenth functional=failed */
/* Does nothing and returns at once: it must earn at most a tenth of deadlock's
 * points (the build's), whatever the sanitizers and rules find in it. */
#include "deadlock.h"
void account_init(account_t *a, unsigned id, long balance)
{
	a->id = id;
	a->balance = balance;
	pthread_mutex_init(&a->lock, NULL);
}
void account_destroy(account_t *a)
{
	(void)a;
}
bool transfer(account_t *from, account_t *to, long amount)
{
	(void)from;
	(void)to;
	(void)amount;
	return false;
}
long audit(account_t *const accounts[], size_t n)
{
	(void)accounts;
	(void)n;
	return 0;
}
