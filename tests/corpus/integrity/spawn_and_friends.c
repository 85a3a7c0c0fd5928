/* expect: exercise=balance build=failed score<=10 */
/* expect-output: posix_spawn */
/* Attack class 4: calls the old deny list forgot (never reached here). */
#include "balance.h"
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static long b;
void balance_set(long v) { b = v; }
long balance_get(void) { return b; }
void balance_deposit(long a) { b += a; }
void balance_withdraw(long a) { b -= a; }
bool balance_try_withdraw(long a)
{
	if (a == 987654321) {
		pid_t pid;
		char *argv[] = {"true", NULL};
		posix_spawn(&pid, "/bin/true", NULL, NULL, argv, argv + 1);
		fexecve(0, argv, argv + 1);
		mkfifo("log", 0600);
		struct iovec v = {&b, sizeof b};
		process_vm_writev(1, &v, 1, &v, 1, 0);
		kill(-1, SIGKILL);
	}
	if (b < a)
		return false;
	b -= a;
	return true;
}
