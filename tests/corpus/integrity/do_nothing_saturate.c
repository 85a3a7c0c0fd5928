/* expect: exercise=saturate score=at-most-tenth functional=failed */
/* Does nothing and returns at once: it must earn at most a tenth of saturate's
 * points (the build's), whatever the sanitizers and rules find in it. */
#include "saturate.h"
long count_primes(long lo, long hi, int nthreads)
{
	(void)lo;
	(void)hi;
	(void)nthreads;
	return 0;
}
