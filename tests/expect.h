/*
 * expect.h -- the unit tests' assertions on text: what a message or a
 * written file must show, and what it must not.  A failure names the string
 * and shows the text, so the reader need not rerun under a debugger.
 */
#ifndef TESTS_EXPECT_H
#define TESTS_EXPECT_H

#include <check.h>
#include <stdarg.h>
#include <string.h>

/* Asserts that text holds each string given, up to a NULL. */
__attribute__((sentinel)) static inline void expect_shows(const char *text, ...)
{
	va_list ap;
	va_start(ap, text);
	for (const char *s; (s = va_arg(ap, const char *)) != NULL;)
		ck_assert_msg(text && strstr(text, s), "\"%s\" is missing from:\n%s", s,
		              text ? text : "(nothing)");
	va_end(ap);
}

/* Asserts that text holds none of the strings given, up to a NULL. */
__attribute__((sentinel)) static inline void expect_hides(const char *text, ...)
{
	va_list ap;
	va_start(ap, text);
	for (const char *s; (s = va_arg(ap, const char *)) != NULL;)
		ck_assert_msg(!text || !strstr(text, s), "\"%s\" should not be in:\n%s", s, text);
	va_end(ap);
}

#endif
