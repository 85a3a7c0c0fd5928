/* expect: exercise=balance build=failed score<=10 */
/* expect-output: no_sanitize */
/* Attack class 2: the file includes itself under another spelling of its
 * path, so the second copy's lines are marked as another file's and were
 * not checked; that copy switches ThreadSanitizer off. */
#ifndef SECOND_PASS
#define SECOND_PASS
#include "./balance.c"
#else
#include "balance.h"
static long b;
__attribute__((no_sanitize("thread"))) void balance_set(long v) { b = v; }
__attribute__((no_sanitize("thread"))) long balance_get(void) { return b; }
__attribute__((no_sanitize("thread"))) void balance_deposit(long a) { b += a; }
__attribute__((no_sanitize("thread"))) void balance_withdraw(long a) { b -= a; }
__attribute__((no_sanitize("thread"))) bool balance_try_withdraw(long a)
{
	if (b < a)
		return false;
	b -= a;
	return true;
}
#endif
