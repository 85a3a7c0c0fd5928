/* expect: exercise=balance build=failed score<=10 */
/* expect-output: __clang__ */
/* Attack class 2: a mutex in the gcc builds, atomics only in the clang
 * build that the lock-free rule used to look at. */
#include "balance.h"
#ifdef __clang__
#include <stdatomic.h>
static atomic_long b;
void balance_set(long v) { atomic_store(&b, v); }
long balance_get(void) { return atomic_load(&b); }
void balance_deposit(long a) { atomic_fetch_add(&b, a); }
void balance_withdraw(long a) { atomic_fetch_sub(&b, a); }
bool balance_try_withdraw(long a)
{
	long seen = atomic_load(&b);
	while (seen >= a)
		if (atomic_compare_exchange_weak(&b, &seen, seen - a))
			return true;
	return false;
}
#else
#include <pthread.h>
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long b;
void balance_set(long v) { pthread_mutex_lock(&m); b = v; pthread_mutex_unlock(&m); }
long balance_get(void) { pthread_mutex_lock(&m); long v = b; pthread_mutex_unlock(&m); return v; }
void balance_deposit(long a) { pthread_mutex_lock(&m); b += a; pthread_mutex_unlock(&m); }
void balance_withdraw(long a) { pthread_mutex_lock(&m); b -= a; pthread_mutex_unlock(&m); }
bool balance_try_withdraw(long a)
{
	pthread_mutex_lock(&m);
	bool ok = b >= a;
	if (ok)
		b -= a;
	pthread_mutex_unlock(&m);
	return ok;
}
#endif
