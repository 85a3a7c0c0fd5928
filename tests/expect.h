/*
 * expect.h -- the unit tests' assertions on text: what a message or a
 * written file must show, and what it must not.  A failure names the string
 * and shows the text, so the reader need not rerun under a debugger.
 */
#ifndef TESTS_EXPECT_H
#define TESTS_EXPECT_H

#include <check.h>
#include <stdbool.h>
#include <string.h>

/* expect_shows(text, s1, s2, ...): asserts that text holds each string;
 * expect_hides: that it holds none of them. */
#define expect_shows(text, ...) expect_strings(text, (const char *const[]){__VA_ARGS__, NULL}, true)
#define expect_hides(text, ...)                                                                    \
	expect_strings(text, (const char *const[]){__VA_ARGS__, NULL}, false)

/* Asserts, for each string of the NULL-terminated list, that text holds it
 * (shown) or does not. */
static inline void expect_strings(const char *text, const char *const *strings, bool shown)
{
	for (const char *const *s = strings; *s; s++)
		ck_assert_msg((text && strstr(text, *s)) == shown, "\"%s\" %s:\n%s", *s,
		              shown ? "is missing from" : "should not be in",
		              text ? text : "(nothing)");
}

#endif
