/* expect: exercise=balance calls=any build=passed functional=failed score<=10 */
/* expect-output: /tmp refused: Permission denied */
/* expect-output: grader's folder refused: */
/* Attack class 5 at run time: plants a file in /tmp that outlives the run
 * (state for the next grading), and reads the reference solution through
 * the grader's working folder (the project root).  Landlock lets a run
 * write only its run folder and read only the system and its binaries.
 * Does no work besides. */
#include "balance.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long balance;

void balance_set(long value)
{
	FILE *planted = fopen("/tmp/integrity-runtime-planted", "w");
	if (!planted)
		fprintf(stderr, "/tmp refused: %s\n", strerror(errno));
	char path[128];
	snprintf(path, sizeof path, "/proc/%d/cwd/solutions/balance/balance.c", (int)getppid());
	FILE *reference = fopen(path, "r");
	if (!reference)
		fprintf(stderr, "grader's folder refused: %s\n", strerror(errno));
	abort();
	balance = value;
}

long balance_get(void) { return balance; }
void balance_deposit(long amount) { (void)amount; }
void balance_withdraw(long amount) { (void)amount; }
bool balance_try_withdraw(long amount) { return amount == 0; }
