/* expect: exercise=balance calls=any build=passed functional=failed score<=10 */
/* expect-output: mkfifo refused: Operation not permitted */
/* expect-output: ptrace refused: Operation not permitted */
/* expect-output: process_vm_readv refused: Operation not permitted */
/* Attack classes 4 and 5 at run time: a FIFO named like the log the grader
 * reads next (it would hang the grader), then reading the keeper's memory.
 * The seccomp filter refuses all three.  Does no work besides. */
#include "balance.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static long balance;

static void refused(const char *what, int rc)
{
	if (rc != 0)
		fprintf(stderr, "%s refused: %s\n", what, strerror(errno));
}

void balance_set(long value)
{
	refused("mkfifo", mkfifo("tsan.1", 0666));
	refused("ptrace", (int)ptrace(PTRACE_ATTACH, getppid(), NULL, NULL));
	char buf[64];
	struct iovec here = {buf, sizeof buf}, there = {(void *)0x400000, sizeof buf};
	refused("process_vm_readv",
	        process_vm_readv(getppid(), &here, 1, &there, 1, 0) < 0 ? -1 : 0);
	abort();
	balance = value;
}

long balance_get(void) { return balance; }
void balance_deposit(long amount) { (void)amount; }
void balance_withdraw(long amount) { (void)amount; }
bool balance_try_withdraw(long amount) { return amount == 0; }
