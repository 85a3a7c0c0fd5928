/*
 * watchdog.c -- turns a hang into a failed test that says where it hung.
 *
 * A detached thread sleeps for the test's limit (stretched for sanitizer
 * and Valgrind runs), then writes a failure, the hang report (the test's
 * own reporter, or every thread blocked on a lock of the student's), an
 * end record, and ends the process.
 */
#include "controlled.h"
#include "harness.h"
#include "internal.h"
#include "protocol.h"

#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static harness_hang_reporter hang_reporter;
static double limit_seconds;

void harness_on_hang(harness_hang_reporter reporter)
{
	hang_reporter = reporter;
}

static void *watchdog(void *unused)
{
	(void)unused;
	/* No handler of the student's (a SIGCHLD reaper) may run on this thread
	 * and hold it up. */
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	harness_sleep_us((unsigned)(limit_seconds * 1e6));
	harness_recordf(RECORD_FAIL,
	                "the test did not finish within %.0f s: "
	                "something blocks forever or loops",
	                limit_seconds);
	if (hang_reporter)
		hang_reporter();
	else
		harness_report_waits();
	harness_sched_report();
	harness_recordf(RECORD_END, "%s", "-");
	_exit(HARNESS_EXIT_HANG);
}

void harness_watchdog_start(double seconds)
{
	limit_seconds = seconds * harness_config_stretch();
	pthread_t t;
	if (pthread_create(&t, NULL, watchdog, NULL) != 0) {
		fprintf(stderr, "harness: cannot start the watchdog thread\n");
		_exit(HARNESS_EXIT_USAGE);
	}
	pthread_detach(t);
}
