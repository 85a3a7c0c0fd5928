/*
 * unit_toolkit.c -- the harness toolkit (harness/common/toolkit.c) keeps
 * the contracts harness.h states, which every exercise harness relies on:
 * waits that time out and succeed, background calls counted as they start
 * and return, bounded runs, CPU used while idle, stall clocks, timed and
 * alternated runs, and the process's descriptor and thread counts.
 *
 * Linked with the debug build's libharness.a, from which the linker takes
 * only what the toolkit needs (clocks, configuration, records); with no
 * run configuration, limits are not stretched.  Each test runs in a
 * process of its own (Check's fork mode): a blocked call left behind dies
 * with it.  Calls that must block read a pipe nothing was written to.
 */
#include "harness.h"

#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --- helpers ------------------------------------------------------------ */

static int gate[2]; /* a pipe: a reader blocks until the test writes */

static void open_gate(void)
{
	ck_assert_int_eq(pipe(gate), 0);
}

/* Lets n blocked readers of the gate through. */
static void release(unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		ck_assert_int_eq(write(gate[1], "x", 1), 1);
}

static void read_gate(void *arg)
{
	(void)arg;
	char c;
	if (read(gate[0], &c, 1) != 1)
		abort();
}

static void do_nothing(void *arg)
{
	(void)arg;
}

static bool never(void *arg)
{
	(void)arg;
	return false;
}

static bool flag_set(void *arg)
{
	return atomic_load((atomic_bool *)arg);
}

static void *set_flag_later(void *arg)
{
	harness_sleep_us(30000);
	atomic_store((atomic_bool *)arg, true);
	return NULL;
}

/* --- waiting -------------------------------------------------------------- */

START_TEST(wait_until_times_out)
{
	double t0 = harness_now();
	ck_assert(!harness_wait_until(never, NULL, 0.1));
	double waited = harness_now() - t0;
	ck_assert_msg(waited >= 0.1 && waited < 2.0, "waited %.3f s for a 0.1 s limit", waited);
}
END_TEST

START_TEST(wait_until_succeeds)
{
	atomic_bool flag = false;
	harness_start_detached(set_flag_later, &flag);
	double t0 = harness_now();
	ck_assert(harness_wait_until(flag_set, &flag, 10));
	double waited = harness_now() - t0;
	ck_assert_msg(waited >= 0.02 && waited < 5.0, "the flag set after 30 ms took %.3f s",
	              waited);
	atomic_uint counter = 3;
	ck_assert(harness_wait_count(&counter, 3, 0.01));
	ck_assert(!harness_wait_count(&counter, 4, 0.05));
}
END_TEST

/* --- background calls ----------------------------------------------------- */

START_TEST(background_calls_counted)
{
	open_gate();
	struct harness_background b;
	harness_background_start(&b, 3, read_gate, NULL);
	ck_assert_msg(harness_wait_count(&b.started, 3, 5), "only %u of 3 calls started",
	              atomic_load(&b.started));
	harness_sleep_us(50000);
	ck_assert_uint_eq(harness_background_returned(&b), 0);
	ck_assert(!harness_background_wait(&b, 1, 0.05));
	release(1);
	ck_assert(harness_background_wait(&b, 1, 5));
	harness_sleep_us(50000);
	ck_assert_uint_eq(harness_background_returned(&b), 1);
	release(2);
	ck_assert(harness_background_wait(&b, 3, 5));
	ck_assert_uint_eq(harness_background_returned(&b), 3);
}
END_TEST

START_TEST(run_within_tells_returned_from_stuck)
{
	ck_assert(harness_run_within(do_nothing, NULL, 5));
	open_gate();
	double t0 = harness_now();
	ck_assert(!harness_run_within(read_gate, NULL, 0.1));
	ck_assert_msg(harness_now() - t0 >= 0.1, "gave up on a stuck call before its limit");
	release(1);
}
END_TEST

/* --- measuring ------------------------------------------------------------ */

static void spin_until_released(void *arg)
{
	while (!atomic_load((atomic_bool *)arg))
		;
}

START_TEST(cpu_while_idle_sees_spinning_not_sleeping)
{
	open_gate();
	struct harness_background sleepers;
	harness_background_start(&sleepers, 2, read_gate, NULL);
	ck_assert(harness_wait_count(&sleepers.started, 2, 5));
	double idle = harness_cpu_while_idle(0.3);
	ck_assert_msg(idle < 0.005, "2 threads blocked on a pipe used %.1f ms of CPU", idle * 1e3);
	atomic_bool stop = false;
	struct harness_background spinner;
	harness_background_start(&spinner, 1, spin_until_released, &stop);
	ck_assert(harness_wait_count(&spinner.started, 1, 5));
	double busy = harness_cpu_while_idle(0.3);
	atomic_store(&stop, true);
	ck_assert_msg(busy > 0.01, "a spinning thread used only %.1f ms of CPU in 300 ms",
	              busy * 1e3);
	ck_assert(harness_background_wait(&spinner, 1, 5));
	release(2);
}
END_TEST

START_TEST(progress_measures_standing_still)
{
	struct harness_progress p;
	harness_progress_start(&p, 5);
	harness_sleep_us(50000);
	double still = harness_progress_stalled(&p, 5);
	ck_assert_msg(still >= 0.05, "a count unchanged for 50 ms stood still %.3f s", still);
	ck_assert_msg(harness_progress_stalled(&p, 6) < 0.01, "a count that moved still stalled");
	harness_sleep_us(20000);
	still = harness_progress_stalled(&p, 6);
	ck_assert_msg(still >= 0.02 && still < 0.05, "measured from the last move: %.3f s", still);
}
END_TEST

/* A contender that sleeps a different time each round, and notes its turns
 * and how long each of its sleeps took. */
struct sleeper {
	const unsigned *us; /* per round */
	unsigned round;
	char name;
	char *turns;
	double took[3];
};

static void sleep_round(void *arg)
{
	struct sleeper *s = arg;
	size_t used = strlen(s->turns);
	s->turns[used] = s->name;
	double t0 = harness_now();
	harness_sleep_us(s->us[s->round]);
	s->took[s->round++] = harness_now() - t0;
}

/* The best run kept must be the shortest sleep's: it encloses that sleep,
 * and is shorter than any other sleep (they are 70 ms apart at least). */
static void check_best(const struct sleeper *s, struct harness_timing best)
{
	double least = s->took[0], second = 1e9;
	for (int r = 1; r < 3; r++) {
		second = s->took[r] < second ? s->took[r] : second;
		if (s->took[r] < least) {
			second = least;
			least = s->took[r];
		}
	}
	ck_assert_msg(best.wall >= least && best.wall < second,
	              "%c's sleeps took %.3f, %.3f and %.3f s; the best run kept: %.3f s", s->name,
	              s->took[0], s->took[1], s->took[2], best.wall);
	ck_assert_msg(best.cpu < 0.05, "sleeping used %.3f s of CPU", best.cpu);
}

START_TEST(time_alternated_keeps_least_wall)
{
	static const unsigned a_us[] = {160000, 10000, 80000}, b_us[] = {80000, 160000, 10000};
	char turns[8] = "";
	struct sleeper a = {a_us, 0, 'a', turns, {0}}, b = {b_us, 0, 'b', turns, {0}};
	struct harness_contender contenders[] = {{sleep_round, &a}, {sleep_round, &b}};
	struct harness_timing best[2];
	harness_time_alternated(3, 2, contenders, best);
	ck_assert_str_eq(turns, "ababab");
	check_best(&a, best[0]);
	check_best(&b, best[1]);
}
END_TEST

/* --- descriptors and threads --------------------------------------------- */

/* The open descriptors counted another way: each number fcntl accepts. */
static int fds_by_fcntl(void)
{
	int n = 0;
	for (int fd = 0; fd < 4096; fd++)
		n += fcntl(fd, F_GETFD) != -1;
	return n;
}

START_TEST(open_fds_follow_a_pipe)
{
	int before = harness_open_fds();
	ck_assert_int_eq(before, fds_by_fcntl());
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(harness_open_fds(), before + 2);
	close(fds[0]);
	close(fds[1]);
	ck_assert_int_eq(harness_open_fds(), before);
}
END_TEST

START_TEST(thread_count_sees_a_blocked_thread)
{
	int before = harness_thread_count();
	ck_assert_int_ge(before, 1);
	open_gate();
	struct harness_background b;
	harness_background_start(&b, 1, read_gate, NULL);
	ck_assert(harness_wait_count(&b.started, 1, 5));
	ck_assert_int_eq(harness_thread_count(), before + 1);
	release(1);
	ck_assert(harness_background_wait(&b, 1, 5));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("toolkit");
	TCase *tc = tcase_create("contracts");
	tcase_add_test(tc, wait_until_times_out);
	tcase_add_test(tc, wait_until_succeeds);
	tcase_add_test(tc, background_calls_counted);
	tcase_add_test(tc, run_within_tells_returned_from_stuck);
	tcase_add_test(tc, cpu_while_idle_sees_spinning_not_sleeping);
	tcase_add_test(tc, progress_measures_standing_still);
	tcase_add_test(tc, time_alternated_keeps_least_wall);
	tcase_add_test(tc, open_fds_follow_a_pipe);
	tcase_add_test(tc, thread_count_sees_a_blocked_thread);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
