/* expect: exercise=balance calls=any tsan=failed helgrind=failed procs=none tree=unchanged */
/* Attack class 5: the lesson's racy balance, which leaves traps named like
 * the tools' logs in its run folder: FIFOs (opening one hung the root
 * grader) and links to /etc/shadow (the root grader printed it).  Logs are
 * now opened with O_NOFOLLOW|O_NONBLOCK and read only if they are regular
 * files of the run's user, and the folder is removed after the run. */
#include "balance.h"

#include <sys/stat.h>
#include <unistd.h>

static long balance;

static void lay_traps(void)
{
	mkfifo("tsan.1", 0644);
	mkfifo("helgrind.1", 0644);
	symlink("/etc/shadow", "tsan.2");
	symlink("/etc/shadow", "helgrind.2");
	symlink("/etc", "helgrind.3");
}

void balance_set(long value)
{
	static int laid;
	if (!laid++)
		lay_traps();
	balance = value;
}

long balance_get(void) { return balance; }
void balance_deposit(long amount) { balance = balance + amount; }
void balance_withdraw(long amount) { balance = balance - amount; }

bool balance_try_withdraw(long amount)
{
	if (balance < amount)
		return false;
	balance -= amount;
	return true;
}
