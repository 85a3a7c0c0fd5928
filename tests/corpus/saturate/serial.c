/* expect: functional=passed timing=failed tsan=passed helgrind=passed score=under-half */
/* expect-output: pthread_create 0 times */
/*
 * serial.c -- counts correctly on the calling thread and never creates a
 * thread: every timing check must fail, everything else pass.
 */
#include "saturate.h"

#include <stdbool.h>

static bool is_prime(long n)
{
	if (n < 2)
		return false;
	if (n % 2 == 0)
		return n == 2;
	for (long d = 3; d * d <= n; d += 2)
		if (n % d == 0)
			return false;
	return true;
}

long count_primes(long lo, long hi, int nthreads)
{
	(void)nthreads;
	long count = 0;
	for (long n = lo; n < hi; n++)
		count += is_prime(n);
	return count;
}
