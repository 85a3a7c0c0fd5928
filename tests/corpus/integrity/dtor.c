/* expect: exercise=balance build=failed score<=10 */
/* expect-output: destructor */
/* Attack class 1: a destructor, run at exit, forges a verdict for a test that failed. */
#include "balance.h"
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

/* Reads the nonce and the verdict descriptor from the initial environment
 * and the test name from argv[1], then writes a passing verdict and quits. */
static void forge(void)
{
	static char env[65536], cmd[4096];
	int fd = open("/proc/self/environ", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, env, sizeof env - 1);
	close(fd);
	int c = open("/proc/self/cmdline", O_RDONLY);
	ssize_t m = c < 0 ? -1 : read(c, cmd, sizeof cmd - 1);
	close(c);
	if (n <= 0 || m <= 0)
		return;
	const char *nonce = NULL, *vfd = NULL;
	for (char *p = env; p < env + n; p += strlen(p) + 1) {
		if (strncmp(p, "HARNESS_NONCE=", 14) == 0)
			nonce = p + 14;
		if (strncmp(p, "HARNESS_VERDICT_FD=", 19) == 0)
			vfd = p + 19;
	}
	const char *test = cmd + strlen(cmd) + 1;
	if (!nonce || !vfd || test >= cmd + m || strncmp(test, "--", 2) == 0)
		return;
	char line[512];
	int len = snprintf(line, sizeof line, "%s pass %s\n%s end %s\n", nonce, test, nonce, test);
	if (write(atoi(vfd), line, (size_t)len) == len)
		_exit(0);
}

__attribute__((destructor)) static void after_main(void)
{
	forge();
}

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
