/*
 * spans.c -- the life of each thread the student's code created: when it
 * began and ended, the CPU time it used and how long it waited for a CPU
 * (harness.h, harness_thread_spans).  The thread wrapper (wrappers.c)
 * opens a span as the thread starts and closes it however the thread ends.
 */
#include "harness.h"
#include "internal.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TRACKED_SPANS 1024
static struct harness_thread_span spans[TRACKED_SPANS];
static atomic_uint span_count;

void harness_thread_spans_reset(void)
{
	memset(spans, 0, sizeof spans);
	atomic_store(&span_count, 0);
}

size_t harness_thread_spans(struct harness_thread_span *out, size_t max)
{
	size_t n = atomic_load(&span_count);
	if (n > TRACKED_SPANS)
		n = TRACKED_SPANS;
	if (n > max)
		n = max;
	memcpy(out, spans, n * sizeof *out);
	return n;
}

/* Seconds the calling thread spent runnable but waiting for a CPU (the
 * second field of /proc/thread-self/schedstat), or 0 where unavailable. */
static double thread_run_delay(void)
{
	int fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	char text[96];
	ssize_t n = read(fd, text, sizeof text - 1);
	close(fd);
	unsigned long long on_cpu, waiting;
	if (n <= 0)
		return 0;
	text[n] = 0;
	if (sscanf(text, "%llu %llu", &on_cpu, &waiting) != 2)
		return 0;
	return (double)waiting / 1e9;
}

void harness_span_end(void *p)
{
	struct harness_thread_span *span = p;
	if (!span)
		return;
	span->cpu = harness_thread_cpu_time();
	span->waited = thread_run_delay() - span->waited;
	span->end = harness_now();
}

struct harness_thread_span *harness_span_begin(void)
{
	unsigned n = atomic_fetch_add(&span_count, 1);
	struct harness_thread_span *span = n < TRACKED_SPANS ? &spans[n] : NULL;
	if (span) {
		span->waited = thread_run_delay();
		span->start = harness_now();
	}
	return span;
}
