/* expect: build=failed score=under-half */
/* expect-output: error */
#include "balance.h"

#include <stdatomic.h>

static atomic_long balance;

void balance_set(long value) { atomic_store(&balance, value) }
long balance_get(void) { return atomic_load(&balance); }
void balance_deposit(long amount) { atomic_fetch_add(&balance, amount); }
void balance_withdraw(long amount) { atomic_fetch_sub(&balance, amount); }
bool balance_try_withdraw(long amount) { return amount < 0; }
