/* expect: exercise=balance build=failed score<=10 */
/* expect-output: line marker */
/* Attack class 2: #line makes the next lines look like a system header's,
 * where asm and no_sanitize were not looked for. */
#include "balance.h"
static long b;
#line 1 "/usr/include/stdio.h"
__attribute__((no_sanitize("thread"))) void balance_deposit(long a) { b += a; }
__attribute__((no_sanitize("thread"))) void balance_withdraw(long a) { b -= a; }
void balance_set(long v) { b = v; }
long balance_get(void) { return b; }
bool balance_try_withdraw(long a)
{
	if (b < a)
		return false;
	b -= a;
	return true;
}
