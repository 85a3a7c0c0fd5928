/* expect: exercise=balance build=failed score<=10 */
/* expect-output: fopen */
/* Attack class 3: looks for Valgrind's preloaded library in its own memory
 * map, and behaves only when Helgrind watches. */
#include "balance.h"
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static int watched = -1;
static atomic_long safe;
static long b;

static bool under_valgrind(void)
{
	if (watched < 0) {
		char line[512];
		FILE *f = fopen("/proc/self/maps", "r");
		watched = 0;
		while (f && fgets(line, sizeof line, f) != NULL && !watched)
			watched = strstr(line, "vgpreload") != NULL;
		if (f)
			fclose(f);
	}
	return watched;
}

void balance_set(long v) { if (under_valgrind()) atomic_store(&safe, v); else b = v; }
long balance_get(void) { return under_valgrind() ? atomic_load(&safe) : b; }
void balance_deposit(long a) { if (under_valgrind()) atomic_fetch_add(&safe, a); else b += a; }
void balance_withdraw(long a) { if (under_valgrind()) atomic_fetch_sub(&safe, a); else b -= a; }
bool balance_try_withdraw(long a)
{
	if (b < a)
		return false;
	b -= a;
	return true;
}
