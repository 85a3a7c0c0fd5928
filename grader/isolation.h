/*
 * isolation.h -- how submissions are confined on this machine.
 */
#ifndef GRADER_ISOLATION_H
#define GRADER_ISOLATION_H

#include "grader.h"

#include <stddef.h>

/* As root, submissions run as "nobody" and each parallel job as a user of
 * its own (jobuid.c); sets cfg's sandbox user and writes to text what is in
 * force, with a WARNING for each layer the machine cannot give. */
void isolation_choose(struct grader_config *cfg, char *text, size_t len);

#endif
