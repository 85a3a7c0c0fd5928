/*
 * tsan_atomics.c -- in the ThreadSanitizer build the compiler turns every
 * atomic operation of the student's code into a __tsan_atomic* call, which
 * the grader renames to these wrappers (wrap.syms): a perturbation point
 * before each, the only way to widen the window of a load-then-store bug
 * on atomics.  Empty in the other builds.
 */
#include "harness.h"
#include "internal.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#include <sanitizer/tsan_interface_atomic.h>

#define WRAP_LOAD(bits)                                                                            \
	__tsan_atomic##bits harness_wrap_atomic##bits##_load(                                      \
	    const volatile __tsan_atomic##bits *a, __tsan_memory_order mo);                        \
	__tsan_atomic##bits harness_wrap_atomic##bits##_load(                                      \
	    const volatile __tsan_atomic##bits *a, __tsan_memory_order mo)                         \
	{                                                                                          \
		harness_perturb_point();                                                           \
		return __tsan_atomic##bits##_load(a, mo);                                          \
	}
#define WRAP_STORE(bits)                                                                           \
	void harness_wrap_atomic##bits##_store(volatile __tsan_atomic##bits *a,                    \
	                                       __tsan_atomic##bits v, __tsan_memory_order mo);     \
	void harness_wrap_atomic##bits##_store(volatile __tsan_atomic##bits *a,                    \
	                                       __tsan_atomic##bits v, __tsan_memory_order mo)      \
	{                                                                                          \
		harness_perturb_point();                                                           \
		__tsan_atomic##bits##_store(a, v, mo);                                             \
	}
#define WRAP_RMW(bits, op)                                                                         \
	__tsan_atomic##bits harness_wrap_atomic##bits##_##op(                                      \
	    volatile __tsan_atomic##bits *a, __tsan_atomic##bits v, __tsan_memory_order mo);       \
	__tsan_atomic##bits harness_wrap_atomic##bits##_##op(                                      \
	    volatile __tsan_atomic##bits *a, __tsan_atomic##bits v, __tsan_memory_order mo)        \
	{                                                                                          \
		harness_perturb_point();                                                           \
		return __tsan_atomic##bits##_##op(a, v, mo);                                       \
	}
#define WRAP_CAS(bits, kind)                                                                       \
	int harness_wrap_atomic##bits##_compare_exchange_##kind(                                   \
	    volatile __tsan_atomic##bits *a, __tsan_atomic##bits *c, __tsan_atomic##bits v,        \
	    __tsan_memory_order mo, __tsan_memory_order fail_mo);                                  \
	int harness_wrap_atomic##bits##_compare_exchange_##kind(                                   \
	    volatile __tsan_atomic##bits *a, __tsan_atomic##bits *c, __tsan_atomic##bits v,        \
	    __tsan_memory_order mo, __tsan_memory_order fail_mo)                                   \
	{                                                                                          \
		harness_perturb_point();                                                           \
		return __tsan_atomic##bits##_compare_exchange_##kind(a, c, v, mo, fail_mo);        \
	}
#define WRAP_ALL(bits)                                                                             \
	WRAP_LOAD(bits)                                                                            \
	WRAP_STORE(bits)                                                                           \
	WRAP_RMW(bits, exchange)                                                                   \
	WRAP_RMW(bits, fetch_add)                                                                  \
	WRAP_RMW(bits, fetch_sub)                                                                  \
	WRAP_CAS(bits, weak)                                                                       \
	WRAP_CAS(bits, strong)

WRAP_ALL(32)
WRAP_ALL(64)
#endif
#endif
