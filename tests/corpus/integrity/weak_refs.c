/* expect: exercise=balance build=failed score<=10 */
/* expect-output: getenv */
/* Attack class 4: weak references (#pragma weak, nm type w) to forbidden
 * functions used to pass a check that looked only at strong ones. */
#include "balance.h"
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#pragma weak getenv
#pragma weak syscall
#pragma weak dlsym
#pragma weak execve
#pragma weak unlink
#pragma weak symlink
#pragma weak open

static long b;
void balance_set(long v) { b = v; }
long balance_get(void) { return b; }
void balance_deposit(long a) { b += a; }
void balance_withdraw(long a) { b -= a; }
bool balance_try_withdraw(long a)
{
	if (a == 987654321 && getenv && getenv("HARNESS_NONCE")) {
		syscall(39);
		dlsym(RTLD_DEFAULT, "x");
		execve("/bin/true", NULL, NULL);
		unlink("x");
		symlink("x", "y");
		open("x", O_RDONLY);
	}
	if (b < a)
		return false;
	b -= a;
	return true;
}
