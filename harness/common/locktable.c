/*
 * locktable.c -- which thread holds and waits for which of the student's
 * mutexes, and the hang report built from it.
 *
 * The wrappers (wrappers.c) note each lock, unlock and wait here, with the
 * address of the student's call.  Everything is atomic and lock-free to
 * read: the watchdog reads it while the test's threads are stuck, possibly
 * inside the wrappers.
 */
#include "harness.h"
#include "internal.h"
#include "protocol.h"

#include <stdatomic.h>
#include <stdio.h>

#define TRACKED_THREADS 512
#define HELD_SLOTS      8

struct thread_locks {
	_Atomic(const void *) waiting;
	_Atomic(const void *) cond; /* condition variable waited on, or NULL */
	_Atomic(const void *) where;
	_Atomic(const void *) held[HELD_SLOTS];
	atomic_bool used;
};

static struct thread_locks lock_table[TRACKED_THREADS];

static struct thread_locks *my_locks(void)
{
	unsigned n = harness_thread_number();
	struct thread_locks *t = &lock_table[n % TRACKED_THREADS];
	atomic_store(&t->used, true);
	return t;
}

static void note_held(struct thread_locks *t, const void *m, bool held)
{
	for (int i = 0; i < HELD_SLOTS; i++) {
		const void *expected = held ? NULL : m;
		if (atomic_compare_exchange_strong(&t->held[i], &expected, held ? m : NULL))
			return;
	}
}

size_t harness_lock_snapshot(struct harness_lock_wait *out, size_t max)
{
	size_t n = 0;
	for (unsigned i = 0; i < TRACKED_THREADS && n < max; i++) {
		struct thread_locks *t = &lock_table[i];
		if (!atomic_load(&t->used))
			continue;
		out[n] = (struct harness_lock_wait){.thread = i};
		out[n].waiting = atomic_load(&t->waiting);
		out[n].where = atomic_load(&t->where);
		for (int h = 0; h < HELD_SLOTS; h++)
			out[n].held[h] = atomic_load(&t->held[h]);
		n++;
	}
	return n;
}

/* Index in lock_table of the thread holding mutex, or -1. */
static int holder_of(const void *mutex)
{
	for (int i = 0; i < TRACKED_THREADS; i++)
		for (int h = 0; h < HELD_SLOTS; h++)
			if (atomic_load(&lock_table[i].held[h]) == mutex)
				return i;
	return -1;
}

/* One line of the hang report for a blocked thread. */
static void report_wait(unsigned thread, const void *mutex, const void *where)
{
	char at[48], by[64] = "that no thread of your code holds (never unlocked?)";
	harness_describe_address(where, at, sizeof at);
	if (!mutex) {
		harness_info("thread %u waits in pthread_cond_wait called at %s: nothing "
		             "signalled the condition after it changed (a lost wakeup?)",
		             thread, at);
		return;
	}
	int holder = holder_of(mutex);
	if (holder == (int)thread)
		snprintf(by, sizeof by, "that it holds itself: it locked it twice");
	else if (holder >= 0)
		snprintf(by, sizeof by, "held by thread %d", holder);
	harness_info("thread %u waits in pthread_mutex_lock called at %s for a mutex %s", thread,
	             at, by);
}

void harness_report_waits(void)
{
	enum { SHOWN = 8 };
	unsigned blocked = 0;
	for (unsigned i = 0; i < TRACKED_THREADS; i++) {
		struct thread_locks *t = &lock_table[i];
		const void *mutex = atomic_load(&t->waiting), *cond = atomic_load(&t->cond);
		if (!atomic_load(&t->used) || (!mutex && !cond))
			continue;
		if (blocked++ < SHOWN)
			report_wait(i, mutex, atomic_load(&t->where));
	}
	if (blocked > SHOWN)
		harness_info("... and %u more threads blocked the same way", blocked - SHOWN);
	if (blocked == 0)
		harness_info(
		    "no thread is blocked in a lock or condition wait of your code: one is "
		    "probably looping, such as a retry loop whose condition never changes");
}

#define NAMED_LOCKS 256
static struct {
	const void *mutex;
	char name[48];
} lock_names[NAMED_LOCKS];
static pthread_mutex_t lock_names_lock = PTHREAD_MUTEX_INITIALIZER;

void harness_name_lock(const void *mutex, const char *name)
{
	pthread_mutex_lock(&lock_names_lock);
	int free_slot = -1;
	for (int i = 0; i < NAMED_LOCKS; i++) {
		if (lock_names[i].mutex == mutex) {
			free_slot = i;
			break;
		}
		if (free_slot < 0 && lock_names[i].mutex == NULL)
			free_slot = i;
	}
	if (free_slot >= 0) {
		lock_names[free_slot].mutex = name ? mutex : NULL;
		snprintf(lock_names[free_slot].name, sizeof lock_names[free_slot].name, "%s",
		         name ? name : "");
	}
	pthread_mutex_unlock(&lock_names_lock);
}

/* Lock-free read: used from the watchdog while test threads may be stuck. */
const char *harness_lock_name(const void *mutex)
{
	for (int i = 0; i < NAMED_LOCKS; i++)
		if (mutex && lock_names[i].mutex == mutex)
			return lock_names[i].name;
	return NULL;
}

void harness_describe_address(const void *addr, char *buf, size_t len)
{
	extern const char __executable_start[];
	snprintf(buf, len, PROTOCOL_ADDRESS_MARK "%lx",
	         (unsigned long)((const char *)addr - __executable_start));
}

void harness_lock_wait_begin(const void *mutex, const void *cond, const void *where)
{
	struct thread_locks *t = my_locks();
	atomic_store(&t->where, where);
	if (cond)
		atomic_store(&t->cond, cond);
	else
		atomic_store(&t->waiting, mutex);
}

void harness_lock_wait_end(void)
{
	struct thread_locks *t = my_locks();
	atomic_store(&t->waiting, NULL);
	atomic_store(&t->cond, NULL);
}

void harness_lock_note(const void *mutex, bool held)
{
	note_held(my_locks(), mutex, held);
}
