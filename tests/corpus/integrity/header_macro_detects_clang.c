/* expect: exercise=balance build=failed score<=10 */
/* expect-output: HUGE_VAL_F128 */
/* Attack class 2 and 3: no reserved name at all. <math.h> defines
 * HUGE_VAL_F128 for gcc only, so the code is atomic only in the clang build
 * that ThreadSanitizer and the lock-free rule watch. */
#include "balance.h"
#include <math.h>
#include <stdatomic.h>

#ifndef HUGE_VAL_F128
static atomic_long b;
void balance_set(long v) { atomic_store(&b, v); }
long balance_get(void) { return atomic_load(&b); }
void balance_deposit(long a) { atomic_fetch_add(&b, a); }
void balance_withdraw(long a) { atomic_fetch_sub(&b, a); }
#else
static long b;
void balance_set(long v) { b = v; }
long balance_get(void) { return b; }
void balance_deposit(long a) { b += a; }
void balance_withdraw(long a) { b -= a; }
#endif
bool balance_try_withdraw(long a)
{
	if (balance_get() < a)
		return false;
	balance_withdraw(a);
	return true;
}
