/* expect: exercise=balance build=failed score<=10 */
/* expect-output: defines unsetenv */
/* Attack class 1: defines C library functions the harness calls (unsetenv
 * keeps the nonce in the environment; the others could rewrite what the
 * harness parses, measures or writes). */
#include "balance.h"
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int unsetenv(const char *name) { return name ? 0 : -1; }
int atoi(const char *s) { return s ? 3 : 0; }
unsigned long long strtoull(const char *s, char **end, int base) { (void)end; (void)base; return s ? 1 : 0; }
int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set) { (void)pid; (void)size; (void)set; return 0; }
time_t time(time_t *t) { return t ? *t : 0; }
ssize_t write(int fd, const void *buf, size_t n) { (void)fd; (void)buf; return (ssize_t)n; }

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
