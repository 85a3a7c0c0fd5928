/*
 * saturate_timing.c -- the threads are really used, and they scale.
 *
 * Parallelism is measured, never assumed, and honestly on a shared machine:
 *  - threads joined right after creation show as threads that never
 *    overlapped;
 *  - speedup compares the harness's own serial count of the range (trial
 *    division, the stub's method, timed by its own CPU clock) with the best
 *    of the student's all-CPU runs, alternated after a warm-up; the
 *    student's one-thread call is checked for its count, never timed, so
 *    padding it gains nothing;
 *  - the CPU time of every thread shows whether the threads shared the
 *    counting: threads that spin or yield while one counts, or that all
 *    count everything, burn far more CPU time than the serial count needs;
 *  - when other processes kept the threads waiting for a CPU all along,
 *    the kernel's run-delay figures show what the threads were ready to do.
 * Every timing verdict, pass or fail, reports the figures it rests on.
 */
#include "saturate.h"
#include "saturate_harness.h"

/* --- threads really used ----------------------------------------------- */

static size_t spans_of(long lo, long hi, int nthreads, struct harness_thread_span *spans,
                       long *count)
{
	harness_thread_spans_reset();
	*count = count_primes(lo, hi, nthreads);
	return harness_thread_spans(spans, MAX_SPANS);
}

/* Threads created and joined one by one never overlap, in any run; threads
 * created together may still miss one another when other processes hold the
 * CPUs (a thread that starts late finds the shared range taken), so a run
 * that overlaps is sought among a few. */
#define OVERLAP_TRIES 3

START_TEST(threads_used)
{
	const int nthreads = 4;
	long lo = TWO_TO_31 - harness_scaled(80000), hi = TWO_TO_31;
	struct harness_thread_span spans[MAX_SPANS];
	double together = 0;
	for (int run = 1; run <= OVERLAP_TRIES && together <= 0; run++) {
		unsigned long created_before = harness_calls().thread_create;
		long count;
		size_t n = spans_of(lo, hi, nthreads, spans, &count);
		unsigned long created = harness_calls().thread_create - created_before;
		harness_info("run %d: count_primes(%ld, %ld, %d) created %lu threads", run, lo, hi,
		             nthreads, created);
		ck_assert_msg(count == sieve_count(lo, hi),
		              "count_primes(%ld, %ld, %d) returned %ld, "
		              "expected %ld",
		              lo, hi, nthreads, count, sieve_count(lo, hi));
		ck_assert_msg(
		    created == (unsigned long)nthreads,
		    "count_primes(..., %d) called pthread_create %lu times; it must create "
		    "%d threads that do the counting",
		    nthreads, created, nthreads);
		together = time_all_alive(spans, n);
		if (together > 0)
			harness_info("all %d threads ran at once for %.1f ms", nthreads,
			             together * 1e3);
		else
			harness_info("the last thread began %.1f ms after the first one had ended",
			             -together * 1e3);
	}
	ck_assert_msg(together > 0,
	              "in %d runs the %d threads never ran all at once: one had finished before "
	              "another began.  Create every thread first, then join them all",
	              OVERLAP_TRIES, nthreads);
}
END_TEST

/* --- speedup ------------------------------------------------------------ */

/* Three quarters of the CPUs: 1.5 on 2 (the floor of 1.3 never binds). */
static double required_speedup(unsigned cpus)
{
	return 0.75 * cpus;
}

/* Doubles the range below 2^31 until the harness's serial count needs a
 * measurable amount of CPU time (CPU time: another process's load does not
 * stretch it). */
static long calibrated_length(double cpu_seconds)
{
	long length = 1024, count;
	while (length < (1L << 24) &&
	       serial_count(TWO_TO_31 - length, TWO_TO_31, &count).cpu < cpu_seconds)
		length *= 2;
	return length;
}

/* What the student's threads did in one all-CPU run, from the scheduler's
 * point of view. */
struct demand {
	double ready;      /* CPUs the threads were ready to use on average */
	double waited;     /* share of that readiness spent waiting for a CPU */
	double longest;    /* longest thread's time not spent waiting for a CPU */
	bool all_together; /* every thread was alive at one moment */
};

static struct demand demand_of(const struct harness_thread_span *spans, size_t n, double wall)
{
	struct demand d = {0};
	double ready = 0, waited = 0;
	for (size_t i = 0; i < n; i++) {
		ready += spans[i].cpu + spans[i].waited;
		waited += spans[i].waited;
		double own = spans[i].end - spans[i].start - spans[i].waited;
		if (own > d.longest)
			d.longest = own;
	}
	d.ready = ready / wall;
	d.waited = ready > 0 ? waited / ready : 0;
	d.all_together = time_all_alive(spans, n) > 0;
	return d;
}

/* Best figures over the alternated runs. */
struct speedup_figures {
	unsigned cpus;
	int pairs;
	double need;
	double serial_cpu, serial_wall; /* best of the harness's serial counts */
	double all_wall, busy;          /* best of the student's all-CPU runs */
	struct counting least;          /* the run that used the least CPU time */
	struct demand demand;           /* of the last run other processes held back */
	bool held_back_yet_ready;       /* some run passed on the scheduler's figures */
};

static double speedup_of(const struct speedup_figures *f)
{
	return f->serial_cpu / f->all_wall;
}

static bool counted(const struct speedup_figures *f)
{
	return all_counted(f->least, f->serial_cpu);
}

static bool scaled_on_quiet_machine(const struct speedup_figures *f)
{
	return counted(f) && speedup_of(f) >= f->need && f->busy >= f->need;
}

/* When other processes kept the threads waiting for a CPU, the wall time
 * says little about the code.  The threads then show that they scale if
 * they were ready to use the CPUs (dynamic sharing: ready all along), or if
 * running together each would have finished in its share of the serial
 * count's time had it never waited (a fixed split); in both cases they
 * must have shared the counting, since a thread spinning on sched_yield
 * looks ready too. */
#define HELD_BACK 0.10

static bool ready_to_scale(const struct speedup_figures *f, struct demand d)
{
	bool ready = d.ready >= f->need;
	bool fixed_split = d.all_together && d.longest > 0 && f->serial_cpu / d.longest >= f->need;
	return d.waited >= HELD_BACK && (ready || fixed_split);
}

static bool scaled_on_busy_machine(const struct speedup_figures *f)
{
	return counted(f) && f->held_back_yet_ready;
}

/* One harness serial count, then one all-CPU run of the student's. */
static void alternate(long lo, long hi, long expected, struct speedup_figures *f)
{
	struct harness_timing serial = checked_serial_count(lo, hi, expected);
	if (serial.cpu < f->serial_cpu)
		f->serial_cpu = serial.cpu;
	if (serial.wall < f->serial_wall)
		f->serial_wall = serial.wall;
	struct harness_thread_span spans[MAX_SPANS];
	size_t n;
	struct harness_timing all = traced(lo, hi, (int)f->cpus, expected, spans, &n);
	/* Extra threads would wait for a CPU among themselves and pass for
	 * threads held back by other processes. */
	ck_assert_msg(n == f->cpus, "count_primes(%ld, %ld, %u) ran %zu threads; it must create %u",
	              lo, hi, f->cpus, n, f->cpus);
	if (all.wall < f->all_wall)
		f->all_wall = all.wall;
	if (all.cpu / all.wall > f->busy)
		f->busy = all.cpu / all.wall;
	keep_least(&f->least, counting_of(all, spans, n));
	struct demand d = demand_of(spans, n, all.wall);
	if (f->pairs == 0 || d.waited >= HELD_BACK)
		f->demand = d;
	if (ready_to_scale(f, d))
		f->held_back_yet_ready = true;
	f->pairs++;
}

static void report_speedup(const struct speedup_figures *f, long lo, long hi)
{
	harness_info("%u usable CPUs; [%ld, %ld), best of %d alternated runs: the harness's serial "
	             "count %.1f ms of CPU time (%.1f ms wall), count_primes with %u threads "
	             "%.1f ms: speedup %.2f (needed %.2f); CPU time / wall time with %u threads "
	             "%.2f (needed %.2f)",
	             f->cpus, lo, hi, f->pairs, f->serial_cpu * 1e3, f->serial_wall * 1e3, f->cpus,
	             f->all_wall * 1e3, speedup_of(f), f->need, f->cpus, f->busy, f->need);
	harness_info(
	    "CPU time, the %u-thread run that used the least: %.2f x the serial count's "
	    "(at most %.2f); its least thread used %.0f%% of an even share (needed %.0f%%)",
	    f->cpus, f->least.cpu / f->serial_cpu, EXTRA_WORK, f->least.least_share * 100,
	    SHARE * 100);
	harness_info("scheduler, %u-thread run: ready to run on %.2f CPUs on average, %.0f%% of "
	             "that spent waiting for a CPU other processes held; the longest thread, "
	             "minus its waits, took %.1f ms (the serial count's CPU time is %.2f times "
	             "that)",
	             f->cpus, f->demand.ready, f->demand.waited * 100, f->demand.longest * 1e3,
	             f->demand.longest > 0 ? f->serial_cpu / f->demand.longest : 0);
}

START_TEST(speedup)
{
	struct speedup_figures f = {.cpus = harness_cpus(),
	                            .serial_cpu = 1e300,
	                            .serial_wall = 1e300,
	                            .all_wall = 1e300,
	                            .least = {.cpu = 1e300}};
	if (f.cpus < 2) {
		harness_unmeasurable(
		    "speedup needs 2 or more usable CPUs, and this process may use "
		    "only 1; no points either way (give the grader 2 CPUs)");
		return;
	}
	f.need = required_speedup(f.cpus);
	long hi = TWO_TO_31, lo = hi - calibrated_length(0.06);
	long expected = sieve_count(lo, hi);
	/* Warm-up; the one-thread call must count right, its time is not used. */
	struct harness_thread_span spans[MAX_SPANS];
	size_t n;
	traced(lo, hi, 1, expected, spans, &n);
	traced(lo, hi, (int)f.cpus, expected, spans, &n);
	while (f.pairs < 10 &&
	       (f.pairs < 3 || !(scaled_on_quiet_machine(&f) || scaled_on_busy_machine(&f))))
		alternate(lo, hi, expected, &f);
	report_speedup(&f, lo, hi);
	harness_leaderboard("saturate speedup", speedup_of(&f), true);
	if (scaled_on_quiet_machine(&f))
		return;
	if (scaled_on_busy_machine(&f)) {
		harness_info("passed on the scheduler's figures: other processes held the "
		             "threads back, so the wall-time speedup understates the code");
		return;
	}
	ck_assert_msg(counted(&f),
	              "the %u threads did not share the counting: in the run that used the least "
	              "CPU time, every thread must use at least %.0f%% of an even share of it, and "
	              "all of them together at most %.2f x the CPU time the harness's own serial "
	              "count of the range needs.  Threads that spin, yield in a loop or repeat "
	              "work burn CPU time without counting",
	              f.cpus, SHARE * 100, EXTRA_WORK);
	ck_assert_msg(speedup_of(&f) >= f.need,
	              "with %u threads on %u CPUs count_primes ran only %.2f times as fast as the "
	              "harness's own serial count of the same range; it should approach %u",
	              f.cpus, f.cpus, speedup_of(&f), f.cpus);
	ck_abort_msg("with %u threads the process kept only %.2f CPUs busy on average; it should "
	             "approach %u: the threads must all be computing at once",
	             f.cpus, f.busy, f.cpus);
}
END_TEST

void saturate_define_timing(void)
{
	HARNESS_ADD(threads_used, 20);
	HARNESS_ADD(speedup, 30);
}
