/*
 * unit_reports.c -- unit tests of the reports for CI systems: base64, the
 * Classroom reporter's runner result, the job summary and JUnit XML.
 *
 * tests/instructors_test.sh checks them end to end on a real grading; these
 * feed them what a real grading rarely produces: bytes that are not UTF-8,
 * control characters, '|' and quotes in names, an exercise with no points.
 */
#include "github.h"
#include "junit.h"
#include "summary.h"
#include "text.h"

#include <check.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <stdlib.h>
#include <string.h>
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
	char *path = temp_file(), err[256];
	const char *exercises[] = {"balance", "zombie"};
	ck_assert_int_eq(github_write_summary(&r, exercises, 2, path, err, sizeof err), 0);
	char *written = text_read_file(path);
	ck_assert_ptr_nonnull(strstr(written, "## Grade: 15/30\n"));
	ck_assert_ptr_nonnull(strstr(written, "| balance | 5/20 |\n"));
	ck_assert_ptr_nonnull(
	    strstr(written, "| ✅ pass | 5/5 | functional | builds \\| links |\n"));
	ck_assert_ptr_nonnull(strstr(written, "| ❌ fail | 0/15 | functional | a \"race\" |\n"));
	free(written);
	unlink(path);
	free(path);
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
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
