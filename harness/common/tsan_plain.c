/*
 * tsan_plain.c -- the plain loads and stores of the student's code, in
 * the ThreadSanitizer build.
 *
 * There the compiler calls __tsan_readN(addr) / __tsan_writeN(addr) before
 * each plain access to memory another thread could see (not before a
 * local whose address never escapes); the grader renames those calls to
 * these wrappers (wrap.syms).  Under a controlled schedule (controlled.h) each
 * is a scheduling point and a step of the timeline with the value read or
 * written: that is how an unlocked read, or a load and a store another
 * thread slips between, shows.  Otherwise a wrapper only forwards.
 *
 * Outside a controlled test a wrapper costs a call and the test of one
 * flag, set before any thread starts and never changed after.
 *
 * Each forwards with the student's own code address (the _pc entry
 * points), and is itself left uninstrumented, so ThreadSanitizer's reports
 * show the student's lines exactly as without the wrapper.  Empty in the
 * other builds.
 */
#include "controlled.h"
#include "harness.h"
#include "internal.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)

#define UNINSTRUMENTED __attribute__((no_sanitize("thread"), noinline))

/* The calling thread's own stack, where no other thread looks (locals
 * whose address the student passes on, such as an array for qsort): its
 * accesses are no scheduling points, which keeps schedules short. */
static _Thread_local const char *stack_low, *stack_high;

static bool on_own_stack(const volatile void *addr)
{
	if (!stack_high) {
		pthread_attr_t attr;
		void *low;
		size_t size;
		if (pthread_getattr_np(pthread_self(), &attr) != 0)
			return false;
		if (pthread_attr_getstack(&attr, &low, &size) == 0) {
			stack_low = low;
			stack_high = stack_low + size;
		}
		pthread_attr_destroy(&attr);
	}
	const char *a = (const char *)addr;
	return a >= stack_low && a < stack_high;
}

/* A plain access about to happen: a scheduling point, then its step. */
UNINSTRUMENTED static void plain_step(const volatile void *addr, unsigned size, bool write,
                                      const void *where)
{
	static const char *const what[2][9] = {
	    {"", "reads 1 byte", "reads 2 bytes", "", "reads 4 bytes", "", "", "", "reads 8 bytes"},
	    {"", "writes 1 byte", "writes 2 bytes", "", "writes 4 bytes", "", "", "",
	     "writes 8 bytes"}};
	harness_sched_point();
	harness_timeline_add(harness_sched_thread(), where, what[write][size], !write,
	                     write ? 0 : harness_timeline_read(addr, size));
	harness_timeline_access(addr, size, write);
}

#define WRAP_PLAIN(kind, size, write)                                                              \
	void __tsan_##kind##size##_pc(void *addr, void *pc);                                       \
	void harness_wrap_##kind##size(void *addr);                                                \
	UNINSTRUMENTED void harness_wrap_##kind##size(void *addr)                                  \
	{                                                                                          \
		void *pc = __builtin_return_address(0);                                            \
		if (harness_sched_configured && harness_sched_active() && !on_own_stack(addr))     \
			plain_step(addr, size, write, pc);                                         \
		__tsan_##kind##size##_pc(addr, pc);                                                \
	}

WRAP_PLAIN(read, 1, false)
WRAP_PLAIN(read, 2, false)
WRAP_PLAIN(read, 4, false)
WRAP_PLAIN(read, 8, false)
WRAP_PLAIN(write, 1, true)
WRAP_PLAIN(write, 2, true)
WRAP_PLAIN(write, 4, true)
WRAP_PLAIN(write, 8, true)

#endif
#endif
