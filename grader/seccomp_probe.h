/*
 * seccomp_probe.h -- whether the harness's seccomp filter can go in here.
 */
#ifndef GRADER_SECCOMP_PROBE_H
#define GRADER_SECCOMP_PROBE_H

#include <stddef.h>

/* One line for the report's header: whether this kernel (or container)
 * lets a process install a seccomp filter, as every harness run does
 * (harness/common/sandbox.c). */
void seccomp_describe(char *buf, size_t len);

#endif
