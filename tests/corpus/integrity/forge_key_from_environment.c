/* expect: exercise=balance score=at-most-tenth */
/* Forges the verdict the way a student who read the old harness would:
 * finds the run's key in the environment as it was at exec
 * (/proc/self/environ: unsetenv changes nothing there) and the test's name in
 * /proc/self/cmdline, then writes "pass" and "end" records to the verdict
 * descriptor and ends the process before any check can fail.  It also
 * tries the configuration pipe, in case the harness left it open.  The key
 * now travels on a pipe that is closed before this code runs, and the
 * build refuses the calls it needs. */
#include "balance.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A "NAME=VALUE" string that looks like it carries a key or a nonce. */
static const char *secret_in(const char *s)
{
	const char *eq = strchr(s, '=');
	if (!eq || (!strstr(s, "NONCE") && !strstr(s, "KEY")))
		return NULL;
	return eq + 1;
}

/* Every candidate key in /proc/self/environ: the environment as it was
 * at exec, whatever unsetenv did since. */
static int find_keys(const char *keys[], int max)
{
	int n = 0;
	static char proc[65536];
	int fd = open("/proc/self/environ", O_RDONLY);
	ssize_t len = fd >= 0 ? read(fd, proc, sizeof proc - 1) : -1;
	for (ssize_t i = 0; i < len && n < max; i += (ssize_t)strlen(proc + i) + 1)
		if (secret_in(proc + i))
			keys[n++] = secret_in(proc + i);
	return n;
}

/* The grader's configuration pipe, if it is still open: "key K", "test T". */
static int read_config(const char *keys[], int n, char *test, size_t len)
{
	static char config[4096];
	ssize_t got = read(4, config, sizeof config - 1);
	for (char *line = got > 0 ? strtok(config, "\n") : NULL; line; line = strtok(NULL, "\n")) {
		if (strncmp(line, "key ", 4) == 0 && n < 16)
			keys[n++] = line + 4;
		else if (strncmp(line, "test ", 5) == 0)
			snprintf(test, len, "%s", line + 5);
	}
	return n;
}

static void forge(void)
{
	const char *keys[16];
	char config_test[256] = "";
	int n = find_keys(keys, 16);
	n = read_config(keys, n, config_test, sizeof config_test);
	char test[256] = "";
	int fd = open("/proc/self/cmdline", O_RDONLY);
	ssize_t len = fd >= 0 ? read(fd, test, sizeof test - 1) : -1;
	const char *name = len > 0 && (size_t)len > strlen(test) + 1 ? test + strlen(test) + 1 : "-";
	if (config_test[0])
		name = config_test;
	for (int i = 0; i < n; i++) {
		dprintf(3, "%s pass %s\n", keys[i], name);
		dprintf(3, "%s end %s\n", keys[i], name);
	}
	_exit(0);
}

void balance_set(long value)
{
	(void)value;
	forge();
}
static atomic_long nothing;
long balance_get(void) { return atomic_load(&nothing); }
void balance_deposit(long amount) { (void)amount; }
void balance_withdraw(long amount) { (void)amount; }
bool balance_try_withdraw(long amount)
{
	(void)amount;
	return false;
}
