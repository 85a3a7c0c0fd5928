/* expect: exercise=zombie score=at-most-tenth functional=failed */
/* Does nothing and returns at once: it must earn at most a tenth of zombie's
 * points (the build's), whatever the sanitizers and rules find in it. */
#include "zombie.h"
int run_children(int njobs, int (*job)(int i), int statuses[])
{
	(void)njobs;
	(void)job;
	(void)statuses;
	return 0;
}
int reaper_install(void)
{
	return 0;
}
int reaper_remove(void)
{
	return 0;
}
long reaper_reaped(void)
{
	return 0;
}
