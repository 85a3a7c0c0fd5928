/* expect: exercise=balance build=passed functional=passed rules=failed */
/* expect-output: atomic_flag */
/* Attack class 3: a spinlock made of atomic_flag guards a plain long; it
 * compiles to no lock call at all. */
#include "balance.h"
#include <stdatomic.h>

static atomic_flag busy = ATOMIC_FLAG_INIT;
static long b;
static void lock(void) { while (atomic_flag_test_and_set(&busy)) ; }
static void unlock(void) { atomic_flag_clear(&busy); }

void balance_set(long v) { lock(); b = v; unlock(); }
long balance_get(void) { lock(); long v = b; unlock(); return v; }
void balance_deposit(long a) { lock(); b += a; unlock(); }
void balance_withdraw(long a) { lock(); b -= a; unlock(); }
bool balance_try_withdraw(long a)
{
	lock();
	bool ok = b >= a;
	if (ok)
		b -= a;
	unlock();
	return ok;
}
