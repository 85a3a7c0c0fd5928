/*
 * unit_channel.c -- the verdict channel alone holds against forgery.
 *
 * A submission is linked with the balance harness directly, with no
 * integrity check in the way, and run exactly as the grader runs a test
 * (harness_run_test: constant argv, key on the configuration pipe).  The
 * attack in tests/corpus/integrity/forge_key_from_environment.c looks for
 * the key everywhere the old harness left it and writes pass records; its
 * run must not pass, while the reference linked the same way must.
 */
#include "harness_run.h"
#include "judge.h"
#include "text.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef CHECK_LIBS
#define CHECK_LIBS "-lcheck"
#endif

static char work[] = "/tmp/unit_channel.XXXXXX";

/* Compiles source alone and links it with the debug balance harness. */
static char *link_with_harness(const char *source, const char *name)
{
	char *binary = text_format("%s/%s", work, name);
	char *cmd = text_format("gcc -std=c11 -D_GNU_SOURCE -O0 -g -pthread -Iexercises/balance "
	                        "-c %s -o %s.o && gcc -o %s %s.o -Wl,--start-group "
	                        "build/debug/balance/harness.a build/debug/libharness.a "
	                        "-Wl,--end-group %s -pthread",
	                        source, binary, binary, binary, CHECK_LIBS);
	ck_assert_msg(system(cmd) == 0, "cannot build %s: %s", name, cmd);
	free(cmd);
	return binary;
}

/* Runs the harness test single_thread of binary as the grader would;
 * returns whether the verdict is a pass. */
static bool graded_pass(char *binary)
{
	struct grader_config cfg = {.root = ".", .src = ".", .work = work, .seed = 7};
	struct build build = {.ok = true, .source = "none.c", .shown_path = "none.c"};
	build.binary[VARIANT_DEBUG] = binary;
	struct graded_exercise g = {.cfg = &cfg, .exercise = "balance", .build = &build};
	char err[256];
	ck_assert_int_eq(harness_list(&g, err, sizeof err), 0);
	const struct harness_test *h = graded_find_test(&g, "single_thread");
	ck_assert_ptr_nonnull(h);
	struct rubric_test t = {.check = CHECK_FUNCTIONAL,
	                        .variant = VARIANT_DEBUG,
	                        .test = "single_thread",
	                        .repeat = 1};
	char *run_dir = text_format("%s/run", work);
	mkdir(run_dir, 0755);
	struct harness_run run;
	harness_run_test(&g, &t, h, run_dir, &run);
	bool passed = run.verdict.passed;
	harness_run_free(&run);
	free(run_dir);
	return passed;
}

START_TEST(forged_records_do_not_pass)
{
	char *forger =
	    link_with_harness("tests/corpus/integrity/forge_key_from_environment.c", "forger");
	ck_assert_msg(!graded_pass(forger), "a forged verdict was believed");
	free(forger);
}
END_TEST

START_TEST(honest_runs_pass)
{
	char *reference = link_with_harness("solutions/balance/balance.c", "reference");
	ck_assert_msg(graded_pass(reference), "the reference did not pass through the channel");
	free(reference);
}
END_TEST

int main(void)
{
	if (!mkdtemp(work)) {
		perror("mkdtemp");
		return 1;
	}
	run_init();
	Suite *s = suite_create("channel");
	TCase *tc = tcase_create("forgery");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, forged_records_do_not_pass);
	tcase_add_test(tc, honest_runs_pass);
	suite_add_tcase(s, tc);
	SRunner *r = srunner_create(s);
	srunner_run_all(r, CK_NORMAL);
	int failed = srunner_ntests_failed(r);
	srunner_free(r);
	char *cleanup = text_format("rm -rf %s", work);
	if (system(cleanup) != 0)
		failed++;
	free(cleanup);
	return failed ? 1 : 0;
}
