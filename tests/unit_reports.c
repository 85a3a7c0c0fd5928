/*
 * unit_reports.c -- unit tests of the reports for CI systems: base64, the
 * Classroom reporter's runner result, the job summary and JUnit XML.
 *
 * tests/instructors_test.sh checks them end to end on a real grading; these
 * feed them what a real grading rarely produces: bytes that are not UTF-8,
 * control characters, '|' and quotes in names, an exercise with no points,
 * megabytes of evidence, a test this machine cannot measure, a leaderboard
 * figure, a rubric's visibility.
 */
#include "github.h"
#include "gradescope.h"
#include "junit.h"
#include "summary.h"
#include "text.h"

#include "expect.h"

#include <check.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct outcome outcome(const char *exercise, const char *name, bool passed, double points,
                              const char *output)
{
	return (struct outcome){.exercise = strdup(exercise),
	                        .name = strdup(name),
	                        .check = CHECK_FUNCTIONAL,
	                        .passed = passed,
	                        .score = passed ? points : 0,
	                        .max_score = points,
	                        .seconds = 0.25,
	                        .output = strdup(output)};
}

/* Two exercises: one half right, with hostile output; one all right. */
static void sample(struct results *r)
{
	*r = (struct results){.seed = 77, .seconds = 3};
	results_add(r, outcome("balance", "builds | links", true, 5, ""));
	results_add(r, outcome("balance", "a \"race\"", false, 15,
	                       "lost \xff\xfe updates\x01\x1b[31m\nsecond line <&>\n"));
	results_add(r, outcome("zombie", "reaps", true, 10, "note"));
}

static char *temp_file(void)
{
	char *path = strdup("/tmp/unit-reports-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	return path;
}

/* The job summary written for r's exercises (the file is removed). */
static char *summary_of(const struct results *r, const char *const *exercises, int count)
{
	char *path = temp_file(), err[256];
	ck_assert_int_eq(github_write_summary(r, exercises, count, path, err, sizeof err), 0);
	char *written = text_read_file(path);
	unlink(path);
	free(path);
	return written;
}

START_TEST(base64_matches_rfc4648_vectors)
{
	static const char *const vectors[][2] = {{"", ""},
	                                         {"f", "Zg=="},
	                                         {"fo", "Zm8="},
	                                         {"foo", "Zm9v"},
	                                         {"foob", "Zm9vYg=="},
	                                         {"fooba", "Zm9vYmE="},
	                                         {"foobar", "Zm9vYmFy"}};
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		char *encoded =
		    base64_encode((const unsigned char *)vectors[i][0], strlen(vectors[i][0]));
		ck_assert_str_eq(encoded, vectors[i][1]);
		free(encoded);
	}
}
END_TEST

START_TEST(runner_result_has_partial_points_and_clean_strings)
{
	struct results r;
	sample(&r);
	char *text = github_runner_result(&r, "balance", "exercises");
	json_error_t error;
	json_t *root = json_loads(text, 0, &error);
	ck_assert_msg(root != NULL, "not JSON: %s", error.text);
	ck_assert_int_eq(json_integer_value(json_object_get(root, "version")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(root, "status")), "fail");
	ck_assert(json_number_value(json_object_get(root, "max_score")) == 20);
	json_t *tests = json_object_get(root, "tests");
	ck_assert_int_eq(json_array_size(tests), 2);
	json_t *failed = json_array_get(tests, 1);
	ck_assert_str_eq(json_string_value(json_object_get(failed, "status")), "fail");
	ck_assert(json_number_value(json_object_get(failed, "score")) == 0);
	ck_assert_str_eq(json_string_value(json_object_get(failed, "message")),
	                 "lost ?? updates\x01\x1b[31m\nsecond line <&>\n");
	ck_assert_str_eq(json_string_value(json_object_get(failed, "filename")),
	                 "exercises/balance/balance.c");
	ck_assert_int_eq(json_integer_value(json_object_get(failed, "line_no")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(failed, "duration")), 250);
	json_decref(root);
	free(text);
	results_free(&r);
}
END_TEST

START_TEST(outputs_name_each_runner_in_upper_case)
{
	struct results r;
	sample(&r);
	char *path = temp_file(), err[256];
	const char *exercises[] = {"balance", "zombie"};
	ck_assert_int_eq(github_write_outputs(&r, exercises, 2, "src", path, err, sizeof err), 0);
	char *written = text_read_file(path);
	ck_assert_ptr_nonnull(strstr(written, "\nZOMBIE_RESULTS="));
	ck_assert_int_eq(strncmp(written, "BALANCE_RESULTS=", 16), 0);
	char *zombie = github_runner_result(&r, "zombie", "src");
	char *encoded = base64_encode((const unsigned char *)zombie, strlen(zombie));
	ck_assert_ptr_nonnull(strstr(written, encoded));
	ck_assert_ptr_nonnull(strstr(zombie, "\"status\":\"pass\""));
	free(encoded);
	free(zombie);
	free(written);
	unlink(path);
	free(path);
	results_free(&r);
}
END_TEST

START_TEST(summary_rows_stay_one_line_with_pipes_escaped)
{
	struct results r;
	sample(&r);
	const char *exercises[] = {"balance", "zombie"};
	char *written = summary_of(&r, exercises, 2);
	expect_shows(written, "## Grade: 15/30\n", "| balance | 5/20 |\n",
	             "| ✅ pass | 5/5 | functional | builds \\| links |\n",
	             "| ❌ fail | 0/15 | functional | a \"race\" |\n");
	free(written);
	results_free(&r);
}
END_TEST

static double xpath_number(xmlDocPtr doc, const char *expression)
{
	xmlXPathContextPtr context = xmlXPathNewContext(doc);
	xmlXPathObjectPtr value = xmlXPathEvalExpression(BAD_CAST expression, context);
	double n = value ? xmlXPathCastToNumber(value) : -1;
	xmlXPathFreeObject(value);
	xmlXPathFreeContext(context);
	return n;
}

START_TEST(junit_parses_whatever_the_submission_printed)
{
	struct results r;
	sample(&r);
	char *path = temp_file(), err[256];
	const char *exercises[] = {"balance", "zombie"};
	ck_assert_int_eq(junit_write(&r, exercises, 2, "src", path, err, sizeof err), 0);
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	ck_assert_msg(doc != NULL, "the JUnit file is not well-formed XML");
	ck_assert(xpath_number(doc, "count(/testsuites/testsuite)") == 2);
	ck_assert(xpath_number(doc, "count(//testcase)") == 3);
	ck_assert(xpath_number(doc, "count(//testsuite[@name='balance']/testcase/failure)") == 1);
	ck_assert(xpath_number(doc, "/testsuites/@failures") == 1);
	ck_assert(xpath_number(doc, "count(//failure[@message='lost ?? updates??[31m'])") == 1);
	ck_assert(xpath_number(doc, "count(//testcase[@name='a \"race\"'])") == 1);
	ck_assert(xpath_number(doc, "//testsuite[@name='zombie']/properties/"
	                            "property[@name='score']/@value") == 10);
	xmlFreeDoc(doc);
	unlink(path);
	free(path);
	results_free(&r);
}
END_TEST

/* A decoded runner result's JSON, or a failed check. */
static json_t *parse(const char *text)
{
	json_error_t error;
	json_t *root = json_loads(text, 0, &error);
	ck_assert_msg(root != NULL, "not JSON: %s", error.text);
	return root;
}

START_TEST(runner_result_stays_under_60_kib_whatever_was_printed)
{
	struct results r = {.seed = 5};
	size_t huge = 3 << 20;
	for (int i = 0; i < 12; i++) {
		char *flood = malloc(huge + 1);
		memset(flood, i % 2 ? 'A' : '\x01', huge);
		flood[huge] = '\0';
		char name[32];
		snprintf(name, sizeof name, "test %d", i);
		struct outcome o = outcome("balance", name, false, 10, "");
		free(o.output);
		o.output = flood;
		results_add(&r, o);
	}
	char *text = github_runner_result(&r, "balance", "exercises");
	char *encoded = base64_encode((const unsigned char *)text, strlen(text));
	ck_assert_uint_le(strlen(encoded), (size_t)60 * 1024);
	json_t *root = parse(text);
	json_t *tests = json_object_get(root, "tests");
	ck_assert_int_eq(json_array_size(tests), 12);
	ck_assert(json_number_value(json_object_get(root, "max_score")) == 120);
	const char *message =
	    json_string_value(json_object_get(json_array_get(tests, 1), "message"));
	ck_assert_ptr_nonnull(
	    strstr(message, "more bytes cut: the whole evidence is in the Grade"));
	json_decref(root);
	free(encoded);
	free(text);
	results_free(&r);
}
END_TEST

START_TEST(error_result_is_worth_the_exercise_with_the_reason)
{
	char *text = github_error_result("zombie", 100, "ThreadSanitizer cannot start");
	json_t *root = parse(text);
	ck_assert_str_eq(json_string_value(json_object_get(root, "status")), "error");
	ck_assert(json_number_value(json_object_get(root, "max_score")) == 100);
	json_t *test = json_array_get(json_object_get(root, "tests"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(test, "status")), "error");
	ck_assert(json_number_value(json_object_get(test, "score")) == 0);
	ck_assert_str_eq(json_string_value(json_object_get(test, "message")),
	                 "ThreadSanitizer cannot start");
	json_decref(root);
	free(text);
}
END_TEST

/* A passed timing test whose harness said it could not measure. */
static struct outcome unmeasured(void)
{
	struct outcome o = outcome("saturate", "speedup", true, 25,
	                           "usable CPUs: 1\nunmeasurable here: speedup needs 2 CPUs\n");
	o.check = CHECK_TIMING;
	return o;
}

START_TEST(unmeasurable_test_counts_nothing_and_says_why_everywhere)
{
	struct results r = {.seed = 9};
	results_add(&r, unmeasured());
	/* The same line printed by a failing submission is not believed. */
	struct outcome forged = outcome("saturate", "balance", false, 15,
	                                "its last output:\nunmeasurable here: trust me\n");
	forged.check = CHECK_TIMING;
	results_add(&r, forged);
	ck_assert_int_eq(r.items[0].kind, OUTCOME_UNMEASURABLE);
	ck_assert(r.items[0].score == 0 && r.items[0].max_score == 0);
	ck_assert_int_eq(r.items[1].kind, OUTCOME_GRADED);
	ck_assert(r.items[1].max_score == 15);
	char *path = temp_file(), err[256];
	const char *exercises[] = {"saturate"};
	ck_assert_int_eq(junit_write(&r, exercises, 1, "src", path, err, sizeof err), 0);
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	ck_assert(xpath_number(doc, "count(//testcase/skipped[@message='speedup needs 2 CPUs'])") ==
	          1);
	ck_assert(xpath_number(doc, "/testsuites/testsuite/@skipped") == 1);
	xmlFreeDoc(doc);
	unlink(path);
	free(path);
	char *summary = summary_of(&r, exercises, 1);
	expect_shows(summary, "**WARNING**: 1 test could not be measured",
	             "| ⚠️ not measured | 0/0 | timing | speedup |");
	free(summary);
	results_free(&r);
}
END_TEST

START_TEST(summary_shows_the_first_lines_of_each_failure)
{
	struct results r;
	sample(&r);
	struct text long_evidence = {0};
	for (int i = 1; i <= 40; i++)
		text_printf(&long_evidence, "line %d <b>\n", i);
	struct outcome o = outcome("zombie", "reaps all", false, 10, "");
	free(o.output);
	o.output = text_take(&long_evidence);
	results_add(&r, o);
	const char *exercises[] = {"balance", "zombie"};
	char *written = summary_of(&r, exercises, 2);
	expect_shows(written, "<details><summary>❌ fail 0/15: a \"race\"</summary>",
	             "second line &lt;&amp;&gt;\n",
	             "line 20 &lt;b&gt;\n[... the rest is in the Grade", NULL);
	expect_hides(written, "line 21 ", "summary>✅");
	free(written);
	results_free(&r);
}
END_TEST

START_TEST(summary_stays_under_github_limit)
{
	struct results r = {.seed = 1};
	for (int i = 0; i < 400; i++) {
		struct text evidence = {0};
		for (int j = 0; j < 30; j++)
			text_printf(&evidence, "%0400d\n", j);
		struct outcome o = outcome("balance", "t", false, 1, "");
		free(o.output);
		o.output = text_take(&evidence);
		results_add(&r, o);
	}
	const char *exercises[] = {"balance"};
	char *written = summary_of(&r, exercises, 1);
	ck_assert_uint_lt(strlen(written), (size_t)128 * 1024);
	expect_shows(written, "More failures than this summary can hold");
	free(written);
	results_free(&r);
}
END_TEST

START_TEST(junit_names_the_file_and_the_line)
{
	struct results r = {.seed = 3};
	results_add(&r, outcome("balance", "race", false, 10,
	                        "data race\n  at src/balance/balance.c:17 in balance_get()\n"));
	results_add(&r, outcome("balance", "builds", true, 5, ""));
	char *path = temp_file(), err[256];
	const char *exercises[] = {"balance"};
	ck_assert_int_eq(junit_write(&r, exercises, 1, "src", path, err, sizeof err), 0);
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	ck_assert(xpath_number(doc, "count(//testcase[@file='src/balance/balance.c'])") == 2);
	ck_assert(xpath_number(doc, "//testcase[@name='race']/@line") == 17);
	ck_assert(xpath_number(doc, "count(//testcase[@name='builds']/@line)") == 0);
	xmlFreeDoc(doc);
	unlink(path);
	free(path);
	results_free(&r);
}
END_TEST

/* A project root holding one rubric, for the Gradescope writer. */
static char *rubric_root(void)
{
	char *root = strdup("/tmp/unit-reports-root-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	char dir[256], file[300];
	snprintf(dir, sizeof dir, "%s/harness", root);
	mkdir(dir, 0755);
	snprintf(dir, sizeof dir, "%s/harness/saturate", root);
	mkdir(dir, 0755);
	snprintf(file, sizeof file, "%s/rubric.json", dir);
	FILE *f = fopen(file, "w");
	fputs("{\"exercise\": \"saturate\", \"allow\": [\"malloc\"], \"tests\": [\n"
	      "{\"name\": \"speedup\", \"check\": \"timing\", \"test\": \"speedup\",\n"
	      " \"points\": 25, \"visibility\": \"after_due_date\"}]}\n",
	      f);
	fclose(f);
	return root;
}

START_TEST(gradescope_file_keeps_to_the_spec)
{
	struct results r = {.seed = 11, .seconds = 2};
	struct outcome o = outcome("saturate", "speedup", true, 25,
	                           "leaderboard: saturate speedup = 3.5 (higher is better)\n");
	o.check = CHECK_TIMING;
	results_add(&r, o);
	results_add(&r, outcome("saturate", "counts", false, 15,
	                        "leaderboard: forged = 9 (higher "
	                        "is better)\n"));
	char *root = rubric_root(), *path = temp_file(), err[256];
	ck_assert_int_eq(gradescope_write(&r, root, path, err, sizeof err), 0);
	json_error_t error;
	json_t *file = json_load_file(path, 0, &error);
	ck_assert_msg(file != NULL, "not JSON: %s", error.text);
	ck_assert_ptr_null(json_object_get(file, "max_score"));
	ck_assert(json_number_value(
	              json_object_get(json_object_get(file, "extra_data"), "max_score")) == 40);
	json_t *speedup = json_array_get(json_object_get(file, "tests"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(speedup, "visibility")),
	                 "after_due_date");
	ck_assert_ptr_null(json_object_get(speedup, "check"));
	ck_assert_str_eq(
	    json_string_value(json_object_get(json_object_get(speedup, "extra_data"), "check")),
	    "timing");
	ck_assert_ptr_null(
	    json_object_get(json_array_get(json_object_get(file, "tests"), 1), "visibility"));
	json_t *board = json_object_get(file, "leaderboard");
	ck_assert_int_eq(json_array_size(board), 1);
	json_t *entry = json_array_get(board, 0);
	ck_assert_str_eq(json_string_value(json_object_get(entry, "name")), "saturate speedup");
	ck_assert(json_number_value(json_object_get(entry, "value")) == 3.5);
	ck_assert_str_eq(json_string_value(json_object_get(entry, "order")), "desc");
	json_decref(file);
	unlink(path);
	free(path);
	char rm[256];
	snprintf(rm, sizeof rm, "rm -rf '%s'", root);
	ck_assert_int_eq(system(rm), 0);
	free(root);
	results_free(&r);
}
END_TEST

START_TEST(utf8_cleaning_keeps_valid_text_and_replaces_the_rest)
{
	char *clean = text_clean_utf8(
	    "caf\xc3\xa9 \xe2\x9c\x85 \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x9c");
	ck_assert_str_eq(clean, "caf\xc3\xa9 \xe2\x9c\x85 ?? ??? ???? ??");
	free(clean);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("reports");
	TCase *tc = tcase_create("reports");
	tcase_add_test(tc, base64_matches_rfc4648_vectors);
	tcase_add_test(tc, runner_result_has_partial_points_and_clean_strings);
	tcase_add_test(tc, outputs_name_each_runner_in_upper_case);
	tcase_add_test(tc, summary_rows_stay_one_line_with_pipes_escaped);
	tcase_add_test(tc, junit_parses_whatever_the_submission_printed);
	tcase_add_test(tc, utf8_cleaning_keeps_valid_text_and_replaces_the_rest);
	tcase_add_test(tc, runner_result_stays_under_60_kib_whatever_was_printed);
	tcase_add_test(tc, error_result_is_worth_the_exercise_with_the_reason);
	tcase_add_test(tc, unmeasurable_test_counts_nothing_and_says_why_everywhere);
	tcase_add_test(tc, summary_shows_the_first_lines_of_each_failure);
	tcase_add_test(tc, summary_stays_under_github_limit);
	tcase_add_test(tc, junit_names_the_file_and_the_line);
	tcase_add_test(tc, gradescope_file_keeps_to_the_spec);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
