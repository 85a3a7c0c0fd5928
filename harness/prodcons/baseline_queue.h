/*
 * baseline_queue.h -- the harness's own known-good bounded blocking queue.
 *
 * The throughput check measures the student's queue against this one in the
 * same run, so the verdict compares two figures taken on the same machine
 * under the same load instead of trusting an absolute number.  It lives in
 * the harness (not in solutions/) because the student template ships
 * without solutions.  Built into the harness, it calls the real pthread
 * functions, not the perturbing wrappers.
 */
#ifndef BASELINE_QUEUE_H
#define BASELINE_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

struct baseline_queue;

struct baseline_queue *baseline_create(size_t capacity);
bool baseline_put(struct baseline_queue *q, void *item);
bool baseline_get(struct baseline_queue *q, void **item);

#endif
