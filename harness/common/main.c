/*
 * main.c -- runs one test of an exercise harness and reports its verdict.
 *
 *   harness                 a graded run: configuration on a pipe, verdict
 *                           records on their own descriptor (protocol.h)
 *   harness --list          the tests, "NAME SECONDS" a line
 *   harness --run TEST      a hand run: records on stdout
 *
 * The test runs in Check's no-fork mode under a watchdog; its outcome is
 * one pass or fail record, then an end record.  A run without the end
 * record did not finish: the grader reports how it stopped.
 */
#include "harness.h"
#include "internal.h"
#include "protocol.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_TESTS 64

struct registered_test {
	const TTest *test;
	double seconds;
};

static struct registered_test tests[MAX_TESTS];
static size_t test_count;

void harness_add(const TTest *test, double seconds)
{
	if (test_count == MAX_TESTS) {
		fprintf(stderr, "harness: more than %d tests; raise MAX_TESTS\n", MAX_TESTS);
		_exit(HARNESS_EXIT_USAGE);
	}
	tests[test_count].test = test;
	tests[test_count].seconds = seconds;
	test_count++;
}

/* Runs the test once in Check's no-fork mode; false with why in failure
 * if it failed. */
static bool run_once(const void *test, char *failure, size_t len)
{
	const TTest *t = test;
	Suite *suite = suite_create("harness");
	TCase *tc = tcase_create(t->name);
	tcase_set_timeout(tc, 0);
	tcase_add_test(tc, t);
	suite_add_tcase(suite, tc);
	SRunner *runner = srunner_create(suite);
	srunner_set_fork_status(runner, CK_NOFORK);
	srunner_run(runner, NULL, t->name, CK_SILENT);

	int ran = srunner_ntests_run(runner);
	TestResult **results = srunner_results(runner);
	bool passed = ran == 1 && tr_rtype(results[0]) == CK_PASS;
	if (ran != 1)
		snprintf(failure, len, "harness error: %d results for one test", ran);
	else if (!passed)
		snprintf(failure, len, "%s:%d: %s", tr_lfile(results[0]), tr_lno(results[0]),
		         tr_msg(results[0]));
	free(results);
	srunner_free(runner);
	return passed;
}

static _Noreturn void run_one(const struct registered_test *t)
{
	harness_perturb_init();
	harness_recordf(RECORD_SEED, "%llu", (unsigned long long)harness_seed());
	harness_watchdog_start(t->seconds);
	harness_sandbox_enter();
	char failure[1800];
	bool passed =
	    harness_config_schedules() > 0
	        ? harness_controlled(t->test, t->seconds, run_once, failure, sizeof failure)
	        : run_once(t->test, failure, sizeof failure);
	if (passed)
		harness_recordf(RECORD_PASS, "%s", t->test->name);
	else
		harness_recordf(RECORD_FAIL, "%s", failure);
	harness_recordf(RECORD_END, "%s", t->test->name);
	/* _exit: skip any library teardown; nothing of the student's runs. */
	_exit(0);
}

/* A graded run keeps stdin, stdout, stderr and the verdict descriptor, and
 * nothing else it inherited: Valgrind leaves a writable copy of its log on
 * a low descriptor, through which the student's code could add to the log
 * or cut it (grader/README.md, threat model).  Valgrind's own descriptors
 * are out of the process's reach and stay open. */
static void close_inherited(void)
{
	_Static_assert(PROTOCOL_VERDICT_FD < PROTOCOL_CONFIG_FD,
	               "the descriptors closed come after the verdict's");
	if (close_range(PROTOCOL_CONFIG_FD, ~0U, 0) == 0)
		return;
	for (int fd = PROTOCOL_CONFIG_FD; fd < 1024; fd++) /* kernels before 5.9 */
		close(fd);
}

static int run_named(const char *name)
{
	for (size_t i = 0; i < test_count; i++)
		if (strcmp(tests[i].test->name, name) == 0)
			run_one(&tests[i]);
	fprintf(stderr, "harness: no test named '%s' (see %s)\n", name, PROTOCOL_LIST_FLAG);
	return HARNESS_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	harness_define();
	if (argc == 1) {
		if (harness_config_read(PROTOCOL_CONFIG_FD) != 0) {
			fprintf(stderr,
			        "harness: no run configuration on descriptor %d; run "
			        "by hand with %s TEST\n",
			        PROTOCOL_CONFIG_FD, PROTOCOL_RUN_FLAG);
			return HARNESS_EXIT_USAGE;
		}
		harness_record_to(PROTOCOL_VERDICT_FD);
		close_inherited();
		return run_named(harness_config_test());
	}
	if (argc == 2 && strcmp(argv[1], PROTOCOL_LIST_FLAG) == 0) {
		for (size_t i = 0; i < test_count; i++)
			printf("%s %g\n", tests[i].test->name, tests[i].seconds);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], PROTOCOL_RUN_FLAG) == 0) {
		harness_config_hand_run(argv[2]);
		return run_named(argv[2]);
	}
	fprintf(stderr, "usage: %s | %s %s | %s %s TEST\n", argv[0], argv[0], PROTOCOL_LIST_FLAG,
	        argv[0], PROTOCOL_RUN_FLAG);
	return HARNESS_EXIT_USAGE;
}
