/* expect: exercise=balance calls=any build=passed functional=failed score<=10 */
/* expect-output: exec refused: Operation not permitted */
/* Attack classes 1 and 4 at run time: with the allow list lifted
 * (calls=any), the call reaches the kernel.  It would run a shell to read
 * the grader's environment and forge records; the harness's seccomp filter
 * refuses every exec.  Does no work besides. */
#include "balance.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long balance;

void balance_set(long value)
{
	char *argv[] = {"sh", "-c", "cat /proc/$PPID/environ >&2", NULL};
	execve("/bin/sh", argv, NULL);
	fprintf(stderr, "exec refused: %s\n", strerror(errno));
	abort();
	balance = value;
}

long balance_get(void) { return balance; }
void balance_deposit(long amount) { (void)amount; }
void balance_withdraw(long amount) { (void)amount; }
bool balance_try_withdraw(long amount) { return amount == 0; }
