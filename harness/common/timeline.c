/*
 * timeline.c -- the steps of the controlled schedule in force, kept in a
 * ring, and the short account of them a failure shows the student.
 *
 * Only the token holder adds steps (controlled.h), so the ring needs no lock of
 * its own: the token's hand-over orders every access.  A step names the
 * student's code address, which the grader turns into file:line and the
 * line's text (PROTOCOL_STEP_MARK).  The report keeps to the steps that
 * matter: it ends at the last lost update it finds (else at the last
 * step), leaves out plain accesses to memory no other thread touches or
 * nobody writes (loop bounds, a thread's own slice), keeps all of a run of
 * one thread's synchronisation (wakeups, locks, signals) but at most
 * RUN_SHOWN of its memory accesses, and goes back far enough to show at
 * least two threads; nothing when none of the steps is the student's code.
 */
#include "controlled.h"
#include "harness.h"
#include "internal.h"
#include "protocol.h"

#include <stdio.h>
#include <string.h>

enum { RING = 512, SHOWN = 20, RUN_SHOWN = 6, MOST_SHOWN = 32 };

struct step {
	const void *where;
	long long value;
	const volatile void *memory; /* the memory it accessed, or NULL */
	unsigned thread, size;
	bool has_value, write, pending; /* pending: a write's value, read later */
	char what[96];
};

static struct step ring[RING];
static unsigned long total;

long long harness_timeline_read(const volatile void *addr, unsigned size)
{
	switch (size) {
	case 1:
		return *(const volatile signed char *)addr;
	case 2:
		return *(const volatile short *)addr;
	case 4:
		return *(const volatile int *)addr;
	default:
		return *(const volatile long long *)addr;
	}
}

static void settle_pending(void)
{
	if (total == 0)
		return;
	struct step *last = &ring[(total - 1) % RING];
	if (last->pending) {
		last->value = harness_timeline_read(last->memory, last->size);
		last->has_value = true;
		last->pending = false;
	}
}

void harness_timeline_clear(void)
{
	total = 0;
}

void harness_timeline_add(unsigned thread, const void *where, const char *what, bool has_value,
                          long long value)
{
	settle_pending();
	struct step *s = &ring[total++ % RING];
	s->thread = thread;
	s->where = where;
	snprintf(s->what, sizeof s->what, "%s", what);
	s->has_value = has_value;
	s->value = value;
	s->memory = NULL;
	s->pending = false;
}

void harness_timeline_access(const volatile void *addr, unsigned size, bool write)
{
	if (total == 0)
		return;
	struct step *last = &ring[(total - 1) % RING];
	last->memory = addr;
	last->size = size;
	last->write = write;
	last->pending = write && !last->has_value;
}

/* Whether step i of the ring matters: any step but a plain access; a
 * plain access only to memory that another thread also accesses in the
 * ring, and someone writes (not a loop bound every thread reads alone). */
static bool matters(unsigned long i, unsigned long first)
{
	const struct step *s = &ring[i % RING];
	if (!s->memory)
		return true;
	bool shared = false, written = s->write;
	for (unsigned long k = first; k < total; k++) {
		const struct step *t = &ring[k % RING];
		if (t->memory != s->memory)
			continue;
		shared |= t->thread != s->thread;
		written |= t->write;
	}
	return shared && written;
}

/* Beyond 32 bits a value is most likely an address, which differs from run
 * to run (address space layout randomisation): a report names addresses
 * #1, #2... in the order it shows them, so that a replay reads the same
 * and the student still sees which values are the same pointer. */
enum { NUMBERED = 32 };
static long long numbered[NUMBERED];
static unsigned numbered_count;

static bool is_address(long long value)
{
	return value >= 1LL << 32 || value < -(1LL << 32);
}

static unsigned address_number(long long value)
{
	for (unsigned i = 0; i < numbered_count; i++)
		if (numbered[i] == value)
			return i + 1;
	if (numbered_count == NUMBERED)
		return 0;
	numbered[numbered_count] = value;
	return ++numbered_count;
}

static void report_step(const struct step *s, unsigned skipped_before)
{
	extern const char __executable_start[];
	char at[64] = "", value[40] = "";
	if (skipped_before)
		harness_info("  ... %u step%s not shown", skipped_before,
		             HARNESS_PLURAL(skipped_before));
	if (s->where)
		snprintf(at, sizeof at, PROTOCOL_STEP_MARK "%lx",
		         (unsigned long)((const char *)s->where - __executable_start));
	if (s->has_value && is_address(s->value))
		snprintf(value, sizeof value, " -> address #%u", address_number(s->value));
	else if (s->has_value)
		snprintf(value, sizeof value, " -> %lld", s->value);
	harness_info("  T%u %s   [%s%s]", s->thread, at, s->what, value);
}

/* Whether step i is a lost update: a write by a thread whose last access
 * to that memory was a read, with a write of another thread in between. */
static bool lost_update(unsigned long i, unsigned long first)
{
	const struct step *w = &ring[i % RING];
	if (!w->memory || !w->write)
		return false;
	bool overwritten = false;
	for (unsigned long k = i; k-- > first;) {
		const struct step *t = &ring[k % RING];
		if (t->memory != w->memory)
			continue;
		if (t->thread == w->thread)
			return overwritten && !t->write;
		overwritten |= t->write;
	}
	return false;
}

/* Where the account of the schedule ends: at the last lost update and the
 * step after it, if there is one (what follows it only spreads the damage),
 * else at the last step. */
static unsigned long account_end(unsigned long first)
{
	for (unsigned long i = total; i-- > first;)
		if (lost_update(i, first))
			return i + 2 < total ? i + 2 : total;
	return total;
}

void harness_timeline_report(const char *headline)
{
	settle_pending();
	unsigned long first = total > RING ? total - RING : 0, end = account_end(first);
	unsigned long chosen[MOST_SHOWN] = {0};
	unsigned skipped[MOST_SHOWN] = {0};
	unsigned shown = 0, run = 0, threads = 0, seen[2] = {0, 0};
	for (unsigned long i = end; i-- > first && shown < MOST_SHOWN;) {
		const struct step *s = &ring[i % RING];
		if (shown >= SHOWN && threads >= 2)
			break;
		if (!matters(i, first)) {
			skipped[shown ? shown - 1 : 0] += shown > 0;
			continue;
		}
		/* A long run of one thread keeps its synchronisation (a wakeup,
		 * a lock) and its last RUN_SHOWN accesses to memory. */
		bool same = shown && ring[chosen[shown - 1] % RING].thread == s->thread;
		run = same ? run + (s->memory != NULL) : s->memory != NULL;
		if (run > RUN_SHOWN) {
			skipped[shown - 1]++;
			continue;
		}
		if (threads < 2 && seen[0] != s->thread && seen[1] != s->thread)
			seen[threads++] = s->thread;
		chosen[shown++] = i;
	}
	/* Steps of the student's code, or nothing to show. */
	unsigned student = 0;
	for (unsigned k = 0; k < shown; k++)
		student += ring[chosen[k] % RING].where != NULL;
	if (student == 0)
		return;
	harness_info("%s", headline);
	numbered_count = 0;
	for (unsigned k = shown; k-- > 0;)
		report_step(&ring[chosen[k] % RING], skipped[k]);
	if (end < total)
		harness_info("  ... %lu later step%s not shown: the update above was lost",
		             total - end, HARNESS_PLURAL(total - end));
}
