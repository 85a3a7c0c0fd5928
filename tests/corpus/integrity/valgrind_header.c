/* expect: exercise=balance build=failed score<=10 */
/* expect-output: valgrind */
/* Attack class 3: Valgrind's own header answers "am I being watched?". */
#include "balance.h"
#include <valgrind/valgrind.h>

static long b;
void balance_set(long v) { b = v; }
long balance_get(void) { return b; }
void balance_deposit(long a) { if (!RUNNING_ON_VALGRIND) b += a; }
void balance_withdraw(long a) { if (!RUNNING_ON_VALGRIND) b -= a; }
bool balance_try_withdraw(long a)
{
	if (b < a)
		return false;
	b -= a;
	return true;
}
