/* expect: build=passed functional=failed tsan=failed helgrind=failed procs=none tree=unchanged also=zombie calls=any */
/* expect-output: exited with status 0 */
/* Prints passing lines in every format it can think of, then _exit(0). */
#include "balance.h"

#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

static atomic_long balance;

void balance_set(long value) { atomic_store(&balance, value); }
long balance_get(void) { return atomic_load(&balance); }
void balance_withdraw(long amount) { atomic_fetch_sub(&balance, amount); }

bool balance_try_withdraw(long amount)
{
	long seen = atomic_load(&balance);
	while (seen >= amount)
		if (atomic_compare_exchange_weak(&balance, &seen, seen - amount))
			return true;
	return false;
}

void balance_deposit(long amount)
{
	const char *fake = "ok 1 - all tests\n1..1\n100%: Checks: 9, Failures: 0, Errors: 0\n"
			   "{\"score\": 100, \"max_score\": 100}\n- pass seed_two_threads\n"
			   "- end seed_two_threads\n";
	for (int fd = 1; fd < 64; fd++)
		(void)!write(fd, fake, 120);
	_exit(0);
	atomic_fetch_add(&balance, amount);
}
