/*
 * perturb.c -- the perturbation policy: how often the wrappers (wrappers.c,
 * tsan_atomics.c) yield, sleep, or fake a spurious wakeup or a late timeout
 * around the student's calls.  Rare interleavings become common this way.
 *
 * Every decision is drawn from the calling thread's seeded random stream,
 * so a seed replays the decisions (not the operating system's scheduling).
 * While other processes hold the CPUs, a yield does nothing and a sleep
 * becomes a short spin (see CPU contention below).
 */
#include "harness.h"
#include "internal.h"

#include <fcntl.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const struct harness_perturbation HARNESS_PERTURB_OFF = {0, 0, 0, 0, 0};
const struct harness_perturbation HARNESS_PERTURB_LIGHT = {50, 5, 50, 100, 1000};
const struct harness_perturbation HARNESS_PERTURB_HEAVY = {250, 20, 200, 300, 1000};

static struct harness_perturbation perturbation;

void harness_perturb(struct harness_perturbation p)
{
	perturbation = p;
}

void harness_perturb_init(void)
{
	(void)harness_seed();
	perturbation = HARNESS_PERTURB_LIGHT;
}

struct harness_perturbation harness_perturbation_now(void)
{
	return perturbation;
}

bool harness_chance(unsigned per_mille)
{
	return per_mille && harness_random() % 1000 < per_mille;
}

/* --- CPU contention ------------------------------------------------------ */

/*
 * When other processes keep this process's CPUs busy, an injected
 * sched_yield() hands a whole time slice (milliseconds) to them, and a short
 * sleep wakes late: a stress test then crawls, and its time limit blames the
 * student for a busy machine.  So the load of others is sampled from
 * /proc/stat at most every CONTENTION_WINDOW_S (busy time of the CPUs this
 * process may run on, minus this process's own CPU time), and while they
 * hold more than CONTENDED_SHARE of those CPUs, a yield does nothing and a
 * sleep becomes a spin of a tenth of its length (CPU time is what a busy
 * machine lacks): the scheduler, preempting the test's threads at every
 * turn, then does most of the perturbing.  The random draws are the same
 * either way, so each thread's stream of decisions does not change.
 */
#define CONTENTION_WINDOW_S 0.1
#define CONTENDED_SHARE     0.25
#define CONTENDED_SLEEP_DIV 10

/* Shared by every thread, and only ever accessed relaxed: an acquire or a
 * release here would order the student's threads for ThreadSanitizer and
 * hide their races.  The thread whose compare-and-swap moves sampled_at_us
 * takes the sample; Helgrind, which does not know atomics, is told to
 * ignore these (helgrind.supp). */
static atomic_bool contended;
static atomic_llong sampled_at_us, others_busy_us;

/* Reads an unsigned number at *p and moves past it and the blanks after. */
static unsigned long long read_number(const char **p, const char *end)
{
	unsigned long long n = 0;
	while (*p < end && **p >= '0' && **p <= '9')
		n = n * 10 + (unsigned long long)(*(*p)++ - '0');
	while (*p < end && **p == ' ')
		(*p)++;
	return n;
}

/* Seconds the CPUs in `set` spent busy since boot, from the "cpuN" lines of
 * /proc/stat (user nice system idle iowait irq softirq steal ...).  Only
 * async-signal-safe calls: the student's atomics, which reach perturb()
 * under ThreadSanitizer, may run in a signal handler. */
static double cpus_busy(const cpu_set_t *set)
{
	static const int busy_fields = 0xE7; /* all of the first 8 but idle, iowait */
	char text[16384];
	int fd = open("/proc/stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, text, sizeof text);
	close(fd);
	if (n <= 0)
		return -1;
	unsigned long long ticks = 0;
	for (const char *p = text, *end = text + n; p < end;) {
		const char *line_end = memchr(p, '\n', (size_t)(end - p));
		if (!line_end)
			break;
		if (line_end - p > 4 && strncmp(p, "cpu", 3) == 0 && p[3] >= '0' && p[3] <= '9') {
			p += 3;
			unsigned long long cpu = read_number(&p, line_end);
			for (int field = 0; field < 8 && p < line_end; field++) {
				unsigned long long v = read_number(&p, line_end);
				if (cpu < CPU_SETSIZE && CPU_ISSET(cpu, set) &&
				    (busy_fields >> field & 1))
					ticks += v;
			}
		}
		p = line_end + 1;
	}
	return (double)ticks / (double)sysconf(_SC_CLK_TCK);
}

/* Whether other processes hold this process's CPUs; re-judged once a
 * window has passed, by the one thread that claims the sample. */
static bool cpus_contended(void)
{
	long long now = (long long)(harness_now() * 1e6);
	long long last = atomic_load_explicit(&sampled_at_us, memory_order_relaxed);
	cpu_set_t set;
	if (now - last < (long long)(CONTENTION_WINDOW_S * 1e6) ||
	    !atomic_compare_exchange_strong_explicit(&sampled_at_us, &last, now,
	                                             memory_order_relaxed, memory_order_relaxed) ||
	    sched_getaffinity(0, sizeof set, &set) != 0)
		return atomic_load_explicit(&contended, memory_order_relaxed);
	long long others = (long long)((cpus_busy(&set) - harness_cpu_time()) * 1e6);
	long long before = atomic_exchange_explicit(&others_busy_us, others, memory_order_relaxed);
	bool busy =
	    (double)(others - before) / (double)((now - last) * CPU_COUNT(&set)) > CONTENDED_SHARE;
	if (last > 0)
		atomic_store_explicit(&contended, busy, memory_order_relaxed);
	return busy && last > 0;
}

/* Holds the CPU for `us` microseconds. */
static void spin_us(unsigned us)
{
	double until = harness_now() + us / 1e6;
	while (harness_now() < until)
		;
}

void harness_yield_briefly(void)
{
	if (!cpus_contended())
		sched_yield();
}

void harness_perturb_point(void)
{
	struct harness_perturbation p = perturbation;
	if (harness_chance(p.sleep_rate)) {
		unsigned us = 1 + (unsigned)(harness_random() % (p.sleep_max_us + 1));
		if (cpus_contended())
			spin_us(us / CONTENDED_SLEEP_DIV);
		else
			harness_sleep_us(us);
	} else if (harness_chance(p.yield_rate)) {
		harness_yield_briefly();
	}
}
