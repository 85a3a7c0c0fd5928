/* expect: exercise=balance build=failed score<=10 */
/* expect-output: __tsan_init */
/* Attack class 3: a weak reference to __tsan_init says whether
 * ThreadSanitizer is watching; only then is the code atomic. */
#include "balance.h"
#include <stdatomic.h>

extern void __tsan_init(void) __attribute__((weak));
static atomic_long safe;
static long b;

void balance_set(long v) { if (&__tsan_init) atomic_store(&safe, v); else b = v; }
long balance_get(void) { return &__tsan_init ? atomic_load(&safe) : b; }
void balance_deposit(long a) { if (&__tsan_init) atomic_fetch_add(&safe, a); else b += a; }
void balance_withdraw(long a) { if (&__tsan_init) atomic_fetch_sub(&safe, a); else b -= a; }
bool balance_try_withdraw(long a)
{
	if (&__tsan_init) {
		long seen = atomic_load(&safe);
		while (seen >= a)
			if (atomic_compare_exchange_weak(&safe, &seen, seen - a))
				return true;
		return false;
	}
	if (b < a)
		return false;
	b -= a;
	return true;
}
