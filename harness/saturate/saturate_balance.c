/*
 * saturate_balance.c -- [0, N), whose numbers cost more to test towards N,
 * still shared evenly among the threads, all of them counting.
 *
 * Balance is judged from each thread's own CPU time and finish time, which
 * another process's load does not change: work split evenly, or threads
 * that all finish together (dynamic chunks), both scale.
 */
#include "saturate.h"
#include "saturate_harness.h"

#include <stdio.h>
#include <string.h>

struct balance {
	double work_ratio;   /* busiest thread's CPU time over the mean */
	double finish_share; /* share of the run after the first thread finished */
};

static struct balance balance_of(const struct harness_thread_span *spans, size_t n)
{
	double total = 0, most = 0, first_start = 1e300, first_end = 1e300, last_end = 0;
	for (size_t i = 0; i < n; i++) {
		total += spans[i].cpu;
		if (spans[i].cpu > most)
			most = spans[i].cpu;
		if (spans[i].start < first_start)
			first_start = spans[i].start;
		if (spans[i].end < first_end)
			first_end = spans[i].end;
		if (spans[i].end > last_end)
			last_end = spans[i].end;
	}
	return (struct balance){most / (total / (double)n),
	                        (last_end - first_end) / (last_end - first_start)};
}

#define EVEN_WORK 1.12
#define TOGETHER  0.05
#define RUNS      5 /* at most: enough once NEEDED of them looked balanced */
#define NEEDED    2

/* Even work suits a fixed split; finishing together shows work that went
 * to whichever thread was free (dynamic chunks), however the machine's
 * load made the threads' shares unequal. */
static bool balanced(struct balance b)
{
	return b.work_ratio <= EVEN_WORK || b.finish_share <= TOGETHER;
}

/* The runs that looked balanced, and the one that used the least CPU time
 * against the harness's serial count timed just before it: threads that
 * spin until one has counted everything burn even CPU time and finish
 * together too.  Equal slices of [0, N) never look balanced, and spinning
 * threads never count cheaply, while other processes (or a virtual
 * machine's host, whose stolen time shows as CPU time) can spoil a good
 * run now and then: hence runs until NEEDED looked balanced and one
 * counted cheaply, at most RUNS. */
struct balance_verdict {
	int runs, balanced;
	struct counting least;
	double serial_cpu; /* the serial count timed next to `least` */
	char figures[RUNS * 24];
};

static bool counted_cheaply(const struct balance_verdict *v)
{
	return all_counted(v->least, v->serial_cpu);
}

static void judge_balance(long hi, int nthreads, long expected, struct balance_verdict *v)
{
	struct harness_thread_span spans[MAX_SPANS];
	for (; v->runs < RUNS && !(v->balanced >= NEEDED && counted_cheaply(v)); v->runs++) {
		double serial_cpu = checked_serial_count(0, hi, expected).cpu;
		size_t n;
		struct harness_timing t = traced(0, hi, nthreads, expected, spans, &n);
		ck_assert_msg(n == (size_t)nthreads,
		              "count_primes(0, %ld, %d) ran %zu threads; it must create %d", hi,
		              nthreads, n, nthreads);
		struct balance b = balance_of(spans, n);
		v->balanced += balanced(b);
		struct counting c = counting_of(t, spans, n);
		if (v->runs == 0 || c.cpu / serial_cpu < v->least.cpu / v->serial_cpu) {
			v->least = c;
			v->serial_cpu = serial_cpu;
		}
		size_t used = strlen(v->figures);
		snprintf(v->figures + used, sizeof v->figures - used, "%s%.2f x and %.0f%%",
		         used ? "; " : "", b.work_ratio, b.finish_share * 100);
	}
}

START_TEST(balance)
{
	unsigned cpus = harness_cpus();
	int nthreads = cpus < 2 ? 2 : (int)cpus;
	long hi = 1L << 17;
	struct harness_thread_span spans[MAX_SPANS];
	size_t n;
	/* Warm-up and calibration: enough work to time each thread; a wrong
	 * count fails at once, before a long range is tried. */
	while (hi < (1L << 26) && traced(0, hi, nthreads, sieve_count(0, hi), spans, &n).cpu < 0.12)
		hi *= 2;
	struct balance_verdict v = {0};
	judge_balance(hi, nthreads, sieve_count(0, hi), &v);
	harness_info("[0, %ld) on %d threads, %d runs: busiest thread's CPU time over the mean, "
	             "and share of the run after the first thread finished: %s "
	             "(balanced: <= %.2f x, or <= %.0f%%)",
	             hi, nthreads, v.runs, v.figures, EVEN_WORK, TOGETHER * 100);
	harness_info("CPU time, the cheapest run: %.2f x the harness's serial count's just before "
	             "it (%.1f ms; at most %.2f x); its least thread used %.0f%% of an even share "
	             "(needed %.0f%%)",
	             v.least.cpu / v.serial_cpu, v.serial_cpu * 1e3, EXTRA_WORK,
	             v.least.least_share * 100, SHARE * 100);
	ck_assert_msg(v.balanced >= NEEDED,
	              "the threads did not share the cost evenly in %d of %d runs: numbers near "
	              "%ld cost far more to test than small ones, so equal slices of the range are "
	              "unequal work.  Deal out numbers or small chunks instead",
	              v.runs - v.balanced, v.runs, hi);
	ck_assert_msg(counted_cheaply(&v),
	              "the threads' CPU time looked balanced but was not all counting: in the "
	              "cheapest of %d runs, every thread must use at least %.0f%% of an even share "
	              "of its CPU time, and all of them together at most %.2f x the CPU time the "
	              "harness's own serial count of [0, %ld) needed just before.  Threads that "
	              "spin, yield in a loop or repeat work burn CPU time without counting",
	              v.runs, SHARE * 100, EXTRA_WORK, hi);
}
END_TEST

void saturate_define_balance(void)
{
	HARNESS_ADD(balance, 30);
}
