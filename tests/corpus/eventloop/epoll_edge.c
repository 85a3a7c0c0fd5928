/* expect: score=full */
/*
 * epoll_edge.c -- corpus: a correct answer with edge-triggered epoll
 * (EPOLLIN | EPOLLOUT | EPOLLET, registered once).  After each edge it
 * reads and sends until neither moves any more: the next edge comes only
 * once the socket has been drained (EAGAIN) or has room again.  Backpressure
 * still holds: past 64 KiB of answers it stops reading, and the EPOLLOUT
 * edge of a drained socket brings it back.  It must earn full marks.
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
	unsigned long moved; /* bytes read and sent so far */
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
			c->moved += (size_t)n;
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
		if (n >= 0) {
			sent += (size_t)n;
			c->moved += (size_t)n;
		} else if (errno == EINTR)
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

/* One edge of a connection: read and send until neither moves, since
 * an edge-triggered descriptor reports nothing new until then. */
static void conn_ready(struct loop *l, struct conn *c)
{
	bool ok = true;
	for (;;) {
		unsigned long moved = c->moved;
		bool reading = c->reading;
		ok = read_some(c) && flush_some(c);
		if (!ok || (c->moved == moved && c->reading == reading))
			break;
	}
	if (!ok || (!c->reading && c->out_len == 0))
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
		struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLET, .data.ptr = c};
		if (!c || epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
			free(c);
			close(fd);
			continue;
		}
		c->fd = fd;
		c->reading = true;
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
