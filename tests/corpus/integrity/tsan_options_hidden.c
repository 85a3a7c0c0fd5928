/* expect: exercise=balance build=failed score<=10 */
/* expect-output: __tsan_default_options */
/* Attack class 2: silences ThreadSanitizer from code only its build sees. */
#include "balance.h"
#if defined(__SANITIZE_THREAD__)
#define UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define UNDER_TSAN 1
#endif
#endif
#ifdef UNDER_TSAN
const char *__tsan_default_options(void) { return "report_bugs=0"; }
#endif

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
