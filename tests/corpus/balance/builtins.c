/* expect: score=full */
/* A correct alternative: the compiler's __atomic builtins on a plain long. */
#include "balance.h"

static long balance;

void balance_set(long value) { __atomic_store_n(&balance, value, __ATOMIC_SEQ_CST); }
long balance_get(void) { return __atomic_load_n(&balance, __ATOMIC_SEQ_CST); }
void balance_deposit(long amount) { __atomic_fetch_add(&balance, amount, __ATOMIC_SEQ_CST); }
void balance_withdraw(long amount) { __atomic_fetch_sub(&balance, amount, __ATOMIC_SEQ_CST); }

bool balance_try_withdraw(long amount)
{
	long seen = __atomic_load_n(&balance, __ATOMIC_RELAXED);
	while (seen >= amount)
		if (__atomic_compare_exchange_n(&balance, &seen, seen - amount, true,
						__ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			return true;
	return false;
}
