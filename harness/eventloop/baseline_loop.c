/*
 * baseline_loop.c -- a plain poll loop (see baseline_loop.h).  Slot i of
 * the pollfd array and of the connection array are the same client; slots
 * 0 and 1 are the stop pipe and the listening socket.  Each connection has
 * a fixed output buffer of OUT_CAP bytes; it is read only while at least
 * MAX_LINE bytes of it are free, so one read's answers always fit.
 */
#include "baseline_loop.h"
#include "el.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define OUT_CAP ((size_t)64 * 1024)

struct client {
	char in[MAX_LINE];
	size_t in_len, out_len;
	bool eof;
	char out[OUT_CAP];
};

struct table {
	struct pollfd *pfd;
	struct client **cl;
	size_t n, cap;
};

/* Answers the complete lines of c->in; false for a line too long. */
static bool answer(struct client *c)
{
	size_t used = 0;
	for (;;) {
		char *nl = memchr(c->in + used, '\n', c->in_len - used);
		if (!nl)
			break;
		size_t len = (size_t)(nl - c->in) - used;
		reverse_line(c->in + used, len, c->out + c->out_len);
		c->out_len += len + 1;
		used += len + 1;
	}
	c->in_len -= used;
	memmove(c->in, c->in + used, c->in_len);
	return c->in_len < MAX_LINE;
}

/* One client's turn; false when it is to be closed. */
static bool turn(int fd, struct client *c)
{
	while (!c->eof && OUT_CAP - c->out_len >= MAX_LINE) {
		ssize_t k = read(fd, c->in + c->in_len, MAX_LINE - c->in_len);
		if (k == 0)
			c->eof = true;
		if (k <= 0)
			break;
		c->in_len += (size_t)k;
		if (!answer(c))
			return false;
	}
	size_t sent = 0;
	while (sent < c->out_len) {
		ssize_t k = send(fd, c->out + sent, c->out_len - sent, MSG_NOSIGNAL);
		if (k < 0 && errno == EAGAIN)
			break;
		if (k <= 0)
			return false;
		sent += (size_t)k;
	}
	memmove(c->out, c->out + sent, c->out_len - sent);
	c->out_len -= sent;
	return !(c->eof && c->out_len == 0);
}

static void drop(struct table *t, size_t i)
{
	close(t->pfd[i].fd);
	free(t->cl[i]);
	t->n--;
	t->pfd[i] = t->pfd[t->n];
	t->cl[i] = t->cl[t->n];
}

/* Room for one more slot in both arrays. */
static bool grow(struct table *t)
{
	if (t->n < t->cap)
		return true;
	struct pollfd *pfd = realloc(t->pfd, 2 * t->cap * sizeof *pfd);
	if (pfd)
		t->pfd = pfd;
	struct client **cl = realloc(t->cl, 2 * t->cap * sizeof(struct client *));
	if (cl)
		t->cl = cl;
	if (pfd && cl)
		t->cap *= 2;
	return pfd && cl;
}

static void add(struct table *t, int fd)
{
	struct client *c = grow(t) ? calloc(1, sizeof *c) : NULL;
	if (!c) {
		close(fd);
		return;
	}
	t->pfd[t->n] = (struct pollfd){.fd = fd};
	t->cl[t->n++] = c;
}

int baseline_serve(int listen_fd, int stop_fd)
{
	struct table t = {malloc(64 * sizeof(struct pollfd)), malloc(64 * sizeof(struct client *)),
	                  2, 64};
	if (!t.pfd || !t.cl) {
		free(t.pfd);
		free(t.cl);
		return -1;
	}
	t.pfd[0] = (struct pollfd){.fd = stop_fd, .events = POLLIN};
	t.pfd[1] = (struct pollfd){.fd = listen_fd, .events = POLLIN};
	fcntl(listen_fd, F_SETFL, O_NONBLOCK);
	int rc = 0;
	while (!(t.pfd[0].revents & POLLIN)) {
		for (size_t i = 2; i < t.n; i++) {
			struct client *c = t.cl[i];
			t.pfd[i].events =
			    (short)((!c->eof && OUT_CAP - c->out_len >= MAX_LINE ? POLLIN : 0) |
			            (c->out_len ? POLLOUT : 0));
		}
		if (poll(t.pfd, t.n, -1) < 0 && errno != EINTR) {
			rc = -1;
			break;
		}
		for (size_t i = t.n; i-- > 2;)
			if (t.pfd[i].revents && !turn(t.pfd[i].fd, t.cl[i]))
				drop(&t, i);
		int fd;
		while ((t.pfd[1].revents & POLLIN) &&
		       (fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0)
			add(&t, fd);
	}
	while (t.n > 2)
		drop(&t, 2);
	free(t.pfd);
	free(t.cl);
	return rc;
}
