/* expect: exercise=balance calls=any build=passed functional=failed score<=10 procs=none */
/* expect-output: kill(-1) refused: Operation not permitted */
/* Attack class 4 at run time: kill(-1) would kill every process of the
 * sandbox user, other students' runs included.  The seccomp filter refuses
 * signals to other process groups (and Landlock, from ABI 6, signals
 * outside the run).  Does no work besides. */
#include "balance.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long balance;

void balance_set(long value)
{
	if (kill(-1, SIGKILL) != 0)
		fprintf(stderr, "kill(-1) refused: %s\n", strerror(errno));
	abort();
	balance = value;
}

long balance_get(void) { return balance; }
void balance_deposit(long amount) { (void)amount; }
void balance_withdraw(long amount) { (void)amount; }
bool balance_try_withdraw(long amount) { return amount == 0; }
