/*
 * eventloop.c -- your event loop (the only file you edit).
 *
 * This starting version serves ONE client at a time with blocking calls:
 * it waits for a client, then reads and answers that client until it
 * leaves, and only then accepts the next one.  One client works; a second
 * client waits until the first leaves, and a client that never reads
 * blocks the server forever.  Turn it into an event loop: see README.md.
 */
#include "eventloop.h"

#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_LINE 4096

/* Writes all of buf, blocking as long as it takes. */
static bool write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/* Answers every complete line at the start of buf; returns how many bytes
 * it consumed, or -1 when the client must be closed. */
static long answer_lines(int fd, char *buf, size_t len)
{
	size_t done = 0;
	char *nl;
	while ((nl = memchr(buf + done, '\n', len - done)) != NULL) {
		size_t n = (size_t)(nl - (buf + done));
		char reply[MAX_LINE];
		for (size_t i = 0; i < n; i++)
			reply[i] = buf[done + n - 1 - i];
		reply[n] = '\n';
		if (!write_all(fd, reply, n + 1))
			return -1;
		done += n + 1;
	}
	return len - done >= MAX_LINE ? -1 : (long)done;
}

/* Serves one client until it leaves or stop_fd becomes readable.  Returns
 * false when the server must stop. */
static bool serve_one(int fd, int stop_fd)
{
	char buf[2 * MAX_LINE];
	size_t len = 0;
	for (;;) {
		struct pollfd p[2] = {{.fd = fd, .events = POLLIN},
		                      {.fd = stop_fd, .events = POLLIN}};
		if (poll(p, 2, -1) < 0)
			return false;
		if (p[1].revents)
			return false;
		ssize_t n = read(fd, buf + len, sizeof buf - len);
		if (n <= 0)
			return true;
		len += (size_t)n;
		long used = answer_lines(fd, buf, len);
		if (used < 0)
			return true;
		memmove(buf, buf + used, len - (size_t)used);
		len -= (size_t)used;
	}
}

int serve(int listen_fd, int stop_fd)
{
	for (;;) {
		struct pollfd p[2] = {{.fd = listen_fd, .events = POLLIN},
		                      {.fd = stop_fd, .events = POLLIN}};
		if (poll(p, 2, -1) < 0)
			return -1;
		if (p[1].revents)
			return 0;
		int fd = accept(listen_fd, NULL, NULL);
		if (fd < 0)
			continue;
		bool go_on = serve_one(fd, stop_fd);
		close(fd);
		if (!go_on)
			return 0;
	}
}
