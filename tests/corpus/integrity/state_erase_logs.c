/* expect: exercise=balance calls=any tsan=failed helgrind=failed procs=none tree=unchanged */
/* Attack class 5: the lesson's racy balance, which removes the logs
 * ThreadSanitizer and Helgrind wrote into its run folder (it owns that
 * folder) before the grader reads them.  The tools' exit statuses still say
 * they found errors, and count. */
#include "balance.h"

#include <dirent.h>
#include <string.h>
#include <unistd.h>

static long balance;

static void erase_logs(void)
{
	DIR *d = opendir(".");
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL)
		if (strncmp(e->d_name, "tsan.", 5) == 0 || strncmp(e->d_name, "helg", 4) == 0)
			unlink(e->d_name);
	if (d)
		closedir(d);
}
void balance_set(long value) { balance = value; }
long balance_get(void) { erase_logs(); return balance; }
void balance_deposit(long amount) { balance = balance + amount; }
void balance_withdraw(long amount) { balance = balance - amount; }
bool balance_try_withdraw(long amount)
{
	if (balance < amount)
		return false;
	balance -= amount;
	return true;
}
