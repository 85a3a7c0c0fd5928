/* expect: exercise=balance build=failed score<=10 */
/* expect-output: harness_info */
/* Attack class 1: adds its own evidence through harness_info and asks the
 * test framework (srunner_*) how the run is going. */
#include "balance.h"
#include <check.h>

void harness_info(const char *fmt, ...);
void harness_fail_at(const char *file, int line, const char *fmt, ...);

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

long balance_peek(SRunner *r)
{
	harness_info("all tests passed");
	if (!r)
		harness_fail_at("nowhere", 1, "never");
	return srunner_ntests_run(r);
}
