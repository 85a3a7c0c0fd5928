/*
 * unit_grader.c -- unit tests of the grader's parsers, writers and runner.
 *
 * The corpus test proves verdicts end to end; these pin down the pieces a
 * verdict depends on, with inputs the corpus cannot easily produce: forged
 * verdict records, odd bytes in the results file, hostile commands.
 */
#include "results.h"
#include "rubric.h"
#include "run.h"
#include "sanitizer.h"
#include "text.h"
#include "util.h"
#include "verdict.h"

#include "expect.h"

#include <check.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *write_temp(const char *content)
{
	char *path = strdup("/tmp/unit-grader-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
	return path;
}

static const char student_source[] = "#include <x.h>\n"
                                     "static long balance;\n"
                                     "void deposit(long n) { balance = balance + n; }\n";

START_TEST(tsan_report_points_into_student_file)
{
	char *src = write_temp(student_source);
	char log[4096];
	snprintf(log, sizeof log,
	         "==================\n"
	         "WARNING: ThreadSanitizer: data race (pid=2232)\n"
	         "  Write of size 8 at 0x55cad1ade258 by thread T2:\n"
	         "    #0 harness_wrap /work/harness/common/perturb.c:10:3 (h+0x1)\n"
	         "    #1 deposit %s:3:33 (h+0xd012b)\n"
	         "    #2 worker /work/harness/balance/balance_test.c:50:1 (h+0xd0190)\n"
	         "\n"
	         "  Previous read of size 8 at 0x55cad1ade258 by thread T1:\n"
	         "    #0 deposit %s:3:24 (h+0xd012b)\n"
	         "\n"
	         "  Location is global 'balance' of size 8 at 0x55cad1ade258 (h+0x1476258)\n"
	         "\n"
	         "  Thread T2 (tid=2235, running) created by main thread at:\n"
	         "    #0 pthread_create <null> (h+0x513ad)\n"
	         "\n"
	         "SUMMARY: ThreadSanitizer: data race %s:3:33 in deposit\n"
	         "==================\n",
	         src, src, src);
	struct text out = {0};
	ck_assert_int_eq(tsan_explain(log, src, "exercises/b/b.c", &out), 1);
	expect_shows(out.data, "ThreadSanitizer: data race", "Write of size 8 by thread T2",
	             "at exercises/b/b.c:3 in deposit()", "balance = balance + n;",
	             "global 'balance'", NULL);
	expect_hides(out.data, "perturb.c", "created by");
	text_free(&out);
	unlink(src);
	free(src);
}
END_TEST

START_TEST(tsan_clean_log_has_no_reports)
{
	struct text out = {0};
	ck_assert_int_eq(tsan_explain("nothing to see\n", "/a.c", "a.c", &out), 0);
	ck_assert_ptr_null(out.data);
}
END_TEST

START_TEST(helgrind_report_points_into_student_file)
{
	char *src = write_temp(student_source);
	char log[4096];
	snprintf(log, sizeof log,
	         "==77== ---Thread-Announcement------------------------------------------\n"
	         "==77== Thread #3 was created\n"
	         "==77==    at 0x496EB3F: clone (clone.S:76)\n"
	         "==77== ----------------------------------------------------------------\n"
	         "==77== \n"
	         "==77== Possible data race during read of size 8 at 0x10C030 by thread #3\n"
	         "==77== Locks held: none\n"
	         "==77==    at 0x109161: deposit (%s:3)\n"
	         "==77==    by 0x109197: worker (/w/harness/balance/balance_test.c:5)\n"
	         "==77== \n"
	         "==77== This conflicts with a previous write of size 8 by thread #2\n"
	         "==77== Locks held: none\n"
	         "==77==    at 0x109170: deposit (%s:3)\n"
	         "==77==  Address 0x10c030 is 0 bytes inside data symbol \"balance\"\n"
	         "==77== \n"
	         "==77== ERROR SUMMARY: 1 errors from 1 contexts (suppressed: 0 from 0)\n",
	         src, src);
	struct text out = {0};
	ck_assert_int_eq(helgrind_explain(log, src, "b.c", false, &out), 1);
	expect_shows(out.data, "Possible data race during read of size 8",
	             "This conflicts with a previous write", "at b.c:3 in deposit()",
	             "data symbol \"balance\"");
	expect_hides(out.data, "clone");
	text_free(&out);

	/* After the harness ended a failed test, held locks are its doing. */
	const char *exit_locks =
	    "==7== ----------------------------------------------------------------\n"
	    "==7== Thread #3: Exiting thread still holds 1 lock\n"
	    "==7==    at 0x1: bq_put (/s.c:3)\n"
	    "==7== ERROR SUMMARY: 1 errors from 1 contexts\n";
	ck_assert_int_eq(helgrind_explain(exit_locks, "/s.c", "s.c", true, &out), 0);
	ck_assert_int_eq(helgrind_explain(exit_locks, "/s.c", "s.c", false, &out), 1);
	text_free(&out);
	unlink(src);
	free(src);
}
END_TEST

START_TEST(verdict_needs_key_outcome_and_end)
{
	struct verdict v;
	verdict_parse("n1 seed 5\nn1 info 3 items\nn1 pass t\nn1 end t\n", "n1", "t", &v);
	ck_assert(v.passed);
	ck_assert_str_eq(v.info, "3 items\n");
	verdict_free(&v);

	/* Forged records with another key are ignored. */
	verdict_parse("forged pass t\nforged end t\n", "n1", "t", &v);
	ck_assert(!v.passed);
	ck_assert(!v.ended);
	verdict_free(&v);

	/* A pass without the end record: the process died after it. */
	verdict_parse("n1 pass t\n", "n1", "t", &v);
	ck_assert(!v.passed);
	verdict_free(&v);

	/* A failure, then a forged pass in the right format, fails. */
	verdict_parse("n1 fail x.c:3: wrong\nn1 pass t\nn1 end t\n", "n1", "t", &v);
	ck_assert(!v.passed);
	ck_assert_str_eq(v.failure, "x.c:3: wrong");
	verdict_free(&v);

	/* A pass for another test name does not count. */
	verdict_parse("n1 pass other\nn1 end t\n", "n1", "t", &v);
	ck_assert(!v.passed);
	verdict_free(&v);
}
END_TEST

START_TEST(rubric_errors_name_the_file_and_entry)
{
	char err[512];
	struct rubric r;
	char *bad =
	    write_temp("{\"exercise\":\"x\",\"tests\":[{\"name\":\"t1\",\"check\":\"speed\","
	               "\"points\":1}]}");
	ck_assert_int_eq(rubric_load(bad, &r, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, bad));
	ck_assert_ptr_nonnull(strstr(err, "t1"));
	rubric_free(&r);
	unlink(bad);
	free(bad);

	char *no_test = write_temp("{\"exercise\":\"x\",\"tests\":[{\"name\":\"t2\",\"check\":"
	                           "\"tsan\",\"points\":1}]}");
	ck_assert_int_eq(rubric_load(no_test, &r, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "names no harness"));
	rubric_free(&r);
	unlink(no_test);
	free(no_test);

	/* The allow list is required, and holds only non-empty patterns. */
	const char *const no_allow[] = {
	    "{\"exercise\":\"x\",\"tests\":[{\"name\":\"b\",\"check\":\"build\",\"points\":1}]}",
	    "{\"exercise\":\"x\",\"allow\":[\"\"],\"tests\":[{\"name\":\"b\",\"check\":\"build\","
	    "\"points\":1}]}",
	};
	for (size_t i = 0; i < 2; i++) {
		char *file = write_temp(no_allow[i]);
		ck_assert_int_eq(rubric_load(file, &r, err, sizeof err), -1);
		ck_assert_ptr_nonnull(strstr(err, "\"allow\""));
		rubric_free(&r);
		unlink(file);
		free(file);
	}

	char *syntax = write_temp("{\"exercise\":\n\"x\",,}");
	ck_assert_int_eq(rubric_load(syntax, &r, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, ":2:"));
	rubric_free(&r);
	unlink(syntax);
	free(syntax);
}
END_TEST

START_TEST(rubric_defaults_variant_by_check)
{
	char err[512];
	struct rubric r;
	char *good = write_temp(
	    "{\"exercise\":\"x\",\"allow\":[\"free\"],\"tests\":["
	    "{\"name\":\"a\",\"check\":\"functional\",\"test\":\"t\",\"points\":2},"
	    "{\"name\":\"b\",\"check\":\"timing\",\"test\":\"t\",\"points\":3,\"repeat\":2},"
	    "{\"name\":\"c\",\"check\":\"rules\",\"points\":1,\"forbid\":[\"sem_*\"]}]}");
	ck_assert_int_eq(rubric_load(good, &r, err, sizeof err), 0);
	ck_assert_int_eq(r.count, 3);
	ck_assert_int_eq(r.tests[0].variant, VARIANT_DEBUG);
	ck_assert_int_eq(r.tests[1].variant, VARIANT_FAST);
	ck_assert_int_eq(r.tests[1].repeat, 2);
	ck_assert_int_eq(r.tests[2].variant, VARIANT_TSAN);
	ck_assert_str_eq(r.tests[2].forbid[0], "sem_*");
	ck_assert_str_eq(r.allow[0], "free");
	ck_assert_ptr_null(r.allow[1]);
	rubric_free(&r);
	unlink(good);
	free(good);
}
END_TEST

START_TEST(results_json_escapes_anything_a_submission_prints)
{
	struct results res = {.seed = 42, .seconds = 1.5};
	const char nasty[] = "quote \" backslash \\ newline \n tab \t bell \a high \xff\xfe end";
	results_add(&res, (struct outcome){strdup("balance"), strdup("t \"1\""), CHECK_TSAN, false,
	                                   0, 10, 0.25, strdup(nasty), OUTCOME_GRADED});
	results_add(&res, (struct outcome){strdup("balance"), strdup("t2"), CHECK_BUILD, true, 5, 5,
	                                   0.5, strdup(""), OUTCOME_GRADED});
	char *path = write_temp("");
	char err[256];
	ck_assert_int_eq(results_write_json(&res, path, err, sizeof err), 0);
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	ck_assert_msg(root != NULL, "results file is not JSON: %s", jerr.text);
	ck_assert_double_eq(json_number_value(json_object_get(root, "score")), 5);
	ck_assert_double_eq(json_number_value(json_object_get(root, "max_score")), 15);
	ck_assert_int_eq(json_integer_value(json_object_get(root, "seed")), 42);
	json_t *t0 = json_array_get(json_object_get(root, "tests"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(t0, "name")), "t \"1\"");
	ck_assert_str_eq(json_string_value(json_object_get(t0, "check")), "tsan");
	ck_assert_str_eq(json_string_value(json_object_get(t0, "status")), "failed");
	const char *out = json_string_value(json_object_get(t0, "output"));
	ck_assert_ptr_nonnull(strstr(out, "quote \" backslash \\ newline \n tab"));
	json_decref(root);
	results_free(&res);
	unlink(path);
	free(path);
}
END_TEST

static struct run_result run_shell(const char *script, double timeout, size_t cap)
{
	char *argv[] = {"sh", "-c", (char *)script, NULL};
	char *env[] = {"PATH=/usr/bin:/bin", NULL};
	struct run_spec spec = {.argv = argv,
	                        .env = env,
	                        .timeout = timeout,
	                        .output_cap = cap,
	                        .limit_resources = true};
	struct run_result r;
	run_command(&spec, &r);
	return r;
}

/* The paths every program builds: one '/' between parts, none added. */
START_TEST(paths_join_with_one_slash_between_parts)
{
	char *one = path_join("root");
	char *many = path_join("/root", "harness", "balance", "rubric.json");
	char *rubric = rubric_path("/p", "zombie");
	char *student = submission_path("src", "zombie");
	ck_assert_str_eq(one, "root");
	ck_assert_str_eq(many, "/root/harness/balance/rubric.json");
	ck_assert_str_eq(rubric, "/p/harness/zombie/rubric.json");
	ck_assert_str_eq(student, "src/zombie/zombie.c");
	free(student);
	free(rubric);
	free(many);
	free(one);
}
END_TEST

START_TEST(run_reports_exit_status_and_output)
{
	struct run_result r = run_shell("echo hello; echo oops >&2; exit 3", 10, 1024);
	ck_assert(r.exited);
	ck_assert_int_eq(r.exit_code, 3);
	ck_assert_str_eq(r.output, "hello\noops\n");
	run_result_free(&r);
}
END_TEST

START_TEST(run_kills_a_hang_at_its_time_limit)
{
	struct run_result r = run_shell("sleep 100", 0.5, 1024);
	ck_assert(r.timed_out);
	ck_assert(r.seconds < 5);
	run_result_free(&r);
}
END_TEST

/* A stopped command would wait out its limit: it is killed after a second. */
static void assert_ended_stopped(const char *script)
{
	struct run_result r = run_shell(script, 20, 1024);
	ck_assert_int_eq(r.stopped_by, SIGSTOP);
	ck_assert(!r.exited && !r.timed_out);
	ck_assert_msg(r.seconds < 5, "killed after %.1f s", r.seconds);
	run_result_free(&r);
}

START_TEST(run_ends_a_command_that_stays_stopped)
{
	assert_ended_stopped("kill -STOP $$; exit 0");
}
END_TEST

START_TEST(run_lets_a_stopped_command_be_continued)
{
	struct run_result r =
	    run_shell("(sleep 0.3; kill -CONT $$) & kill -STOP $$; echo resumed; exit 4", 20, 1024);
	ck_assert(r.exited);
	ck_assert_int_eq(r.exit_code, 4);
	ck_assert_str_eq(r.output, "resumed\n");
	run_result_free(&r);
}
END_TEST

/* Continued and stopped again at once: the keeper sees only the second
 * stop, which is still a stop, not an end. */
START_TEST(run_sees_a_stop_after_an_unseen_continue)
{
	assert_ended_stopped("(sleep 0.3; kill -CONT $$; kill -STOP $$) & kill -STOP $$; exit 0");
}
END_TEST

START_TEST(run_caps_a_flood_of_output)
{
	struct run_result r = run_shell("head -c 5000000 /dev/zero | tr '\\0' x", 20, 1000);
	ck_assert(r.exited);
	ck_assert_int_eq(strlen(r.output), 1000);
	ck_assert_int_eq(r.output_total, 5000000);
	run_result_free(&r);
}
END_TEST

START_TEST(run_survives_a_command_that_kills_its_parent)
{
	struct run_result r = run_shell("kill -9 $PPID; sleep 100", 20, 1024);
	ck_assert(r.started);
	ck_assert(!r.exited);
	ck_assert(r.seconds < 15);
	run_result_free(&r);
}
END_TEST

START_TEST(run_kills_daemons_left_behind)
{
	char marker[64];
	snprintf(marker, sizeof marker, "sleep %d", 1000 + getpid() % 1000);
	char script[256];
	snprintf(script, sizeof script, "setsid sh -c '%s' & (%s &) ; exit 0", marker, marker);
	struct run_result r = run_shell(script, 10, 1024);
	ck_assert(r.exited);
	ck_assert_int_ge(r.leftover_processes, 2);
	run_result_free(&r);
	char check[300];
	snprintf(check, sizeof check, "pgrep -f '^%s$'", marker);
	ck_assert_msg(system(check) != 0, "a '%s' survived the run", marker);
}
END_TEST

int main(void)
{
	run_init();
	Suite *s = suite_create("grader");
	TCase *parsers = tcase_create("parsers");
	tcase_add_test(parsers, tsan_report_points_into_student_file);
	tcase_add_test(parsers, tsan_clean_log_has_no_reports);
	tcase_add_test(parsers, helgrind_report_points_into_student_file);
	tcase_add_test(parsers, verdict_needs_key_outcome_and_end);
	tcase_add_test(parsers, rubric_errors_name_the_file_and_entry);
	tcase_add_test(parsers, rubric_defaults_variant_by_check);
	tcase_add_test(parsers, results_json_escapes_anything_a_submission_prints);
	tcase_add_test(parsers, paths_join_with_one_slash_between_parts);
	suite_add_tcase(s, parsers);
	TCase *runner = tcase_create("runner");
	tcase_set_timeout(runner, 60);
	tcase_add_test(runner, run_reports_exit_status_and_output);
	tcase_add_test(runner, run_kills_a_hang_at_its_time_limit);
	tcase_add_test(runner, run_ends_a_command_that_stays_stopped);
	tcase_add_test(runner, run_lets_a_stopped_command_be_continued);
	tcase_add_test(runner, run_sees_a_stop_after_an_unseen_continue);
	tcase_add_test(runner, run_caps_a_flood_of_output);
	tcase_add_test(runner, run_survives_a_command_that_kills_its_parent);
	tcase_add_test(runner, run_kills_daemons_left_behind);
	suite_add_tcase(s, runner);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
