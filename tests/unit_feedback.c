/*
 * unit_feedback.c -- every failure must end with a pointer into the
 * exercise README's matching section, so every rubric test names a
 * "readme" anchor (the build test may point at the README as a whole), and
 * that anchor must exist: a heading of exercises/E/README.md whose GitHub
 * slug it is.  A typo here sends a stuck student to the top of the page.
 */
#include "course.h"
#include "rubric.h"
#include "text.h"
#include "util.h"

#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GitHub's anchor for a heading: lower case, punctuation dropped (but -
 * and _), each space a hyphen. */
static void slug(const char *heading, char *out, size_t len)
{
	size_t n = 0;
	for (const unsigned char *c = (const unsigned char *)heading; *c && n + 1 < len; c++) {
		if (isalnum(*c) || *c == '-' || *c == '_')
			out[n++] = (char)tolower(*c);
		else if (*c == ' ')
			out[n++] = '-';
	}
	out[n] = '\0';
}

/* Whether the markdown text has a heading (outside code) with this slug. */
static bool has_anchor(const char *markdown, const char *anchor)
{
	char *copy = strdup(markdown);
	bool in_code = false, found = false;
	char *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "```", 3) == 0)
			in_code = !in_code;
		if (in_code || line[0] != '#')
			continue;
		char s[256];
		slug(line + strspn(line, "#") + strspn(line + strspn(line, "#"), " "), s, sizeof s);
		found = strcmp(s, anchor) == 0;
	}
	free(copy);
	return found;
}

START_TEST(slugs_follow_github)
{
	char s[128];
	slug("try_withdraw needs compare-and-swap", s, sizeof s);
	ck_assert_str_eq(s, "try_withdraw-needs-compare-and-swap");
	slug("EINTR: a signal interrupts the `wait`", s, sizeof s);
	ck_assert_str_eq(s, "eintr-a-signal-interrupts-the-wait");
	ck_assert(!has_anchor("```c\n# include\n```\n", "include"));
	ck_assert(has_anchor("# A\n## The story\n", "the-story"));
}
END_TEST

START_TEST(every_failure_points_at_an_existing_readme_section)
{
	for (int i = 0; i < course_count; i++) {
		if (!course_available(".", course[i]))
			continue;
		char *path = path_join(".", "harness", course[i], "rubric.json");
		char *readme_path = path_join(".", "exercises", course[i], "README.md");
		char *readme = text_read_file(readme_path);
		ck_assert_msg(readme != NULL, "%s is missing", readme_path);
		struct rubric r;
		char err[512];
		ck_assert_msg(rubric_load(path, &r, err, sizeof err) == 0, "%s", err);
		for (size_t t = 0; t < r.count; t++) {
			const struct rubric_test *test = &r.tests[t];
			ck_assert_msg(test->readme || test->check == CHECK_BUILD,
			              "%s: \"%s\" has no \"readme\" anchor to point a failure at",
			              path, test->name);
			ck_assert_msg(!test->readme || has_anchor(readme, test->readme),
			              "%s: \"%s\" points at #%s, which no heading of %s makes",
			              path, test->name, test->readme, readme_path);
		}
		rubric_free(&r);
		free(readme);
		free(readme_path);
		free(path);
	}
}
END_TEST

int main(void)
{
	if (course_load(".") != 0)
		return 1;
	Suite *s = suite_create("feedback");
	TCase *tc = tcase_create("readme");
	tcase_add_test(tc, slugs_follow_github);
	tcase_add_test(tc, every_failure_points_at_an_existing_readme_section);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
