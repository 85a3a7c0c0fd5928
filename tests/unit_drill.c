/*
 * unit_drill.c -- unit tests of drill mode's pieces: the hints format, the
 * progress file, the hint ladder, the pristine stubs make reset restores,
 * the course list, and make grade's results recorded as progress.  The
 * screen and the keys are tested in tmux by
 * tests/drill_tmux.sh, the way a student uses them.
 */
#include "commands.h"
#include "course.h"
#include "hints.h"
#include "progress.h"
#include "record.h"
#include "text.h"
#include "util.h"

#include "expect.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A scratch project folder with exercises/balance/hints.txt. */
static char *scratch_root(const char *hints)
{
	char *root = strdup("/tmp/unit-drill-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	char path[512];
	snprintf(path, sizeof path, "%s/exercises", root);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/exercises/balance", root);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/exercises/balance/hints.txt", root);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(hints, f);
	fclose(f);
	return root;
}

static void remove_scratch(char *root)
{
	const char *files[] = {".progress",         "exercises/balance/hints.txt",
	                       "exercises/balance", "exercises/course.list",
	                       "exercises",         ""};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s", root, files[i]);
		remove(path);
	}
	free(root);
}

START_TEST(hints_split_on_dash_lines_only)
{
	struct hints h;
	hints_parse("\nfirst\nline two\n---\n\nsecond --- inline\n----\nstill second\n--- \r\n"
	            "  third\n---\n\n",
	            &h);
	ck_assert_int_eq(h.count, 3);
	ck_assert_str_eq(h.items[0], "first\nline two");
	ck_assert_str_eq(h.items[1], "second --- inline\n----\nstill second");
	ck_assert_str_eq(h.items[2], "third");
	hints_free(&h);
}
END_TEST

START_TEST(progress_survives_a_save_and_keeps_the_best)
{
	char *root = scratch_root("");
	struct progress p;
	progress_load(&p, root);
	ck_assert_int_eq(p.of[0].state, STATE_NEW);
	progress_record(&p, 0, 40, 100);
	progress_record(&p, 0, 25, 100);
	p.of[3].hints = 2;
	ck_assert_int_eq(progress_save(&p), 0);
	progress_free(&p);

	progress_load(&p, root);
	ck_assert_int_eq(p.of[0].state, STATE_STARTED);
	ck_assert_double_eq(p.of[0].best, 40);
	ck_assert_int_eq(p.of[3].hints, 2);
	progress_record(&p, 0, 100, 100);
	ck_assert_int_eq(p.of[0].state, STATE_DONE);
	progress_record(&p, 0, 30, 120);
	ck_assert_msg(p.of[0].best == 30, "a changed rubric total must reset the best score");
	progress_free(&p);
	remove_scratch(root);
}
END_TEST

START_TEST(hints_go_one_level_deeper_each_time_and_stop_at_the_last)
{
	char *root = scratch_root("nudge\n---\nidea\n");
	char *first = hint_next(root, 0), *second = hint_next(root, 0), *again = hint_next(root, 0);
	expect_shows(first, "hint 1 of 2:\n\nnudge\n");
	expect_shows(second, "hint 2 of 2:\n\nidea\n", "That was the last hint");
	expect_shows(again, "hint 2 of 2");
	free(first);
	free(second);
	free(again);
	remove_scratch(root);
}
END_TEST

/* make grade of exercises/ hands its results file to `drill record`: the
 * scores it holds reach .progress as drill mode's own gradings do. */
START_TEST(make_grade_results_are_recorded_as_progress)
{
	char *root = scratch_root("");
	char results[512];
	snprintf(results, sizeof results, "%s/results.json", root);
	FILE *f = fopen(results, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"score\": 140, \"max_score\": 200, \"tests\": ["
	      "{\"exercise\": \"balance\", \"score\": 5, \"max_score\": 5},"
	      "{\"exercise\": \"balance\", \"score\": 95, \"max_score\": 95},"
	      "{\"exercise\": \"deadlock\", \"score\": 40, \"max_score\": 60},"
	      "{\"exercise\": \"deadlock\", \"score\": 0, \"max_score\": 40}]}",
	      f);
	fclose(f);
	ck_assert_int_eq(command_record(root, results), 0);
	struct progress p;
	progress_load(&p, root);
	ck_assert_int_eq(p.of[0].state, STATE_DONE);
	ck_assert_double_eq(p.of[0].best, 100);
	ck_assert_int_eq(p.of[1].state, STATE_STARTED);
	ck_assert_double_eq(p.of[1].best, 40);
	ck_assert_double_eq(p.of[1].max, 100);
	ck_assert_int_eq(p.of[2].state, STATE_NEW);
	progress_free(&p);
	ck_assert_msg(command_record(root, "/nonexistent/results.json") == 2,
	              "an unreadable results file must be refused");
	remove(results);
	remove_scratch(root);
}
END_TEST

/* make reset restores harness/E/E.c.stub: in the project it must be the
 * stub itself, byte for byte. */
START_TEST(every_exercise_has_its_pristine_stub)
{
	for (int i = 0; i < course_count; i++) {
		if (!course_available(".", course[i]))
			continue;
		char file[128], copy_name[128];
		snprintf(file, sizeof file, "%s.c", course[i]);
		snprintf(copy_name, sizeof copy_name, "%s.c.stub", course[i]);
		char *stub_path = path_join(".", "exercises", course[i], file);
		char *copy_path = path_join(".", "harness", course[i], copy_name);
		char *stub = text_read_file(stub_path), *copy = text_read_file(copy_path);
		ck_assert_msg(copy && stub && strcmp(stub, copy) == 0,
		              "%s must be a copy of %s, which make reset restores: "
		              "cp %s %s",
		              copy_path, stub_path, stub_path, copy_path);
		free(stub);
		free(copy);
		free(stub_path);
		free(copy_path);
	}
}
END_TEST

/* Loads list as root/exercises/course.list, in place of the course. */
static int load_list(const char *root, const char *list)
{
	char path[512];
	snprintf(path, sizeof path, "%s/exercises/course.list", root);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(list, f);
	fclose(f);
	course_count = 0;
	return course_load(root);
}

/* The course is exercises/course.list, in its order, without its comments
 * and blank lines; a line that is not a name, or a name listed twice, is
 * refused rather than skipped. */
START_TEST(the_course_list_is_read_in_order_and_checked)
{
	char *root = scratch_root("");
	ck_assert_int_eq(load_list(root, "# the course\nzombie\n\nbalance  \n"), 0);
	ck_assert_int_eq(course_count, 2);
	ck_assert_str_eq(course[0], "zombie");
	ck_assert_str_eq(course[1], "balance");
	ck_assert_int_eq(load_list(root, "balance\nBad-name\n"), -1);
	ck_assert_int_eq(load_list(root, "balance # the first\n"), -1);
	ck_assert_int_eq(load_list(root, "balance\nbalance\n"), -1);
	ck_assert_int_eq(load_list(root, "# none\n"), -1);
	remove_scratch(root);
}
END_TEST

int main(void)
{
	if (course_load(".") != 0)
		return 1;
	Suite *s = suite_create("drill");
	TCase *tc = tcase_create("drill");
	tcase_add_test(tc, hints_split_on_dash_lines_only);
	tcase_add_test(tc, progress_survives_a_save_and_keeps_the_best);
	tcase_add_test(tc, hints_go_one_level_deeper_each_time_and_stop_at_the_last);
	tcase_add_test(tc, every_exercise_has_its_pristine_stub);
	tcase_add_test(tc, the_course_list_is_read_in_order_and_checked);
	tcase_add_test(tc, make_grade_results_are_recorded_as_progress);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
