/*
 * eventloop.c -- reference solution: one thread, epoll (level-triggered),
 * and a state machine per connection.
 *
 * Each connection owns an input buffer (the start of a line not yet
 * complete, at most MAX_LINE bytes) and an output buffer (replies not yet
 * sent).  Invariants:
 *  - every accepted socket is non-blocking, so read and send never wait;
 *    only epoll_wait does;
 *  - a connection is registered for EPOLLIN exactly while it is still
 *    reading and holds less than HIGH_WATER bytes of replies (backpressure:
 *    a reply appended after a read is at most as long as that read, so the
 *    output buffer never exceeds HIGH_WATER + MAX_LINE), and for EPOLLOUT
 *    exactly while replies wait;
 *  - replies leave in the order their lines came, from one FIFO buffer.
 * send uses MSG_NOSIGNAL: a vanished client gives EPIPE, never SIGPIPE.
 */
#include "eventloop.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_LINE   4096
#define HIGH_WATER ((size_t)64 * 1024)
#define MAX_EVENTS 64

struct conn {
	int fd;
	bool reading;      /* false after EOF: answer what came, then close */
	char in[MAX_LINE]; /* in[0..in_len): a line not yet complete */
	size_t in_len;
	char *out; /* out[0..out_len): replies not yet sent */
	size_t out_len, out_cap;
	uint32_t events; /* what epoll watches for this connection */
	struct conn *prev, *next;
};

/* The loop's state: the epoll instance and every open connection. */
struct loop {
	int ep;
	int listen_fd, stop_fd;
	struct conn *conns;
};

static void conn_close(struct loop *l, struct conn *c)
{
	close(c->fd); /* also removes it from the epoll set */
	if (c->prev)
		c->prev->next = c->next;
	else
		l->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	free(c->out);
	free(c);
}

static void close_all(struct loop *l)
{
	while (l->conns)
		conn_close(l, l->conns);
	close(l->ep);
}

/* Makes room for n more bytes of replies. */
static bool out_reserve(struct conn *c, size_t n)
{
	if (c->out_len + n <= c->out_cap)
		return true;
	size_t cap = c->out_cap ? c->out_cap : MAX_LINE;
	while (cap < c->out_len + n)
		cap *= 2;
	char *p = realloc(c->out, cap);
	if (!p)
		return false;
	c->out = p;
	c->out_cap = cap;
	return true;
}

/* Appends the reply to every complete line of the input buffer and keeps
 * the incomplete rest.  False when the connection must close (a line too
 * long, or no memory). */
static bool take_lines(struct conn *c)
{
	size_t start = 0;
	char *nl;
	while ((nl = memchr(c->in + start, '\n', c->in_len - start)) != NULL) {
		size_t n = (size_t)(nl - (c->in + start));
		if (!out_reserve(c, n + 1))
			return false;
		char *r = c->out + c->out_len;
		for (size_t i = 0; i < n; i++)
			r[i] = c->in[start + n - 1 - i];
		r[n] = '\n';
		c->out_len += n + 1;
		start += n + 1;
	}
	memmove(c->in, c->in + start, c->in_len - start);
	c->in_len -= start;
	return c->in_len < MAX_LINE; /* a full buffer without '\n': too long */
}

/* Reads while the socket has data and backpressure allows. */
static bool read_some(struct conn *c)
{
	while (c->reading && c->out_len < HIGH_WATER) {
		ssize_t n = read(c->fd, c->in + c->in_len, MAX_LINE - c->in_len);
		if (n > 0) {
			c->in_len += (size_t)n;
			if (!take_lines(c))
				return false;
		} else if (n == 0) {
			c->reading = false;
		} else if (errno == EINTR) {
			continue;
		} else {
			return errno == EAGAIN || errno == EWOULDBLOCK;
		}
	}
	return true;
}

/* Sends what the socket takes now; keeps the rest in order. */
static bool flush_some(struct conn *c)
{
	size_t sent = 0;
	while (sent < c->out_len) {
		ssize_t n = send(c->fd, c->out + sent, c->out_len - sent, MSG_NOSIGNAL);
		if (n >= 0)
			sent += (size_t)n;
		else if (errno == EINTR)
			continue;
		else if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;
		else
			return false; /* EPIPE, ECONNRESET: the client is gone */
	}
	memmove(c->out, c->out + sent, c->out_len - sent);
	c->out_len -= sent;
	return true;
}

/* Registers what the connection now waits for (see the invariants). */
static bool rewatch(struct loop *l, struct conn *c)
{
	uint32_t want = 0;
	if (c->reading && c->out_len < HIGH_WATER)
		want |= EPOLLIN;
	if (c->out_len > 0)
		want |= EPOLLOUT;
	if (want == c->events)
		return true;
	struct epoll_event ev = {.events = want, .data.ptr = c};
	c->events = want;
	return epoll_ctl(l->ep, EPOLL_CTL_MOD, c->fd, &ev) == 0;
}

/* One readiness event of a connection: read, answer, send, re-arm. */
static void conn_ready(struct loop *l, struct conn *c)
{
	bool ok = read_some(c) && flush_some(c);
	if (ok && c->reading && c->out_len < HIGH_WATER)
		ok = read_some(c) && flush_some(c); /* the flush made room */
	if (!ok || (!c->reading && c->out_len == 0) || !rewatch(l, c))
		conn_close(l, c);
}

/* Accepts every pending client. */
static void accept_all(struct loop *l)
{
	for (;;) {
		int fd = accept4(l->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return; /* EAGAIN: none left; EMFILE and the like: retried later */
		struct conn *c = calloc(1, sizeof *c);
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
		if (!c || epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
			free(c);
			close(fd);
			continue;
		}
		c->fd = fd;
		c->reading = true;
		c->events = EPOLLIN;
		c->next = l->conns;
		if (l->conns)
			l->conns->prev = c;
		l->conns = c;
	}
}

static bool watch(int ep, int fd, void *tag)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = tag};
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0;
}

int serve(int listen_fd, int stop_fd)
{
	struct loop l = {.listen_fd = listen_fd, .stop_fd = stop_fd};
	int flags = fcntl(listen_fd, F_GETFL);
	if (flags < 0 || fcntl(listen_fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -1;
	l.ep = epoll_create1(EPOLL_CLOEXEC);
	if (l.ep < 0)
		return -1;
	/* The two descriptors of the caller are told apart by these tags. */
	if (!watch(l.ep, listen_fd, &l.listen_fd) || !watch(l.ep, stop_fd, &l.stop_fd)) {
		int e = errno;
		close(l.ep);
		errno = e;
		return -1;
	}
	for (;;) {
		struct epoll_event ev[MAX_EVENTS];
		int n = epoll_wait(l.ep, ev, MAX_EVENTS, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close_all(&l);
			errno = e;
			return -1;
		}
		for (int i = 0; i < n; i++) {
			if (ev[i].data.ptr == &l.stop_fd) {
				close_all(&l);
				return 0;
			}
		}
		for (int i = 0; i < n; i++) {
			if (ev[i].data.ptr == &l.listen_fd)
				accept_all(&l);
			else
				conn_ready(&l, ev[i].data.ptr);
		}
	}
}
