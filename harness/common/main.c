/*
 * main.c -- runs one test of an exercise harness and reports its verdict.
 *
 *   harness --list          names of the tests, one a line
 *   harness TEST            runs TEST (Check no-fork mode) under a watchdog
 *
 * The verdict protocol (records on HARNESS_VERDICT_FD, else stdout):
 *   NONCE info TEXT         evidence for the student
 *   NONCE fail FILE:LINE: MESSAGE
 *   NONCE pass TEST
 *   NONCE end TEST          the harness reached its normal end
 * A run without "end" did not finish: the grader reports how it stopped.
 */
#include "harness.h"
#include "internal.h"

#include <errno.h>
#include <stdarg.h>
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
static int verdict_fd = STDOUT_FILENO;
static char nonce[64] = "-";
static pthread_mutex_t verdict_lock = PTHREAD_MUTEX_INITIALIZER;
static harness_hang_reporter hang_reporter;

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

void harness_on_hang(harness_hang_reporter reporter)
{
	hang_reporter = reporter;
}

/* Writes one record; the message is flattened to a single line. */
void harness_record(const char *kind, const char *fmt, va_list ap)
{
	char text[2048];
	vsnprintf(text, sizeof text, fmt, ap);
	for (char *c = text; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	char line[2200];
	int n = snprintf(line, sizeof line, "%s %s %s\n", nonce, kind, text);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line)
		n = sizeof line - 1;
	pthread_mutex_lock(&verdict_lock);
	for (int off = 0; off < n;) {
		ssize_t w = write(verdict_fd, line + off, (size_t)(n - off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (int)w;
	}
	pthread_mutex_unlock(&verdict_lock);
}

void harness_recordf(const char *kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	harness_record(kind, fmt, ap);
	va_end(ap);
}

void harness_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	harness_record("info", fmt, ap);
	va_end(ap);
}

_Noreturn void harness_fail_at(const char *file, int line, const char *fmt, ...)
{
	char text[1800];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (line > 0)
		harness_recordf("fail", "%s:%d: %s", file, line, text);
	else
		harness_recordf("fail", "%s", text);
	harness_recordf("end", "%s", "-");
	_exit(HARNESS_EXIT_FAILED);
}

/* The watchdog turns a hang into a failed test that says where it hung. */
static void *watchdog(void *arg)
{
	double seconds = *(double *)arg;
	harness_sleep_us((unsigned)(seconds * 1e6));
	harness_recordf("fail",
	                "the test did not finish within %.0f s: "
	                "something blocks forever or loops",
	                seconds);
	if (hang_reporter)
		hang_reporter();
	else
		harness_report_waits();
	harness_recordf("end", "%s", "-");
	_exit(HARNESS_EXIT_HANG);
}

static void start_watchdog(double seconds)
{
	const char *stretch = getenv("HARNESS_TIMEOUT_FACTOR");
	static double limit;
	limit = seconds * (stretch ? atof(stretch) : 1.0);
	if (limit <= 0)
		limit = seconds;
	pthread_t t;
	if (pthread_create(&t, NULL, watchdog, &limit) != 0) {
		fprintf(stderr, "harness: cannot start the watchdog thread\n");
		_exit(HARNESS_EXIT_USAGE);
	}
	pthread_detach(t);
}

static void open_verdict_channel(void)
{
	const char *fd = getenv("HARNESS_VERDICT_FD");
	const char *n = getenv("HARNESS_NONCE");
	if (fd)
		verdict_fd = atoi(fd);
	if (n)
		snprintf(nonce, sizeof nonce, "%s", n);
	/* The student's code has no business reading these. */
	unsetenv("HARNESS_VERDICT_FD");
	unsetenv("HARNESS_NONCE");
}

static int run_one(const struct registered_test *t)
{
	Suite *suite = suite_create("harness");
	TCase *tc = tcase_create(t->test->name);
	tcase_set_timeout(tc, 0);
	tcase_add_test(tc, t->test);
	suite_add_tcase(suite, tc);
	SRunner *runner = srunner_create(suite);
	srunner_set_fork_status(runner, CK_NOFORK);

	harness_perturb_init();
	harness_recordf("info", "seed %llu", (unsigned long long)harness_seed());
	start_watchdog(t->seconds);
	harness_sandbox_enter();
	srunner_run(runner, NULL, t->test->name, CK_SILENT);

	int ran = srunner_ntests_run(runner);
	TestResult **results = srunner_results(runner);
	if (ran != 1) {
		harness_recordf("fail", "harness error: %d results for one test", ran);
	} else if (tr_rtype(results[0]) == CK_PASS) {
		harness_recordf("pass", "%s", t->test->name);
	} else {
		harness_recordf("fail", "%s:%d: %s", tr_lfile(results[0]), tr_lno(results[0]),
		                tr_msg(results[0]));
	}
	free(results);
	harness_recordf("end", "%s", t->test->name);
	/* _exit: skip the student's atexit handlers and any library teardown. */
	_exit(0);
}

int main(int argc, char **argv)
{
	harness_define();
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; i < test_count; i++)
			printf("%s %g\n", tests[i].test->name, tests[i].seconds);
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: %s --list | %s TEST\n", argv[0], argv[0]);
		return HARNESS_EXIT_USAGE;
	}
	open_verdict_channel();
	for (size_t i = 0; i < test_count; i++)
		if (strcmp(tests[i].test->name, argv[1]) == 0)
			return run_one(&tests[i]);
	fprintf(stderr, "harness: no test named '%s' (see --list)\n", argv[1]);
	return HARNESS_EXIT_USAGE;
}
