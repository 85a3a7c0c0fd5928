/*
 * run.c -- run one untrusted command in isolation and collect what it did.
 *
 * Every command runs under a keeper (keeper.c), which starts it, limits it,
 * kills what it leaves behind and reports how it ended.  This file feeds
 * the command its configuration, reads its output, verdict records and the
 * keeper's reports side by side with caps, and cleans up if the keeper
 * itself is killed: then the grader kills the command's group and sweeps
 * its own orphans.
 */
#include "run.h"

#include "keeper.h"
#include "protocol.h"
#include "text.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

enum { VERDICT_CAP = 1 << 20, GRACE_SECONDS = 3 };

void run_init(void)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGPIPE, SIG_IGN);
}

struct buffer {
	char *data;
	size_t len, cap, total;
	bool open;
};

/* Reads what is there; keeps up to cap bytes, counts the rest. */
static void drain(int fd, struct buffer *b)
{
	char chunk[65536];
	ssize_t n = read(fd, chunk, sizeof chunk);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		b->open = false;
		return;
	}
	b->total += (size_t)n;
	size_t keep = b->len < b->cap ? b->cap - b->len : 0;
	if (keep > (size_t)n)
		keep = (size_t)n;
	memcpy(b->data + b->len, chunk, keep);
	b->len += keep;
	b->data[b->len] = '\0';
}

static void buffer_init(struct buffer *b, size_t cap, bool open)
{
	b->data = calloc(1, cap + 1);
	b->cap = b->data ? cap : 0;
	b->len = b->total = 0;
	b->open = open && b->data;
}

/* Whether the keeper reported this event in what it sent; the report. */
static bool keeper_said(const struct buffer *b, enum keeper_event event, struct keeper_report *k)
{
	for (size_t off = 0; b->data && off + sizeof *k <= b->len; off += sizeof *k) {
		memcpy(k, b->data + off, sizeof *k);
		if (k->event == (int)event)
			return true;
	}
	return false;
}

static void apply_end(const struct keeper_report *k, struct run_result *r)
{
	r->seconds = k->seconds;
	r->leftover_processes = k->leftover;
	if (k->end == END_TIMED_OUT)
		r->timed_out = true;
	else if (k->end == END_STOPPED)
		r->stopped_by = k->value, r->signal = SIGKILL;
	else if (k->end == END_SIGNALED)
		r->signal = k->value;
	else {
		r->exited = true;
		r->exit_code = k->value;
	}
}

static void set_nonblocking(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* A pipe holding the whole of text, its writing end closed: the read end,
 * or -1.  The text fits in the pipe's buffer (PROTOCOL_CONFIG_MAX). */
static int filled_pipe(const char *text)
{
	int p[2];
	size_t len = strlen(text);
	if (len > PROTOCOL_CONFIG_MAX || pipe2(p, O_CLOEXEC) != 0)
		return -1;
	bool written = write(p[1], text, len) == (ssize_t)len;
	close(p[1]);
	if (!written) {
		close(p[0]);
		return -1;
	}
	return p[0];
}

void run_command(const struct run_spec *spec, struct run_result *r)
{
	memset(r, 0, sizeof *r);
	int out[2], verdict[2] = {-1, -1}, status[2];
	int config = spec->config ? filled_pipe(spec->config) : -1;
	if ((spec->config && config < 0) || pipe2(out, O_CLOEXEC) || pipe2(status, O_CLOEXEC) ||
	    (spec->verdict_channel && pipe2(verdict, O_CLOEXEC))) {
		r->output = xstrdup("grader: cannot create pipes");
		return;
	}
	double start = monotonic_now();
	pid_t grader = getpid();
	pid_t keeper = fork();
	if (keeper == 0) {
		close(out[0]);
		close(status[0]);
		if (verdict[0] >= 0)
			close(verdict[0]);
		keeper_main(spec, grader, out[1], verdict[1], config, status[1]);
	}
	if (config >= 0)
		close(config);
	close(out[1]);
	close(status[1]);
	if (verdict[1] >= 0)
		close(verdict[1]);

	struct buffer outb, verdictb, statusb;
	buffer_init(&outb, spec->output_cap, true);
	buffer_init(&verdictb, VERDICT_CAP, verdict[0] >= 0);
	buffer_init(&statusb, 4096, keeper > 0);
	int fds[3] = {out[0], verdict[0], status[0]};
	struct buffer *bufs[3] = {&outb, &verdictb, &statusb};
	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0)
			set_nonblocking(fds[i]);

	double hard_deadline = start + spec->timeout + GRACE_SECONDS;
	pid_t command_pid = 0;
	bool keeper_lost = false;
	while (outb.open || verdictb.open || statusb.open) {
		struct pollfd p[3];
		int np = 0, map[3];
		for (int i = 0; i < 3; i++)
			if (bufs[i]->open) {
				p[np] = (struct pollfd){fds[i], POLLIN, 0};
				map[np++] = i;
			}
		int left_ms = (int)((hard_deadline - monotonic_now()) * 1000);
		if (left_ms <= 0)
			break;
		if (poll(p, (nfds_t)np, left_ms) < 0 && errno != EINTR)
			break;
		for (int k = 0; k < np; k++)
			if (p[k].revents)
				drain(fds[map[k]], bufs[map[k]]);
		struct keeper_report k;
		if (!command_pid && keeper_said(&statusb, KEEPER_STARTED, &k))
			command_pid = k.pid;
		if (!keeper_lost && !statusb.open && !keeper_said(&statusb, KEEPER_ENDED, &k)) {
			/* The keeper died before reporting: clean up after it, and give
			 * what is left of the command two seconds (once) to close up. */
			keeper_lost = true;
			if (command_pid > 0)
				killpg(command_pid, SIGKILL);
			hard_deadline = monotonic_now() + 2;
		}
	}
	if (keeper > 0) {
		kill(keeper, SIGKILL);
		waitpid(keeper, NULL, 0);
	}
	if (command_pid > 0)
		killpg(command_pid, SIGKILL);
	struct keeper_report end;
	bool ended = keeper_said(&statusb, KEEPER_ENDED, &end);
	if (!ended)
		r->leftover_processes = keeper_sweep_children();

	r->started = keeper > 0 && command_pid > 0;
	r->pid = (int)command_pid;
	r->seconds = monotonic_now() - start;
	int swept = r->leftover_processes;
	if (ended)
		apply_end(&end, r);
	r->leftover_processes += swept;
	if (r->started && !r->exited && !r->signal && !r->timed_out)
		r->signal = SIGKILL; /* the keeper was killed: so was the command */
	r->output = outb.data ? outb.data : xstrdup("");
	r->output_total = outb.total;
	r->verdicts = verdictb.data ? verdictb.data : xstrdup("");
	free(statusb.data);
	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

static int tool(struct run_spec *spec, char **output)
{
	extern char **environ;
	spec->env = environ;
	spec->output_cap = 256UL * 1024;
	struct run_result r;
	run_command(spec, &r);
	*output = r.output;
	r.output = NULL;
	int status = r.exited ? r.exit_code : -1;
	if (!r.exited && *output) {
		char why[128];
		run_describe_end(&r, why, sizeof why);
		char *with_reason = text_format("%s%s %s\n", *output, spec->argv[0], why);
		free(*output);
		*output = with_reason;
	}
	run_result_free(&r);
	return status;
}

int run_tool(char *const argv[], double timeout, char **output)
{
	struct run_spec spec = {.argv = argv, .timeout = timeout};
	return tool(&spec, output);
}

int run_untrusted_tool(char *const argv[], const char *const *readable, const char *const *writable,
                       double timeout, char **output)
{
	struct run_spec spec = {.argv = argv,
	                        .timeout = timeout,
	                        .limit_resources = true,
	                        .readable = readable,
	                        .writable = writable};
	return tool(&spec, output);
}

void run_result_free(struct run_result *r)
{
	free(r->output);
	free(r->verdicts);
	r->output = r->verdicts = NULL;
}

void run_describe_end(const struct run_result *r, char *buf, size_t len)
{
	if (!r->started)
		snprintf(buf, len, "could not be started");
	else if (r->timed_out)
		snprintf(buf, len, "was stopped after its time limit of %.0f s", r->seconds);
	else if (r->stopped_by)
		snprintf(
		    buf, len, "stopped on SIG%s and stayed stopped, so it was killed after %.1f s",
		    sigabbrev_np(r->stopped_by) ? sigabbrev_np(r->stopped_by) : "?", r->seconds);
	else if (r->signal)
		snprintf(buf, len, "was killed by signal %d (%s)", r->signal, strsignal(r->signal));
	else
		snprintf(buf, len, "exited with status %d", r->exit_code);
}

int run_compiler_reading(char *const argv[], const char *source, char **output)
{
	/* Readable: the source's folder and every -I folder; writable: none. */
	const char *readable[24];
	size_t n = 0;
	char *src_dir = folder_of(source);
	readable[n++] = src_dir;
	for (char *const *a = argv; *a && n < 23; a++)
		if (strncmp(*a, "-I", 2) == 0 && (*a)[2])
			readable[n++] = *a + 2;
	readable[n] = NULL;
	const char *writable[] = {NULL};
	int status = run_untrusted_tool(argv, readable, writable, 60, output);
	free(src_dir);
	return status;
}
