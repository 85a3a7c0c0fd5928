/* expect: functional=failed */
/* expect-output: in the order the lines came */
/*
 * out_of_order.c -- corpus: answers wait in a linked list, and each new one
 * is pushed at its head ("O(1)") instead of appended at its tail: whenever
 * several answers wait (pipelined lines, a client that reads late), they
 * leave newest first.
 */
#include "eventloop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define LINE_MAX_BYTES 4096
#define HIGH           (64 * 1024)

/* One answer waiting to be sent. */
struct reply {
	struct reply *next;
	size_t len, sent;
	char data[];
};

struct client {
	char in[LINE_MAX_BYTES];
	size_t in_len;
	struct reply *pending; /* the bug: the newest answer first */
	size_t out_len;        /* bytes of answers waiting */
	bool eof;
};

static struct pollfd *pfds;
static struct client **clients;
static size_t count, room;

/* Pushes the answer at the head of the list: O(1), and backwards. */
static bool put(struct client *c, const char *line, size_t n)
{
	struct reply *r = malloc(sizeof *r + n + 1);
	if (!r)
		return false;
	for (size_t i = 0; i < n; i++)
		r->data[i] = line[n - 1 - i];
	r->data[n] = '\n';
	r->len = n + 1;
	r->sent = 0;
	r->next = c->pending;
	c->pending = r;
	c->out_len += n + 1;
	return true;
}

static void free_replies(struct client *c)
{
	while (c->pending) {
		struct reply *r = c->pending;
		c->pending = r->next;
		free(r);
	}
}

static bool lines(struct client *c)
{
	size_t at = 0;
	char *nl;
	while ((nl = memchr(c->in + at, '\n', c->in_len - at)) != NULL) {
		size_t n = (size_t)(nl - c->in) - at;
		if (!put(c, c->in + at, n))
			return false;
		at += n + 1;
	}
	memmove(c->in, c->in + at, c->in_len - at);
	c->in_len -= at;
	return c->in_len < LINE_MAX_BYTES;
}

/* False when the client is to be closed. */
static bool step(int fd, struct client *c)
{
	while (!c->eof && c->out_len < HIGH) {
		ssize_t n = read(fd, c->in + c->in_len, LINE_MAX_BYTES - c->in_len);
		if (n == 0) {
			c->eof = true;
		} else if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				return false;
			break;
		} else {
			c->in_len += (size_t)n;
			if (!lines(c))
				return false;
		}
	}
	while (c->pending) {
		struct reply *r = c->pending;
		ssize_t n = send(fd, r->data + r->sent, r->len - r->sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0 && errno != EINTR)
			return false;
		if (n > 0) {
			r->sent += (size_t)n;
			c->out_len -= (size_t)n;
		}
		if (r->sent == r->len) {
			c->pending = r->next;
			free(r);
		}
	}
	return !(c->eof && c->out_len == 0);
}

static void drop(size_t i)
{
	close(pfds[i].fd);
	free_replies(clients[i]);
	free(clients[i]);
	count--;
	pfds[i] = pfds[count];
	clients[i] = clients[count];
}

static void take(int fd)
{
	if (count == room) {
		size_t r = room * 2;
		struct pollfd *p = realloc(pfds, r * sizeof *p);
		if (p)
			pfds = p;
		struct client **c = realloc(clients, r * sizeof(struct client *));
		if (c)
			clients = c;
		if (!p || !c) {
			close(fd);
			return;
		}
		room = r;
	}
	struct client *c = calloc(1, sizeof *c);
	if (!c) {
		close(fd);
		return;
	}
	pfds[count] = (struct pollfd){.fd = fd};
	clients[count++] = c;
}

static void finish(void)
{
	while (count > 2)
		drop(2);
	free(pfds);
	free(clients);
	pfds = NULL;
	clients = NULL;
}

int serve(int listen_fd, int stop_fd)
{
	room = 16;
	count = 2;
	pfds = malloc(room * sizeof *pfds);
	clients = calloc(room, sizeof(struct client *));
	if (!pfds || !clients) {
		finish();
		errno = ENOMEM;
		return -1;
	}
	fcntl(listen_fd, F_SETFL, fcntl(listen_fd, F_GETFL) | O_NONBLOCK);
	pfds[0] = (struct pollfd){.fd = stop_fd, .events = POLLIN};
	pfds[1] = (struct pollfd){.fd = listen_fd, .events = POLLIN};
	for (;;) {
		for (size_t i = 2; i < count; i++) {
			struct client *c = clients[i];
			pfds[i].events = 0;
			if (!c->eof && c->out_len < HIGH)
				pfds[i].events |= POLLIN;
			if (c->out_len > 0)
				pfds[i].events |= POLLOUT;
		}
		int r = poll(pfds, count, -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			finish();
			errno = e;
			return -1;
		}
		if (pfds[0].revents) {
			finish();
			return 0;
		}
		for (size_t i = count; i-- > 2;)
			if (pfds[i].revents && !step(pfds[i].fd, clients[i]))
				drop(i);
		if (pfds[1].revents & POLLIN) {
			int fd;
			while ((fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK)) >= 0)
				take(fd);
		}
	}
}
