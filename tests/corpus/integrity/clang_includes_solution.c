/* expect: exercise=balance build=failed score<=10 */
/* expect-output: solutions/balance/balance.c */
/* Attack class 2: the reference solution only in the ThreadSanitizer build
 * (clang), which was never checked for what it includes. */
#include "balance.h"
#ifdef __clang__
#include "/proc/self/cwd/solutions/balance/balance.c"
#else
static long b;
void balance_set(long v) { b = v; }
long balance_get(void) { return b; }
void balance_deposit(long a) { b += a; }
void balance_withdraw(long a) { b -= a; }
bool balance_try_withdraw(long a)
{
	if (b < a)
		return false;
	b -= a;
	return true;
}
#endif
