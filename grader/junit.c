/*
 * junit.c -- the results as JUnit XML, for CI systems that show test reports
 * (GitLab, Jenkins, GitHub test-report actions).
 *
 * The de facto JUnit format: <testsuites> holding a <testsuite> per exercise
 * with tests/failures/errors/skipped/time counts, a <testcase> per rubric
 * test (classname "exercise.check", file the student's file and line the
 * first line of it the evidence names, which annotation actions mark), and
 * a <failure message= type=> whose text is the evidence the student would
 * read; <skipped> for a test this machine could not measure, <error> for
 * one the machine failed.  libxml2's writer does the
 * escaping; bytes XML 1.0 cannot carry at all (invalid UTF-8, control
 * characters a submission may print) become "?" first.
 */
#include "junit.h"

#include "rubric.h"
#include "text.h"
#include "util.h"

#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A copy of s that XML 1.0 can hold. */
static char *xml_text(const char *s)
{
	char *clean = text_clean_utf8(s);
	for (unsigned char *c = (unsigned char *)clean; *c; c++)
		if (*c < 0x20 && *c != '\t' && *c != '\n' && *c != '\r')
			*c = '?';
	return clean;
}

static int attribute(xmlTextWriterPtr w, const char *name, const char *value)
{
	char *clean = xml_text(value);
	int rc = xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST clean);
	free(clean);
	return rc < 0 ? -1 : 0;
}

static int number_attribute(xmlTextWriterPtr w, const char *name, double value)
{
	char text[64];
	snprintf(text, sizeof text, "%.3f", value);
	return attribute(w, name, text);
}

static int count_attribute(xmlTextWriterPtr w, const char *name, size_t value)
{
	char text[32];
	snprintf(text, sizeof text, "%zu", value);
	return attribute(w, name, text);
}

/* The first line of the evidence, as the failure's one-line message. */
static char *first_line(const char *output)
{
	size_t len = strcspn(output ? output : "", "\n");
	char *line = xstrndup(output ? output : "", len);
	return line;
}

/* <failure>, <error> or <skipped>, by what the outcome says. */
static const char *problem_element(const struct outcome *o)
{
	if (o->kind == OUTCOME_UNMEASURABLE)
		return "skipped";
	return o->kind == OUTCOME_ENVIRONMENT ? "error" : "failure";
}

static int write_failure(xmlTextWriterPtr w, const struct outcome *o)
{
	char *reason = outcome_unmeasurable_reason(o);
	char *message = reason ? reason : first_line(o->output);
	char *body = xml_text(o->output);
	int rc = xmlTextWriterStartElement(w, BAD_CAST problem_element(o)) < 0 ||
	                 attribute(w, "message", *message ? message : "failed") ||
	                 attribute(w, "type", check_name(o->check)) ||
	                 xmlTextWriterWriteString(w, BAD_CAST body) < 0 ||
	                 xmlTextWriterEndElement(w) < 0
	             ? -1
	             : 0;
	free(message);
	free(body);
	return rc;
}

static bool flagged(const struct outcome *o)
{
	return !o->passed || o->kind != OUTCOME_GRADED;
}

static int write_testcase(xmlTextWriterPtr w, const struct outcome *o, const char *src)
{
	char classname[256];
	snprintf(classname, sizeof classname, "%s.%s", o->exercise, check_name(o->check));
	char *file = submission_path(src, o->exercise);
	int line = outcome_line(o, file);
	bool started = xmlTextWriterStartElement(w, BAD_CAST "testcase") >= 0 &&
	               !attribute(w, "name", o->name) && !attribute(w, "classname", classname) &&
	               !attribute(w, "file", file) &&
	               !(line > 0 && count_attribute(w, "line", (size_t)line)) &&
	               !number_attribute(w, "time", o->seconds);
	free(file);
	if (!started)
		return -1;
	if (flagged(o) && write_failure(w, o))
		return -1;
	if (!flagged(o) && o->output && *o->output) {
		char *body = xml_text(o->output);
		int rc = xmlTextWriterWriteElement(w, BAD_CAST "system-out", BAD_CAST body);
		free(body);
		if (rc < 0)
			return -1;
	}
	return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

static int write_property(xmlTextWriterPtr w, const char *name, const char *value)
{
	return xmlTextWriterStartElement(w, BAD_CAST "property") < 0 ||
	               attribute(w, "name", name) || attribute(w, "value", value) ||
	               xmlTextWriterEndElement(w) < 0
	           ? -1
	           : 0;
}

static int write_properties(xmlTextWriterPtr w, const struct results *r, const char *exercise)
{
	double max = 0, score = results_score(r, exercise, &max);
	char seed[32], points[64], max_points[64];
	snprintf(seed, sizeof seed, "%llu", (unsigned long long)r->seed);
	snprintf(points, sizeof points, "%g", score);
	snprintf(max_points, sizeof max_points, "%g", max);
	return xmlTextWriterStartElement(w, BAD_CAST "properties") < 0 ||
	               write_property(w, "seed", seed) || write_property(w, "score", points) ||
	               write_property(w, "max_score", max_points) || xmlTextWriterEndElement(w) < 0
	           ? -1
	           : 0;
}

/* Tests failed on their merits (exercise, or all when NULL). */
static size_t failures_in(const struct results *r, const char *exercise)
{
	size_t n = 0;
	for (size_t i = 0; i < r->count; i++)
		n += !r->items[i].passed && r->items[i].kind == OUTCOME_GRADED &&
		     (!exercise || strcmp(r->items[i].exercise, exercise) == 0);
	return n;
}

static int write_suite(xmlTextWriterPtr w, const struct results *r, const char *exercise,
                       const char *src)
{
	size_t tests = 0;
	double seconds = 0;
	for (size_t i = 0; i < r->count; i++) {
		if (strcmp(r->items[i].exercise, exercise) != 0)
			continue;
		tests++;
		seconds += r->items[i].seconds;
	}
	if (xmlTextWriterStartElement(w, BAD_CAST "testsuite") < 0 ||
	    attribute(w, "name", exercise) || count_attribute(w, "tests", tests) ||
	    count_attribute(w, "failures", failures_in(r, exercise)) ||
	    count_attribute(w, "errors", results_count_kind(r, exercise, OUTCOME_ENVIRONMENT)) ||
	    count_attribute(w, "skipped", results_count_kind(r, exercise, OUTCOME_UNMEASURABLE)) ||
	    number_attribute(w, "time", seconds) || write_properties(w, r, exercise))
		return -1;
	for (size_t i = 0; i < r->count; i++)
		if (strcmp(r->items[i].exercise, exercise) == 0 &&
		    write_testcase(w, &r->items[i], src))
			return -1;
	return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

static int write_document(xmlTextWriterPtr w, const struct results *r, const char *const *exercises,
                          int count, const char *src)
{
	if (xmlTextWriterSetIndent(w, 1) < 0 ||
	    xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElement(w, BAD_CAST "testsuites") < 0 ||
	    attribute(w, "name", "concurrency exercises") ||
	    count_attribute(w, "tests", r->count) ||
	    count_attribute(w, "failures", failures_in(r, NULL)) ||
	    count_attribute(w, "errors", results_count_kind(r, NULL, OUTCOME_ENVIRONMENT)) ||
	    number_attribute(w, "time", r->seconds))
		return -1;
	for (int i = 0; i < count; i++)
		if (write_suite(w, r, exercises[i], src))
			return -1;
	return xmlTextWriterEndDocument(w) < 0 ? -1 : 0;
}

int junit_write(const struct results *r, const char *const *exercises, int count, const char *src,
                const char *path, char *err, size_t errlen)
{
	xmlTextWriterPtr w = xmlNewTextWriterFilename(path, 0);
	int rc = w ? write_document(w, r, exercises, count, src) : -1;
	if (w)
		xmlFreeTextWriter(w);
	if (rc != 0)
		snprintf(err, errlen, "cannot write the JUnit report %s", path);
	return rc;
}
