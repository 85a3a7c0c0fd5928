/* expect: exercise=balance build=failed score<=10 */
/* expect-output: snprintf */
/* Attack class 1: replaces snprintf, which the harness formats its records
 * with, and turns every "fail" record into a "pass" of the running test. */
#include "balance.h"
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int snprintf(char *s, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(s, n, fmt, ap);
	va_end(ap);
	char *fail = s ? strstr(s, " fail ") : NULL;
	if (fail && strcmp(fmt, "%s %s %s\n") == 0) {
		static char cmd[4096];
		int c = open("/proc/self/cmdline", O_RDONLY);
		ssize_t m = c < 0 ? -1 : read(c, cmd, sizeof cmd - 1);
		close(c);
		if (m > 0)
			r = (int)(fail - s) + sprintf(fail, " pass %s\n", cmd + strlen(cmd) + 1);
	}
	return r;
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
