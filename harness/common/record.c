/*
 * record.c -- the verdict channel: every record the harness writes.
 *
 * Records go to PROTOCOL_VERDICT_FD, tagged with the run's key (protocol.h);
 * a hand run writes them to stdout.  A record is one line: its text is
 * flattened, cut to fit, and written whole under a lock, so records from
 * several threads never interleave.
 */
#include "controlled.h"
#include "harness.h"
#include "internal.h"
#include "protocol.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static int verdict_fd = STDOUT_FILENO;
static pthread_mutex_t verdict_lock = PTHREAD_MUTEX_INITIALIZER;

void harness_record_to(int fd)
{
	verdict_fd = fd;
}

void harness_record(const char *kind, const char *fmt, va_list ap)
{
	char text[PROTOCOL_RECORD_MAX - 2 * PROTOCOL_KEY_BYTES - 16];
	vsnprintf(text, sizeof text, fmt, ap);
	for (char *c = text; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	char line[PROTOCOL_RECORD_MAX];
	int n = snprintf(line, sizeof line, "%s %s %s\n", harness_config_key(), kind, text);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line) {
		n = sizeof line - 1;
		line[n - 1] = '\n';
	}
	pthread_mutex_lock(&verdict_lock);
	for (int off = 0; off < n;) {
		ssize_t w = write(verdict_fd, line + off, (size_t)(n - off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (int)w;
	}
	pthread_mutex_unlock(&verdict_lock);
}

void harness_recordf(const char *kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	harness_record(kind, fmt, ap);
	va_end(ap);
}

void harness_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	harness_record(RECORD_INFO, fmt, ap);
	va_end(ap);
}

_Noreturn void harness_fail_at(const char *file, int line, const char *fmt, ...)
{
	char text[1800];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	harness_sched_report();
	if (line > 0)
		harness_recordf(RECORD_FAIL, "%s:%d: %s", file, line, text);
	else
		harness_recordf(RECORD_FAIL, "%s", text);
	harness_recordf(RECORD_END, "%s", "-");
	_exit(HARNESS_EXIT_FAILED);
}
