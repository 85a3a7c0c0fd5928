/*
 * protocol.c -- one client's lines and answers: lines of 1 byte and of
 * exactly 4096 bytes, many lines in one write, a line sent a byte at a
 * time, a megabyte of pipelined lines read late (partial writes, order),
 * and a line too long, which closes that client and no other.
 */
#include "el.h"
#include "eventloop.h"
#include "harness.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A line of n bytes with its '\n', of varied printable bytes. */
static char *make_line(size_t n)
{
	char *line = harness_alloc(n);
	for (size_t i = 0; i + 1 < n; i++)
		line[i] = (char)('a' + (i * 7 + i / 26) % 26);
	line[n - 1] = '\n';
	return line;
}

/* Sends text, reads the answers (starting after delay_us) and checks them. */
static void expect_answers(int fd, const char *who, const char *text, const char *answers, size_t n,
                           unsigned delay_us)
{
	char *got = harness_alloc(n);
	bool eof;
	size_t k = exchange(fd, text, n, false, delay_us, got, n, &eof);
	require_answers(who, answers, n, got, k);
	free(got);
}

START_TEST(basics)
{
	struct server s;
	start_your_server(&s);
	int fd = client_connect(&s);
	round_trip(fd, "a 1-byte line (just '\\n')", "\n", 1);
	round_trip(fd, "the line \"hello\"", "hello\n", 6);
	char *line = make_line(MAX_LINE);
	round_trip(fd, "a line of exactly 4096 bytes with its '\\n'", line, MAX_LINE);
	free(line);
	char *text, *answers;
	size_t n = random_lines(200, 100, &text, &answers);
	expect_answers(fd, "200 lines sent in one write", text, answers, n, 0);
	harness_info("answered: 1-byte, 6-byte and 4096-byte lines, then 200 lines (%zu bytes) "
	             "in one write",
	             n);
	free(text);
	free(answers);
	close(fd);
	stop_your_server(&s);
}
END_TEST

START_TEST(byte_at_a_time)
{
	struct server s;
	start_your_server(&s);
	int slow = client_connect(&s), other = client_connect(&s);
	char *line = make_line(120);
	char want[120], got[120];
	reverse_line(line, 119, want);
	for (size_t i = 0; i < 120; i++) {
		HARNESS_REQUIRE(send_all(slow, line + i, 1, PROMPT_SECONDS),
		                "a client sending a line one byte at a time: the server closed the "
		                "connection after byte %zu",
		                i);
		harness_sleep_us(1000);
		if (i == 60)
			round_trip(other,
			           "a second client, while the first was half-way through a "
			           "line sent a byte at a time",
			           "ab\n", 3);
	}
	bool eof;
	size_t k = recv_upto(slow, got, sizeof got, PROMPT_SECONDS, &eof);
	require_answers("a 120-byte line sent one byte at a time, 1 ms apart", want, sizeof want,
	                got, k);
	free(line);
	stop_your_server(&s);
}
END_TEST

START_TEST(pipelined)
{
	struct server s;
	start_your_server(&s);
	int fd = client_connect(&s);
	char *text, *answers;
	size_t n = random_lines(harness_scaled(500), MAX_LINE, &text, &answers);
	expect_answers(fd,
	               "a client that sends its lines without waiting and starts reading 300 ms "
	               "later (the server's writes are then cut short: keep what a write did not "
	               "take, in order)",
	               text, answers, n, 300000);
	harness_info("%zu bytes of lines (up to 4096 bytes each) answered in order", n);
	free(text);
	free(answers);
	stop_your_server(&s);
}
END_TEST

START_TEST(long_line)
{
	struct server s;
	start_your_server(&s);
	int other = client_connect(&s), longer = client_connect(&s), endless = client_connect(&s);
	round_trip(other, "a client connected before the long line", "before\n", 7);
	char *line = make_line(MAX_LINE + 1);
	send_all(longer, line, MAX_LINE + 1, PROMPT_SECONDS);
	ck_assert_msg(wait_closed(longer, PROMPT_SECONDS),
	              "a client sent a line of 4097 bytes with its '\\n' (the limit is 4096): the "
	              "server must close that client, and did not within %.0f s",
	              PROMPT_SECONDS);
	send_all(endless, line, MAX_LINE, PROMPT_SECONDS);
	send_all(endless, line, MAX_LINE, PROMPT_SECONDS);
	ck_assert_msg(wait_closed(endless, PROMPT_SECONDS),
	              "a client sent 8192 bytes without any '\\n': the server must close it once "
	              "the line passes 4096 bytes, and did not");
	free(line);
	round_trip(other,
	           "a client connected while two others sent over-long lines (only those "
	           "two are to be closed)",
	           "after\n", 6);
	int late = client_connect(&s);
	round_trip(late, "a client that connected after the over-long lines", "late\n", 5);
	stop_your_server(&s);
}
END_TEST

void protocol_tests(void)
{
	HARNESS_ADD(basics, 10);
	HARNESS_ADD(byte_at_a_time, 10);
	HARNESS_ADD(pipelined, 15);
	HARNESS_ADD(long_line, 15);
}
