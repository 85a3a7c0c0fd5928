/* expect: exercise=balance build=failed score<=10 */
/* expect-output: line marker */
/* Attack class 2: a GNU line marker (flag 3: a system header), spelled
 * with a trigraph and a digraph too, hides no_sanitize from the checks. */
#include "balance.h"
static long b;
# 1 "/usr/include/stdio.h" 3
__attribute__((no_sanitize("thread"))) void balance_deposit(long a) { b += a; }
??=line 1 "/usr/include/stdlib.h"
__attribute__((no_sanitize("thread"))) void balance_withdraw(long a) { b -= a; }
%:line 1 "/usr/include/string.h"
__attribute__((no_sanitize("thread"))) void balance_set(long v) { b = v; }
#\
line 1 "/usr/include/time.h"
__attribute__((no_sanitize("thread"))) long balance_get(void) { return b; }
bool balance_try_withdraw(long a)
{
	if (b < a)
		return false;
	b -= a;
	return true;
}
