/* expect: score=full */
/*
 * Correct alternative, with poll, written differently from the reference:
 * blocking descriptors (made with pipe2 and O_CLOEXEC), so after POLLOUT it
 * writes at most PIPE_BUF bytes (which fit without blocking) and after
 * POLLIN one read returns what is there; SIGPIPE ignored with sigaction
 * and the old action put back, instead of blocked; the worker sends header
 * and output with writev, and keeps what is left of the vector after a
 * short write.  After a worker is replaced it polls again, since the new
 * pipes may have the numbers the old ones had in the same poll round.
 */
#include "farm.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define NONE ((size_t)-1)

struct w {
	pid_t pid;
	int to, from;
	size_t task, sent, got;
	unsigned char head[16]; /* u64 length, i64 value: task header, then reply header */
	unsigned char *out;
};

static struct w ws[64];
static unsigned nws;

static int read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		ssize_t r = read(fd, (char *)buf + done, len - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 && done == 0 ? 0 : -1;
		done += (size_t)r;
	}
	return 1;
}

/* Sends the whole vector, keeping what is left of it after a short write. */
static int writev_full(int fd, struct iovec *v, int n)
{
	while (n > 0) {
		ssize_t r = writev(fd, v, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		while (n > 0 && (size_t)r >= v->iov_len) {
			r -= (ssize_t)v->iov_len;
			v++, n--;
		}
		if (n > 0) {
			v->iov_base = (char *)v->iov_base + r;
			v->iov_len -= (size_t)r;
		}
	}
	return 0;
}

static _Noreturn void worker(int in, int out, farm_work work)
{
	uint64_t len;
	int got;
	while ((got = read_full(in, &len, sizeof len)) == 1) {
		void *input = malloc(len ? len : 1), *output = NULL;
		size_t output_len = 0;
		if (!input || (len && read_full(in, input, len) != 1))
			_exit(1);
		int64_t value = work(input, len, &output, &output_len);
		free(input);
		uint64_t head[2] = {value ? 0 : output_len, (uint64_t)value};
		struct iovec v[2] = {{head, sizeof head}, {output, value ? 0 : output_len}};
		if (writev_full(out, v, 2) < 0)
			_exit(1);
		free(output);
	}
	_exit(0);
}

static int spawn(struct w *me, farm_work work)
{
	int down[2], up[2];
	if (pipe2(down, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(up, O_CLOEXEC) < 0) {
		int e = errno;
		close(down[0]), close(down[1]);
		errno = e;
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		for (unsigned k = 0; k < nws; k++)
			if (ws[k].pid > 0 && &ws[k] != me)
				close(ws[k].to), close(ws[k].from);
		close(down[1]), close(up[0]);
		worker(down[0], up[1], work);
	}
	int e = errno;
	close(down[0]), close(up[1]);
	if (pid < 0) {
		close(down[1]), close(up[0]);
		errno = e;
		return -1;
	}
	*me = (struct w){.pid = pid, .to = down[1], .from = up[0], .task = NONE};
	return 0;
}

static int reap(struct w *x)
{
	int status = 0;
	close(x->to), close(x->from);
	while (waitpid(x->pid, &status, 0) < 0 && errno == EINTR)
		;
	x->pid = 0;
	free(x->out);
	x->out = NULL;
	return status;
}

static void give(struct w *x, farm_task_t *tasks, size_t *next, size_t ntasks)
{
	x->task = *next < ntasks ? (*next)++ : NONE;
	x->sent = x->got = 0;
	if (x->task != NONE) {
		uint64_t len = tasks[x->task].input_len;
		memcpy(x->head, &len, 8);
	}
}

/* One step of sending: at most PIPE_BUF bytes, which POLLOUT promises room for. */
static void send_step(struct w *x, const farm_task_t *t)
{
	size_t total = 8 + t->input_len, at = x->sent;
	const unsigned char *src = at < 8 ? x->head + at : (const unsigned char *)t->input + at - 8;
	size_t len = at < 8 ? 8 - at : total - at;
	ssize_t r = write(x->to, src, len < PIPE_BUF ? len : PIPE_BUF);
	if (r > 0)
		x->sent += (size_t)r;
	else if (r < 0 && errno != EINTR)
		x->sent = total; /* EPIPE: the worker died; its result pipe will say so */
}

/* One read; 1 when the task is finished, 0 to go on, -1 when the worker died. */
static int recv_step(struct w *x, farm_task_t *t)
{
	uint64_t len;
	int64_t value;
	memcpy(&len, x->head, 8);
	memcpy(&value, x->head + 8, 8);
	if (x->got >= 16 && !x->out && !value && !(x->out = malloc(len ? len : 1)))
		return -1;
	void *dst = x->got < 16 ? x->head + x->got : x->out + (x->got - 16);
	size_t want = x->got < 16 ? 16 - x->got : 16 + len - x->got;
	ssize_t r = want ? read(x->from, dst, want) : 0;
	if (r < 0 && errno == EINTR)
		return 0;
	if (want && r <= 0)
		return -1;
	x->got += (size_t)r;
	memcpy(&len, x->head, 8);
	memcpy(&value, x->head + 8, 8);
	if (x->got < 16 || (!value && x->got < 16 + len))
		return 0;
	*t = (farm_task_t){t->input, t->input_len, value ? NULL : x->out, value ? 0 : len,
	                   value ? FARM_FAILED : FARM_DONE, (int)value};
	if (!value && !x->out)
		t->output = malloc(1);
	x->out = NULL;
	return 1;
}

static int loop(farm_work work, farm_task_t *tasks, size_t ntasks, size_t *next)
{
	size_t done = 0;
	while (done < ntasks) {
		struct pollfd p[128];
		nfds_t n = 0;
		for (unsigned k = 0; k < nws; k++) {
			struct w *x = &ws[k];
			if (x->task == NONE)
				continue;
			bool sending = x->sent < 8 + tasks[x->task].input_len;
			p[n++] = (struct pollfd){x->from, POLLIN, 0};
			p[n++] = (struct pollfd){sending ? x->to : -1, POLLOUT, 0};
		}
		if (poll(p, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (unsigned k = 0, i = 0; k < nws; k++) {
			struct w *x = &ws[k];
			if (x->task == NONE)
				continue;
			short in = p[i].revents, out = p[i + 1].revents;
			i += 2;
			if (out)
				send_step(x, &tasks[x->task]);
			int r = in ? recv_step(x, &tasks[x->task]) : 0;
			if (r == 1) {
				done++;
				give(x, tasks, next, ntasks);
			} else if (r < 0) {
				int status = reap(x);
				farm_task_t *t = &tasks[x->task];
				*t = (farm_task_t){t->input, t->input_len, NULL, 0, FARM_CRASHED,
				                   WIFSIGNALED(status) ? WTERMSIG(status) : 0};
				done++;
				x->task = NONE;
				if (*next < ntasks) {
					if (spawn(x, work) < 0)
						return -1;
					give(x, tasks, next, ntasks);
				}
				break; /* new descriptors: poll again */
			}
		}
	}
	return 0;
}

int farm_run(unsigned nworkers, farm_work work, farm_task_t tasks[], size_t ntasks)
{
	if (nworkers < 1 || nworkers > 64) {
		errno = EINVAL;
		return -1;
	}
	struct sigaction ignore = {.sa_handler = SIG_IGN}, old;
	sigemptyset(&ignore.sa_mask);
	sigaction(SIGPIPE, &ignore, &old);
	size_t next = 0;
	int r = 0;
	for (nws = 0; nws < nworkers && r == 0; nws++) {
		ws[nws].pid = 0;
		r = spawn(&ws[nws], work);
		if (r == 0)
			give(&ws[nws], tasks, &next, ntasks);
	}
	if (r == 0)
		r = loop(work, tasks, ntasks, &next);
	int e = errno;
	for (unsigned k = 0; k < nws; k++)
		if (ws[k].pid > 0)
			close(ws[k].to), ws[k].to = -1;
	for (unsigned k = 0; k < nws; k++)
		if (ws[k].pid > 0)
			reap(&ws[k]);
	sigaction(SIGPIPE, &old, NULL);
	errno = e;
	return r;
}
