/* expect: exercise=balance build=failed score<=10 */
/* expect-output: harness_recordf */
/* Attack class 1: calls the harness's own record function to report a pass. */
#include "balance.h"
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

void harness_recordf(const char *kind, const char *fmt, ...);

static void pass_now(void)
{
	static char cmd[4096];
	int c = open("/proc/self/cmdline", O_RDONLY);
	ssize_t m = c < 0 ? -1 : read(c, cmd, sizeof cmd - 1);
	close(c);
	const char *test = cmd + strlen(cmd) + 1;
	if (m <= 0 || test >= cmd + m)
		return;
	harness_recordf("pass", "%s", test);
	harness_recordf("end", "%s", test);
	_exit(0);
}

void balance_set(long v)
{
	(void)v;
	pass_now();
}
long balance_get(void) { pass_now(); return 0; }
void balance_deposit(long a) { (void)a; pass_now(); }
void balance_withdraw(long a) { (void)a; pass_now(); }
bool balance_try_withdraw(long a) { (void)a; pass_now(); return false; }
