/*
 * controlled.c -- a test run under controlled schedules (controlled.h): once
 * per schedule, 0, 1, 2, ..., until one fails or all the rubric asked for
 * have passed.
 *
 * Schedule k depends only on the seed and k, and the student's code runs
 * one thread at a time, so the same seed explores the same schedules in
 * the same order and fails at the same one: `make grade SEED=...` replays
 * the failure exactly.  A time budget (BUDGET_SHARE of the test's limit)
 * bounds the exploration on a slow machine, and says so when it cuts.
 */
#include "controlled.h"
#include "harness.h"
#include "internal.h"

#include <stdio.h>
#include <string.h>

#define BUDGET_SHARE 0.6

bool harness_controlled(const void *test, double seconds, harness_test_runner run_once,
                        char *failure, size_t len)
{
	unsigned wanted = harness_config_schedules(), done = 0;
	double until = harness_deadline(seconds * BUDGET_SHARE);
	unsigned long steps = 0, most = 0;
	harness_sched_configured = true;
	for (unsigned k = 0; k < wanted; k++) {
		harness_sched_begin(k);
		bool passed = run_once(test, failure, len);
		bool fell_back;
		const char *why;
		unsigned long n = harness_sched_end(&fell_back, &why);
		done++;
		steps += n;
		most = n > most ? n : most;
		if (!passed) {
			harness_sched_report();
			return false;
		}
		if (fell_back) {
			harness_info(
			    "controlled schedules stopped at schedule %u: %s, so it ran freely "
			    "and no more schedules were tried",
			    k, why);
			break;
		}
		if (harness_now() > until && k + 1 < wanted) {
			harness_info("the time budget allowed %u of the %u controlled schedules",
			             done, wanted);
			break;
		}
	}
	harness_info("%u controlled schedule%s (random walk, PCT depth 2 and 3), %lu steps each "
	             "on average, %lu at most: every one passed",
	             done, HARNESS_PLURAL(done), done ? steps / done : 0, most);
	return true;
}
