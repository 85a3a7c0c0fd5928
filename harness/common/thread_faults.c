/*
 * thread_faults.c -- makes a chosen pthread_create of the student's fail
 * (harness.h, harness_fail_thread_create), as fork's can (wrappers.c): a
 * test then checks that the code returns the error and leaves nothing
 * running.
 */
#include "harness.h"
#include "internal.h"

#include <stdatomic.h>

static atomic_uint countdown; /* creates left until the failing one, 0 = off */
static atomic_int fail_errno;

void harness_fail_thread_create(unsigned n, int e)
{
	atomic_store(&fail_errno, e);
	atomic_store(&countdown, n);
}

int harness_thread_create_fault(void)
{
	unsigned left = atomic_load(&countdown);
	while (left > 0 && !atomic_compare_exchange_weak(&countdown, &left, left - 1))
		;
	return left == 1 ? atomic_load(&fail_errno) : 0;
}
