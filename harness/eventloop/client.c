/*
 * client.c -- the harness's clients, one at a time: connect, send, receive
 * with deadlines, and the lines and answers of the protocol.
 *
 * Client sockets are non-blocking and every wait is a poll with a
 * deadline, so a server that stalls fails the test with what was missing
 * instead of hanging it.  Sends use MSG_NOSIGNAL (see el.h).
 */
#include "el.h"
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int client_connect(const struct server *s)
{
	struct sockaddr_un addr;
	socklen_t len = sizeof addr;
	HARNESS_REQUIRE(getsockname(s->listen_fd, (struct sockaddr *)&addr, &len) == 0,
	                "harness: getsockname: %s", strerror(errno));
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	HARNESS_REQUIRE(fd >= 0, "harness: socket: %s (descriptors open: %u)", strerror(errno),
	                count_fds());
	/* A blocking connect waits while the listen queue is full: bounded. */
	double limit = PROMPT_SECONDS * harness_slowdown();
	struct timeval tv = {.tv_sec = (time_t)limit, .tv_usec = 0};
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	int r = connect(fd, (struct sockaddr *)&addr, len);
	HARNESS_REQUIRE(r == 0,
	                "a client could not connect within %.0f s (%s): %s does not accept "
	                "new clients while it serves others",
	                limit, strerror(errno), s->name);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

int client_served(const struct server *s, const char *who)
{
	int fd = client_connect(s);
	round_trip(fd, who, "first\n", 6);
	return fd;
}

void reverse_line(const char *line, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = line[n - 1 - i];
	out[n] = '\n';
}

/* Waits for events on fd until the deadline; false when it passed. */
static bool wait_for(int fd, short events, double deadline)
{
	for (;;) {
		double left = deadline - harness_now();
		if (left <= 0)
			return false;
		struct pollfd p = {.fd = fd, .events = events};
		int r = poll(&p, 1, (int)(left * 1000) + 1);
		if (r > 0)
			return true;
	}
}

bool send_all(int fd, const void *buf, size_t n, double seconds)
{
	double deadline = harness_now() + seconds * harness_slowdown();
	const char *p = buf;
	while (n > 0) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
		if (k > 0) {
			p += k;
			n -= (size_t)k;
		} else if (k < 0 && errno == EAGAIN) {
			if (!wait_for(fd, POLLOUT, deadline))
				return false;
		} else if (k < 0 && errno != EINTR) {
			return false;
		}
	}
	return true;
}

size_t recv_upto(int fd, void *buf, size_t n, double seconds, bool *eof)
{
	double deadline = harness_now() + seconds * harness_slowdown();
	size_t got = 0;
	*eof = false;
	while (got < n) {
		ssize_t k = recv(fd, (char *)buf + got, n - got, 0);
		if (k > 0) {
			got += (size_t)k;
		} else if (k == 0 || (errno != EAGAIN && errno != EINTR)) {
			*eof = true;
			break;
		} else if (!wait_for(fd, POLLIN, deadline)) {
			break;
		}
	}
	return got;
}

bool wait_closed(int fd, double seconds)
{
	char sink[4096];
	double deadline = harness_now() + seconds * harness_slowdown();
	for (;;) {
		ssize_t k = recv(fd, sink, sizeof sink, 0);
		if (k == 0 || (k < 0 && errno != EAGAIN && errno != EINTR))
			return true;
		if (k < 0 && !wait_for(fd, POLLIN, deadline))
			return false;
	}
}

size_t first_difference(const char *a, const char *b, size_t n)
{
	size_t i = 0;
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

void require_answers(const char *who, const char *expected, size_t want, const char *got, size_t n)
{
	size_t at = first_difference(expected, got, n < want ? n : want);
	size_t line = 1;
	for (size_t i = 0; i < at; i++)
		line += expected[i] == '\n';
	if (at < n && at < want)
		harness_fail_at(
		    __FILE__, 0,
		    "%s: answer %zu is wrong at byte %zu of the answers: expected 0x%02x, "
		    "got 0x%02x (each answer is its line's bytes in reverse order, then "
		    "'\\n', in the order the lines came)",
		    who, line, at, (unsigned char)expected[at], (unsigned char)got[at]);
	if (n < want)
		harness_fail_at(
		    __FILE__, 0,
		    "%s: got %zu of the %zu bytes of answers expected (stopped in answer "
		    "%zu): the server stopped answering",
		    who, n, want, line);
}

void round_trip(int fd, const char *who, const char *line, size_t n)
{
	char want[MAX_LINE], got[MAX_LINE];
	HARNESS_REQUIRE(n > 0 && n <= MAX_LINE, "harness: a line of %zu bytes", n);
	reverse_line(line, n - 1, want);
	HARNESS_REQUIRE(send_all(fd, line, n, PROMPT_SECONDS),
	                "%s: could not send a %zu-byte line: the server closed the connection or "
	                "stopped reading",
	                who, n);
	bool eof;
	size_t k = recv_upto(fd, got, n, PROMPT_SECONDS, &eof);
	require_answers(who, want, n, got, k);
}

size_t exchange(int fd, const char *out, size_t n, bool shut, unsigned delay_us, char *in,
                size_t want, bool *eof)
{
	double start = harness_now(), reading = start + delay_us / 1e6;
	double deadline = start + delay_us / 1e6 + 2 * PROMPT_SECONDS * harness_slowdown();
	size_t sent = 0, got = 0;
	bool shut_done = false;
	*eof = false;
	while (got < want && !*eof && harness_now() < deadline) {
		bool may_read = harness_now() >= reading;
		if (sent == n && shut && !shut_done)
			shut_done = shutdown(fd, SHUT_WR) == 0;
		struct pollfd p = {.fd = fd,
		                   .events =
		                       (short)((sent < n ? POLLOUT : 0) | (may_read ? POLLIN : 0))};
		poll(&p, 1, may_read ? 50 : 5);
		if (sent < n) {
			ssize_t k = send(fd, out + sent, n - sent, MSG_NOSIGNAL);
			if (k > 0)
				sent += (size_t)k;
			else if (k < 0 && errno != EAGAIN && errno != EINTR)
				sent = n; /* the server closed: read what it answered */
		}
		if (may_read) {
			ssize_t k = recv(fd, in + got, want - got, 0);
			if (k > 0)
				got += (size_t)k;
			else if (k == 0 || (errno != EAGAIN && errno != EINTR))
				*eof = true;
		}
	}
	return got;
}

size_t random_lines(unsigned lines, size_t max_len, char **text, char **answers)
{
	size_t cap = (size_t)lines * max_len, n = 0;
	char *t = harness_alloc(cap), *a = harness_alloc(cap);
	for (unsigned i = 0; i < lines; i++) {
		size_t len = 1 + harness_random() % max_len; /* with '\n' */
		for (size_t j = 0; j + 1 < len; j++)
			t[n + j] = (char)(' ' + harness_random() % 95);
		t[n + len - 1] = '\n';
		reverse_line(t + n, len - 1, a + n);
		n += len;
	}
	*text = t;
	*answers = a;
	return n;
}
