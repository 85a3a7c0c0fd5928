/* expect: exercise=balance build=passed functional=passed rules=failed */
/* expect-output: mtx_lock */
/* Attack class 3: a C11 <threads.h> mutex is still a lock (one atomic
 * counter is there only to meet "uses <stdatomic.h>"). */
#include "balance.h"
#include <stdatomic.h>
#include <threads.h>

static atomic_long calls;

static mtx_t m;
static once_flag once = ONCE_FLAG_INIT;
static long b;
static void init(void) { mtx_init(&m, mtx_plain); }

void balance_set(long v) { call_once(&once, init); mtx_lock(&m); b = v; mtx_unlock(&m); }
long balance_get(void) { call_once(&once, init); mtx_lock(&m); long v = b; mtx_unlock(&m); return v; }
void balance_deposit(long a)
{
	atomic_fetch_add(&calls, 1);
	call_once(&once, init);
	mtx_lock(&m);
	b += a;
	mtx_unlock(&m);
}
void balance_withdraw(long a) { call_once(&once, init); mtx_lock(&m); b -= a; mtx_unlock(&m); }
bool balance_try_withdraw(long a)
{
	call_once(&once, init);
	mtx_lock(&m);
	bool ok = b >= a;
	if (ok)
		b -= a;
	mtx_unlock(&m);
	return ok;
}
