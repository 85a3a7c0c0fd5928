/* expect: functional=passed timing=failed tsan=passed helgrind=passed */
/* expect-output: never ran all at once */
/*
 * join_right_after_create.c -- creates nthreads threads but joins each one
 * before creating the next, so they run one after another: as slow as one
 * thread.  The work is dealt out evenly (interleaved), so only the checks
 * that threads overlap and that they speed the count up can catch it.
 */
#include "saturate.h"

#include <pthread.h>
#include <stdbool.h>

struct slice {
	long first, hi, step, count;
};

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

static void *count_slice(void *arg)
{
	struct slice *s = arg;
	for (long n = s->first; n < s->hi; n += s->step)
		s->count += is_prime(n);
	return NULL;
}

long count_primes(long lo, long hi, int nthreads)
{
	long total = 0;
	for (int i = 0; i < nthreads; i++) {
		struct slice s = {lo + i, hi, nthreads, 0};
		pthread_t t;
		pthread_create(&t, NULL, count_slice, &s);
		pthread_join(t, NULL);
		total += s.count;
	}
	return total;
}
