/*
 * tsan_atomics.c -- in the ThreadSanitizer build the compiler turns every
 * atomic operation of the student's code into a __tsan_atomic* call, which
 * the grader renames to these wrappers (wrap.syms).  Each is a
 * perturbation point before the operation, the only way to widen the
 * window of a load-then-store bug on atomics; under a controlled schedule
 * (controlled.h) it is a scheduling point instead, and the operation and its
 * values go into the timeline.  Empty in the other builds.
 */
#include "controlled.h"
#include "harness.h"
#include "internal.h"

#include <stdio.h>

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#include <sanitizer/tsan_interface_atomic.h>

/* Before an atomic step: a scheduling or a perturbation point; whether the
 * step goes into the timeline. */
static bool before_atomic(void)
{
	if (harness_sched_active()) {
		harness_sched_point();
		return true;
	}
	harness_perturb_point();
	return false;
}

/* A step on the atomic object at a, of size bytes, which wrote it or not. */
static void atomic_step(const void *where, const char *what, long long value,
                        const volatile void *a, unsigned size, bool write)
{
	harness_timeline_add(harness_sched_thread(), where, what, true, value);
	harness_timeline_access(a, size, write);
}

/* A read-modify-write: "atomic_fetch_add 5 (was 3)" -> 8. */
static void rmw_step(const void *where, const char *op, long long operand, long long old,
                     long long now, const volatile void *a, unsigned size)
{
	char what[96];
	snprintf(what, sizeof what, "atomic_%s %lld (was %lld)", op, operand, old);
	atomic_step(where, what, now, a, size, true);
}

static void cas_step(const void *where, int ok, long long expected, long long found,
                     long long desired, const volatile void *a, unsigned size)
{
	char what[96];
	if (ok)
		snprintf(what, sizeof what, "atomic_compare_exchange: was %lld as expected, stores",
		         expected);
	else
		snprintf(what, sizeof what, "atomic_compare_exchange fails: expected %lld, found",
		         expected);
	atomic_step(where, what, ok ? desired : found, a, size, ok);
}

#define WRAP_LOAD(bits)                                                                            \
	__tsan_atomic##bits harness_wrap_atomic##bits##_load(                                      \
	    const volatile __tsan_atomic##bits *a, __tsan_memory_order mo);                        \
	__tsan_atomic##bits harness_wrap_atomic##bits##_load(                                      \
	    const volatile __tsan_atomic##bits *a, __tsan_memory_order mo)                         \
	{                                                                                          \
		bool shown = before_atomic();                                                      \
		__tsan_atomic##bits r = __tsan_atomic##bits##_load(a, mo);                         \
		if (shown)                                                                         \
			atomic_step(__builtin_return_address(0), "atomic_load", r, a, sizeof *a,   \
			            false);                                                        \
		return r;                                                                          \
	}
#define WRAP_STORE(bits)                                                                           \
	void harness_wrap_atomic##bits##_store(volatile __tsan_atomic##bits *a,                    \
	                                       __tsan_atomic##bits v, __tsan_memory_order mo);     \
	void harness_wrap_atomic##bits##_store(volatile __tsan_atomic##bits *a,                    \
	                                       __tsan_atomic##bits v, __tsan_memory_order mo)      \
	{                                                                                          \
		bool shown = before_atomic();                                                      \
		__tsan_atomic##bits##_store(a, v, mo);                                             \
		if (shown)                                                                         \
			atomic_step(__builtin_return_address(0), "atomic_store", v, a, sizeof *a,  \
			            true);                                                         \
	}
#define WRAP_RMW(bits, op, now)                                                                    \
	__tsan_atomic##bits harness_wrap_atomic##bits##_##op(                                      \
	    volatile __tsan_atomic##bits *a, __tsan_atomic##bits v, __tsan_memory_order mo);       \
	__tsan_atomic##bits harness_wrap_atomic##bits##_##op(                                      \
	    volatile __tsan_atomic##bits *a, __tsan_atomic##bits v, __tsan_memory_order mo)        \
	{                                                                                          \
		bool shown = before_atomic();                                                      \
		__tsan_atomic##bits old = __tsan_atomic##bits##_##op(a, v, mo);                    \
		if (shown)                                                                         \
			rmw_step(__builtin_return_address(0), #op, v, old, now, a, sizeof *a);     \
		return old;                                                                        \
	}
#define WRAP_CAS(bits, kind)                                                                       \
	int harness_wrap_atomic##bits##_compare_exchange_##kind(                                   \
	    volatile __tsan_atomic##bits *a, __tsan_atomic##bits *c, __tsan_atomic##bits v,        \
	    __tsan_memory_order mo, __tsan_memory_order fail_mo);                                  \
	int harness_wrap_atomic##bits##_compare_exchange_##kind(                                   \
	    volatile __tsan_atomic##bits *a, __tsan_atomic##bits *c, __tsan_atomic##bits v,        \
	    __tsan_memory_order mo, __tsan_memory_order fail_mo)                                   \
	{                                                                                          \
		bool shown = before_atomic();                                                      \
		__tsan_atomic##bits expected = *c;                                                 \
		int ok = __tsan_atomic##bits##_compare_exchange_##kind(a, c, v, mo, fail_mo);      \
		if (shown)                                                                         \
			cas_step(__builtin_return_address(0), ok, expected, *c, v, a, sizeof *a);  \
		return ok;                                                                         \
	}
#define WRAP_CAS_VAL(bits)                                                                         \
	__tsan_atomic##bits harness_wrap_atomic##bits##_compare_exchange_val(                      \
	    volatile __tsan_atomic##bits *a, __tsan_atomic##bits c, __tsan_atomic##bits v,         \
	    __tsan_memory_order mo, __tsan_memory_order fail_mo);                                  \
	__tsan_atomic##bits harness_wrap_atomic##bits##_compare_exchange_val(                      \
	    volatile __tsan_atomic##bits *a, __tsan_atomic##bits c, __tsan_atomic##bits v,         \
	    __tsan_memory_order mo, __tsan_memory_order fail_mo)                                   \
	{                                                                                          \
		bool shown = before_atomic();                                                      \
		__tsan_atomic##bits old =                                                          \
		    __tsan_atomic##bits##_compare_exchange_val(a, c, v, mo, fail_mo);              \
		if (shown)                                                                         \
			cas_step(__builtin_return_address(0), old == c, c, old, v, a, sizeof *a);  \
		return old;                                                                        \
	}
#define WRAP_ALL(bits)                                                                             \
	WRAP_LOAD(bits)                                                                            \
	WRAP_STORE(bits)                                                                           \
	WRAP_RMW(bits, exchange, v)                                                                \
	WRAP_RMW(bits, fetch_add, (long long)((unsigned long long)old + (unsigned long long)v))    \
	WRAP_RMW(bits, fetch_sub, (long long)((unsigned long long)old - (unsigned long long)v))    \
	WRAP_RMW(bits, fetch_and, old &v)                                                          \
	WRAP_RMW(bits, fetch_or, old | v)                                                          \
	WRAP_RMW(bits, fetch_xor, old ^ v)                                                         \
	WRAP_CAS(bits, weak)                                                                       \
	WRAP_CAS(bits, strong)                                                                     \
	WRAP_CAS_VAL(bits)

WRAP_ALL(8)
WRAP_ALL(16)
WRAP_ALL(32)
WRAP_ALL(64)
#endif
#endif
