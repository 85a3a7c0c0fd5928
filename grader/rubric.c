/*
 * rubric.c -- reads and validates harness/E/rubric.json (with Jansson).
 *
 * Every mistake an instructor can make in the file is reported with the
 * file name and the entry, so a typo never turns into silent lost points.
 */
#include "rubric.h"

#include "text.h"
#include "util.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const check_names[CHECK_COUNT] = {"build",    "functional", "tsan", "helgrind",
                                                     "memcheck", "timing",     "rules"};
static const char *const variant_names[] = {"debug", "fast", "tsan"};

const char *check_name(enum check_kind check)
{
	return check_names[check];
}
bool check_weighed_by_function(enum check_kind check)
{
	return check != CHECK_BUILD && check != CHECK_FUNCTIONAL;
}

const char *check_names_listed(void)
{
	static char listed[128];
	if (!listed[0])
		for (int k = 0; k < CHECK_COUNT; k++)
			snprintf(listed + strlen(listed), sizeof listed - strlen(listed), "%s%s",
			         k ? ", " : "", check_names[k]);
	return listed;
}

const char *variant_name(enum variant variant)
{
	return variant_names[variant];
}

static int lookup(const char *word, const char *const *names, int count)
{
	for (int i = 0; i < count; i++)
		if (strcmp(word, names[i]) == 0)
			return i;
	return -1;
}

static char *copy_string(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? xstrdup(s) : NULL;
}

static char **copy_strings(json_t *obj, const char *key)
{
	json_t *array = json_object_get(obj, key);
	size_t n = json_is_array(array) ? json_array_size(array) : 0;
	char **out = calloc(n + 1, sizeof *out);
	for (size_t i = 0; out && i < n; i++) {
		const char *s = json_string_value(json_array_get(array, i));
		out[i] = xstrdup(s ? s : "");
	}
	return out;
}

static enum variant default_variant(enum check_kind check)
{
	switch (check) {
	case CHECK_TIMING:
		return VARIANT_FAST;
	case CHECK_TSAN:
	case CHECK_RULES:
		return VARIANT_TSAN;
	default:
		return VARIANT_DEBUG;
	}
}

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* Gradescope's visibility of the test: a typo would show a hidden test. */
static int read_visibility(const char *path, json_t *entry, struct rubric_test *t, char *err,
                           size_t errlen)
{
	static const char *const visibilities[] = {"hidden", "after_due_date", "after_published",
	                                           "visible"};
	json_t *value = json_object_get(entry, "visibility");
	if (!value)
		return 0;
	const char *v = json_string_value(value);
	if (!v || lookup(v, visibilities, 4) < 0)
		return fail(err, errlen,
		            "%s: test \"%s\": \"visibility\" must be hidden, after_due_date, "
		            "after_published or visible",
		            path, t->name);
	t->visibility = xstrdup(v);
	return 0;
}

static int read_test(const char *path, size_t i, json_t *entry, struct rubric_test *t, char *err,
                     size_t errlen)
{
	const char *check = json_string_value(json_object_get(entry, "check"));
	t->name = copy_string(entry, "name");
	if (!t->name)
		return fail(err, errlen, "%s: tests[%zu] has no \"name\"", path, i);
	int kind = check ? lookup(check, check_names, CHECK_COUNT) : -1;
	if (kind < 0)
		return fail(err, errlen, "%s: test \"%s\": \"check\" must be one of %s", path,
		            t->name, check_names_listed());
	t->check = (enum check_kind)kind;
	json_t *points = json_object_get(entry, "points");
	if (!json_is_number(points) || json_number_value(points) < 0)
		return fail(err, errlen, "%s: test \"%s\": \"points\" must be a number >= 0", path,
		            t->name);
	t->points = json_number_value(points);
	t->test = copy_string(entry, "test");
	bool needs_test = t->check != CHECK_BUILD && t->check != CHECK_RULES;
	if (needs_test && !t->test)
		return fail(err, errlen, "%s: test \"%s\" names no harness \"test\" to run", path,
		            t->name);
	const char *variant = json_string_value(json_object_get(entry, "variant"));
	int v = variant ? lookup(variant, variant_names, VARIANT_COUNT)
	                : (int)default_variant(t->check);
	if (v < 0)
		return fail(err, errlen, "%s: test \"%s\": \"variant\" must be debug, fast or tsan",
		            path, t->name);
	t->variant = (enum variant)v;
	t->scale = json_number_value(json_object_get(entry, "scale"));
	t->timeout = json_number_value(json_object_get(entry, "timeout"));
	json_t *repeat = json_object_get(entry, "repeat");
	t->repeat = json_is_integer(repeat) ? (int)json_integer_value(repeat) : 1;
	if (t->repeat < 1)
		t->repeat = 1;
	json_t *schedules = json_object_get(entry, "schedules");
	if (schedules && (!json_is_integer(schedules) || json_integer_value(schedules) < 1 ||
	                  json_integer_value(schedules) > 100000 || t->check != CHECK_FUNCTIONAL))
		return fail(err, errlen,
		            "%s: test \"%s\": \"schedules\" is a count from 1 to 100000, and only "
		            "for a functional check",
		            path, t->name);
	t->schedules = schedules ? (unsigned)json_integer_value(schedules) : 0;
	t->readme = copy_string(entry, "readme");
	t->forbid = copy_strings(entry, "forbid");
	t->require = copy_strings(entry, "require");
	t->forbid_source = copy_strings(entry, "forbid_source");
	t->valgrind = copy_strings(entry, "valgrind");
	t->forbid_why = copy_string(entry, "forbid_why");
	t->require_why = copy_string(entry, "require_why");
	return read_visibility(path, entry, t, err, errlen);
}

/* The functional tests come before the checks their share weighs: the
 * share must be known when those are scored. */
static int check_order(const char *path, const struct rubric *r, char *err, size_t errlen)
{
	bool weighed_seen = false;
	for (size_t i = 0; i < r->count; i++) {
		weighed_seen |= check_weighed_by_function(r->tests[i].check);
		if (weighed_seen && r->tests[i].check == CHECK_FUNCTIONAL)
			return fail(err, errlen,
			            "%s: \"%s\" is a functional test listed after checks its share "
			            "weighs: list every functional test first",
			            path, r->tests[i].name);
	}
	return 0;
}

/* The top-level "allow": a non-empty array of non-empty shell patterns. */
static int read_allow(const char *path, json_t *root, struct rubric *r, char *err, size_t errlen)
{
	json_t *allow = json_object_get(root, "allow");
	if (!json_is_array(allow) || json_array_size(allow) == 0)
		return fail(err, errlen,
		            "%s: needs an \"allow\" array: the functions and objects a submission "
		            "may reference (see harness/README.md)",
		            path);
	size_t i;
	json_t *p;
	json_array_foreach(allow, i, p)
	{
		if (!json_is_string(p) || json_string_length(p) == 0)
			return fail(err, errlen, "%s: \"allow\"[%zu] must be a non-empty string",
			            path, i);
	}
	r->allow = copy_strings(root, "allow");
	return r->allow ? 0 : fail(err, errlen, "%s: out of memory", path);
}

int rubric_load(const char *path, struct rubric *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	if (!root)
		return fail(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
	int rc = 0;
	json_t *tests = json_object_get(root, "tests");
	r->exercise = copy_string(root, "exercise");
	r->helgrind_note = copy_string(root, "helgrind");
	if (!r->exercise || !json_is_array(tests) || json_array_size(tests) == 0) {
		rc = fail(err, errlen, "%s: needs \"exercise\" and a non-empty \"tests\" array",
		          path);
		goto out;
	}
	r->count = json_array_size(tests);
	r->tests = calloc(r->count, sizeof *r->tests);
	if (!r->tests) {
		rc = fail(err, errlen, "%s: out of memory", path);
		goto out;
	}
	for (size_t i = 0; i < r->count && rc == 0; i++)
		rc = read_test(path, i, json_array_get(tests, i), &r->tests[i], err, errlen);
	if (rc == 0)
		rc = check_order(path, r, err, errlen);
	if (rc == 0)
		rc = read_allow(path, root, r, err, errlen);
out:
	json_decref(root);
	return rc;
}

static void free_strings(char **list)
{
	for (char **s = list; s && *s; s++)
		free(*s);
	free(list);
}

char *rubric_path(const char *root, const char *exercise)
{
	return path_join(root, "harness", exercise, "rubric.json");
}

char *submission_path(const char *src, const char *exercise)
{
	return text_format("%s/%s/%s.c", src, exercise, exercise);
}

int rubric_load_exercise(const char *root, const char *exercise, struct rubric *r, char *err,
                         size_t errlen)
{
	char *path = rubric_path(root, exercise);
	int rc = rubric_load(path, r, err, errlen);
	free(path);
	return rc;
}

void rubric_free(struct rubric *r)
{
	for (size_t i = 0; i < r->count; i++) {
		struct rubric_test *t = &r->tests[i];
		free(t->name);
		free(t->test);
		free(t->readme);
		free_strings(t->forbid);
		free_strings(t->require);
		free_strings(t->forbid_source);
		free_strings(t->valgrind);
		free(t->forbid_why);
		free(t->require_why);
		free(t->visibility);
	}
	free(r->tests);
	free(r->exercise);
	free(r->helgrind_note);
	free_strings(r->allow);
	memset(r, 0, sizeof *r);
}
