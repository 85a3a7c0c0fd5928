/*
 * grader.h -- settings of one grading run, shared by the grader's modules.
 */
#ifndef GRADER_GRADER_H
#define GRADER_GRADER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct grader_config {
	const char *root;                  /* the project (absolute): headers, harnesses, rubrics */
	const char *src;                   /* the submission folder, laid out like exercises/ */
	const char *work;                  /* scratch folder for builds and logs (absolute) */
	uint64_t seed;                     /* schedule perturbation seed, passed to every run */
	bool verbose;                      /* show raw tool output too */
	bool any_call;                     /* tests only: ignore the rubrics' allow lists */
	unsigned checks;                   /* checks to grade, bits 1u << enum check_kind; 0: all */
	FILE *stream;                      /* each outcome as a JSON line when known, or NULL */
	unsigned sandbox_uid, sandbox_gid; /* user submissions run as; 0: the grader's */
};

#endif
