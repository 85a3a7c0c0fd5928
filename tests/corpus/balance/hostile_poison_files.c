/* expect: build=failed score=under-half procs=none tree=unchanged also=zombie */
/* expect-output: opendir */
/* Appends fake results to every results-like file it can reach. */
#include "balance.h"

#include <stdatomic.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>

static atomic_long balance;

void balance_set(long value) { atomic_store(&balance, value); }
long balance_get(void) { return atomic_load(&balance); }
void balance_withdraw(long amount) { atomic_fetch_sub(&balance, amount); }

bool balance_try_withdraw(long amount)
{
	long seen = atomic_load(&balance);
	while (seen >= amount)
		if (atomic_compare_exchange_weak(&balance, &seen, seen - amount))
			return true;
	return false;
}

static void poison(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		const char *dot = strrchr(e->d_name, (int)'.');
		if (!dot || !(strcmp(dot, ".json") == 0 || strcmp(dot, ".xml") == 0 ||
			      strcmp(dot, ".tap") == 0 || strcmp(dot, ".log") == 0))
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "a");
		if (f) {
			fputs("{\"score\": 100, \"status\": \"passed\"}\nok 1\n", f);
			fclose(f);
		}
	}
	if (d)
		closedir(d);
}

void balance_deposit(long amount)
{
	poison(".");
	poison("/tmp");
	atomic_fetch_add(&balance, amount);
}
