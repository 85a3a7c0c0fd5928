/*
 * server.c -- runs a serve() (the student's or the baseline loop) on a
 * harness thread, with a listening socket in the run folder and a stop
 * pipe, as the contract describes the caller.
 *
 * SIGPIPE: the harness catches it with a handler that only counts.  A
 * server that writes to a vanished client without MSG_NOSIGNAL (and
 * without ignoring SIGPIPE during serve) is sent SIGPIPE; under the
 * default action the process would die, so the test fails, and the
 * handler lets it say why instead of dying silently.  The harness's own
 * clients send with MSG_NOSIGNAL, so every SIGPIPE counted is the server's.
 */
#include "el.h"
#include "eventloop.h"
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static atomic_uint sigpipes;

static void count_sigpipe(int sig)
{
	(void)sig;
	atomic_fetch_add(&sigpipes, 1);
}

static void catch_sigpipe(void)
{
	struct sigaction sa = {.sa_handler = count_sigpipe};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
}

void require_no_sigpipe(void)
{
	unsigned n = atomic_load(&sigpipes);
	HARNESS_REQUIRE(n == 0,
	                "your server was sent SIGPIPE %u time%s: it wrote to a client that had "
	                "gone, and SIGPIPE's default action kills the whole process, every other "
	                "client with it. Send with send(fd, buf, n, MSG_NOSIGNAL) and treat EPIPE "
	                "as that client's end",
	                n, HARNESS_PLURAL(n));
}

/* A listening AF_UNIX socket at a new path in the run folder (the
 * harness's working folder, the one place a run may create files). */
static int listen_here(void)
{
	static atomic_uint serial;
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof addr.sun_path, "el-%u.sock", atomic_fetch_add(&serial, 1));
	unlink(addr.sun_path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	HARNESS_REQUIRE(fd >= 0, "harness: socket(AF_UNIX): %s", strerror(errno));
	HARNESS_REQUIRE(bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0,
	                "harness: cannot bind %s in the run folder: %s", addr.sun_path,
	                strerror(errno));
	HARNESS_REQUIRE(listen(fd, SOMAXCONN) == 0, "harness: listen: %s", strerror(errno));
	return fd;
}

/* The server a hang report speaks of: the last one started. */
static struct server *_Atomic current;

/* Run by the watchdog when a test overruns its limit (see harness.h). */
static void report_server(void)
{
	const struct server *s = atomic_load(&current);
	if (!s)
		return;
	if (atomic_load(&s->returned))
		harness_info("%s had returned %d; the test was still waiting for clients", s->name,
		             s->result);
	else
		harness_info("%s was still running serve(): if it waits in read, write, send or "
		             "accept on one client (a blocking socket), or loops on one client, "
		             "every other client waits",
		             s->name);
}

static void *server_main(void *p)
{
	struct server *s = p;
	harness_adopt_thread();
	int r = s->serve(s->listen_fd, s->stop_rd);
	s->error = errno;
	s->result = r;
	atomic_store(&s->returned, true);
	return NULL;
}

void server_start(struct server *s, serve_fn *fn, const char *name)
{
	catch_sigpipe();
	int stop[2];
	HARNESS_REQUIRE(pipe2(stop, O_CLOEXEC) == 0, "harness: pipe: %s", strerror(errno));
	*s = (struct server){.serve = fn, .name = name, .stop_rd = stop[0], .stop_wr = stop[1]};
	s->listen_fd = listen_here();
	atomic_store(&current, s);
	harness_on_hang(report_server);
	int err = pthread_create(&s->thread, NULL, server_main, s);
	HARNESS_REQUIRE(err == 0, "harness: cannot create the server's thread (error %d)", err);
}

static bool has_returned(void *s)
{
	return atomic_load(&((struct server *)s)->returned);
}

bool server_stop(struct server *s, double seconds)
{
	HARNESS_REQUIRE(write(s->stop_wr, "x", 1) == 1, "harness: write to the stop pipe: %s",
	                strerror(errno));
	if (!harness_wait_until(has_returned, s, seconds))
		return false;
	pthread_join(s->thread, NULL);
	return true;
}

void start_your_server(struct server *s)
{
	server_start(s, serve, "your server");
}

void stop_your_server(struct server *s)
{
	HARNESS_REQUIRE(server_stop(s, PROMPT_SECONDS),
	                "serve did not return within %.0f s of stop_fd becoming readable: watch "
	                "stop_fd in the same poll or epoll_wait as the clients",
	                PROMPT_SECONDS);
	require_no_sigpipe();
}
