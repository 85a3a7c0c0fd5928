/* expect: functional=passed memcheck=failed */
/* expect-output: lost */
/*
 * leaked_buffer.c -- corpus: a connection that ends frees its state but not
 * its output buffer.  Every answer is right and no descriptor stays open;
 * only memcheck sees the memory lost with each departed client.
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

struct client {
	char in[LINE_MAX_BYTES];
	size_t in_len;
	char *out;
	size_t out_len, out_cap;
	bool eof;
};

static struct pollfd *pfds;
static struct client **clients;
static size_t count, room;

static bool put(struct client *c, const char *line, size_t n)
{
	if (c->out_len + n + 1 > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 8192;
		while (cap < c->out_len + n + 1)
			cap *= 2;
		char *p = realloc(c->out, cap);
		if (!p)
			return false;
		c->out = p;
		c->out_cap = cap;
	}
	for (size_t i = 0; i < n; i++)
		c->out[c->out_len + i] = line[n - 1 - i];
	c->out[c->out_len + n] = '\n';
	c->out_len += n + 1;
	return true;
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
	size_t sent = 0;
	while (sent < c->out_len) {
		ssize_t n = send(fd, c->out + sent, c->out_len - sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0 && errno != EINTR)
			return false;
		if (n > 0)
			sent += (size_t)n;
	}
	memmove(c->out, c->out + sent, c->out_len - sent);
	c->out_len -= sent;
	return !(c->eof && c->out_len == 0);
}

static void drop(size_t i)
{
	close(pfds[i].fd);
	free(clients[i]); /* the bug: its output buffer is lost with it */
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
