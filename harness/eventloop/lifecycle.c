/*
 * lifecycle.c -- how connections end: a client that shuts down its writing
 * side, clients that vanish mid-line or with answers pending, thousands of
 * connections opened and closed (no descriptor left behind), and the stop.
 */
#include "el.h"
#include "eventloop.h"
#include "harness.h"
#include "socket_wrappers.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

START_TEST(half_close)
{
	struct server s;
	start_your_server(&s);
	int fd = client_connect(&s);
	char *text, *answers;
	size_t n = random_lines(harness_scaled(300), 2000, &text, &answers);
	char *got = harness_alloc(n + 1);
	bool eof;
	size_t k = exchange(fd, text, n, true, 0, got, n + 1, &eof);
	require_answers("a client that sent its lines, then shut down its writing side "
	                "(shutdown(fd, SHUT_WR)): it must still get every answer",
	                answers, n, got, k);
	ck_assert_msg(k == n, "after the answers, the client got %zu more bytes", k - n);
	ck_assert_msg(eof || wait_closed(fd, PROMPT_SECONDS),
	              "a client shut down its writing side and got its %zu bytes of answers, but "
	              "the server did not close the connection after them (read returning 0 "
	              "means the client sends no more: answer what came, then close)",
	              n);
	harness_info("%zu bytes of lines, then shutdown(SHUT_WR): every answer, then EOF", n);
	free(got);
	free(text);
	free(answers);
	stop_your_server(&s);
}
END_TEST

/* A client that sends lines, lets answers start coming, and closes
 * without reading them: the server's next send finds it gone. */
static void vanish_with_answers_pending(const struct server *s)
{
	int fd = client_connect(s);
	char *text, *answers;
	size_t n = random_lines(100, 2000, &text, &answers);
	send_all(fd, text, n, 0.2);
	bool eof;
	char first;
	HARNESS_REQUIRE(recv_upto(fd, &first, 1, PROMPT_SECONDS, &eof) == 1,
	                "a client sent 100 lines and got no answer within %.0f s (another client "
	                "was connected)",
	                PROMPT_SECONDS);
	close(fd);
	free(text);
	free(answers);
}

START_TEST(vanishing)
{
	struct server s;
	start_your_server(&s);
	int steady = client_served(&s, "a steady client, before others vanish");
	unsigned base = count_fds();
	for (int round = 0; round < 10; round++) {
		int mid = client_connect(&s);
		send_all(mid, "half a li", 9, PROMPT_SECONDS);
		close(mid);
		vanish_with_answers_pending(&s);
		int reset = client_connect(&s);
		send_all(reset, "x\ny\n", 4, PROMPT_SECONDS);
		close(reset);
		round_trip(steady,
		           "a steady client, while others vanish mid-line or with answers "
		           "pending",
		           "ping\n", 5);
	}
	require_no_sigpipe();
	unsigned left = wait_fds_at_most(base, PROMPT_SECONDS);
	ck_assert_msg(left <= base,
	              "30 clients vanished, but %u descriptor%s stayed open in the process "
	              "afterwards: close a client's socket when read returns 0 or an error",
	              left - base, HARNESS_PLURAL(left - base));
	round_trip(steady, "a steady client, after 30 others vanished", "still\n", 6);
	stop_your_server(&s);
}
END_TEST

/* Connection i of the churn: a round trip, a half line, or lines whose
 * answers are never read, then close. */
static void churn_one(const struct server *s, long i)
{
	int fd = client_connect(s);
	if (i % 3 == 0)
		round_trip(fd, "a short-lived client", "hi\n", 3);
	else if (i % 3 == 1)
		send_all(fd, "half", 4, PROMPT_SECONDS);
	else
		send_all(fd, "a\nb\nc\n", 6, PROMPT_SECONDS);
	close(fd);
}

START_TEST(churn)
{
	struct server s;
	start_your_server(&s);
	client_served(&s, "a client before the others come and go");
	unsigned base = count_fds(); /* the server is set up: its epoll is open, if any */
	long n = harness_scaled(10000);
	double deadline = harness_deadline(6);
	long done = 0;
	while (done < n && harness_now() < deadline)
		churn_one(&s, done++);
	unsigned left = wait_fds_at_most(base, PROMPT_SECONDS);
	harness_info("%ld connection%s opened and closed one after another", done,
	             HARNESS_PLURAL(done));
	ck_assert_msg(left <= base,
	              "after %ld clients connected and left, %u descriptor%s of the server stayed "
	              "open: close(fd) every connection that ends (EOF, error, line too long)",
	              done, left - base, HARNESS_PLURAL(left - base));
	stop_your_server(&s);
}
END_TEST

static bool still_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static bool is_listening(int fd)
{
	int on = 0;
	socklen_t len = sizeof on;
	return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) == 0 && on;
}

static bool catches_sigpipe(void)
{
	struct sigaction sa;
	return sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler != SIG_IGN &&
	       sa.sa_handler != SIG_DFL;
}

START_TEST(stop)
{
	struct server s;
	unsigned base = count_fds() + 3; /* and the listening socket and stop pipe */
	server_start(&s, serve, "your server");
	int idle = client_connect(&s), partial = client_connect(&s), busy = client_connect(&s);
	round_trip(idle, "a client before the stop", "x\n", 2);
	send_all(partial, "no end", 6, PROMPT_SECONDS);
	char *text, *answers;
	size_t n = random_lines(200, 2000, &text, &answers);
	send_all(busy, text, n, 0.2);
	harness_sleep_us(100000);
	double asked = harness_now();
	ck_assert_msg(server_stop(&s, 1.0),
	              "stop_fd became readable (3 clients connected, one with answers waiting), "
	              "and serve did not return within 1 s: watch stop_fd in the same poll or "
	              "epoll_wait as the clients");
	harness_info("serve returned %d, %.1f ms after stop_fd became readable", s.result,
	             (harness_now() - asked) * 1e3);
	ck_assert_msg(s.result == 0, "serve returned %d after the stop, expected 0", s.result);
	ck_assert_msg(wait_closed(idle, 0.5) && wait_closed(partial, 0.5) && wait_closed(busy, 0.5),
	              "after serve returned, a client's connection was still open: serve closes "
	              "every connection it accepted before it returns");
	close(idle);
	close(partial);
	close(busy);
	unsigned left = count_fds();
	ck_assert_msg(left <= base,
	              "after serve returned and the clients closed, %u more descriptor%s than "
	              "before were open (an epoll instance, a connection?): close them before "
	              "returning",
	              left - base, HARNESS_PLURAL(left - base));
	ck_assert_msg(still_open(s.stop_rd), "serve closed stop_fd: it belongs to the caller");
	ck_assert_msg(still_open(s.listen_fd) && is_listening(s.listen_fd),
	              "serve closed listen_fd: it belongs to the caller");
	ck_assert_msg(catches_sigpipe(), "serve changed SIGPIPE's action and did not put it back");
	free(text);
	free(answers);
	require_no_sigpipe();
}
END_TEST

START_TEST(nonblocking)
{
	struct server s;
	start_your_server(&s);
	struct load l = {.server = &s,
	                 .clients = 20,
	                 .threads = 2,
	                 .lines = 20,
	                 .window = 4,
	                 .max_len = 300,
	                 .fragment = true};
	load_run(&l);
	stop_your_server(&s);
	struct harness_blocking_io b = harness_blocking_io();
	char where[64] = "";
	if (b.calls)
		harness_describe_address(b.first_where, where, sizeof where);
	ck_assert_msg(b.calls == 0,
	              "%lu read%s or write%s on accepted sockets that were still blocking, the "
	              "first a %s at %s: a blocking socket makes one slow client stall everyone. "
	              "Accept with accept4(fd, NULL, NULL, SOCK_NONBLOCK), or set O_NONBLOCK with "
	              "fcntl before using it",
	              b.calls, HARNESS_PLURAL(b.calls), HARNESS_PLURAL(b.calls), b.first_call,
	              where);
}
END_TEST

void lifecycle_tests(void)
{
	HARNESS_ADD(half_close, 15);
	HARNESS_ADD(vanishing, 15);
	HARNESS_ADD(churn, 20);
	HARNESS_ADD(stop, 10);
	HARNESS_ADD(nonblocking, 15);
}
