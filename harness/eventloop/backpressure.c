/*
 * backpressure.c -- a client sends 16 MiB of lines and never reads its
 * answers.  The server must stop reading from it once 64 KiB of answers
 * wait, so what it holds for that client stays bounded (the contract says
 * at most 256 KiB), and keep answering everyone else promptly.
 *
 * What the server holds is measured as the process's heap in use
 * (mallinfo2, every arena) and resident memory, against their values just
 * before the flood; the harness allocates nothing while it measures.
 * Kernel socket buffers are not counted: they are the kernel's, and
 * bounded by it.  The round trip of another client is timed before and
 * during the flood.
 */
#include "el.h"
#include "eventloop.h"
#include "harness.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FLOOD_BYTES (16UL << 20)
#define HELD_LIMIT  (256UL << 10)
#define SAMPLES     4096
/* Resident pages the harness itself may add during the flood: the flooding
 * thread's stack and the sample arrays, touched as they fill. */
#define HARNESS_PAGES (128UL << 10)

struct flood {
	int fd;
	atomic_bool stop;
	atomic_ulong sent;
	char block[64 * 1024]; /* 64 lines of 1024 bytes */
};

static void *flood_main(void *p)
{
	struct flood *f = p;
	unsigned long sent = 0;
	while (sent < FLOOD_BYTES && !atomic_load(&f->stop)) {
		size_t at = sent % sizeof f->block;
		ssize_t k = send(f->fd, f->block + at, sizeof f->block - at, MSG_NOSIGNAL);
		if (k > 0) {
			sent += (unsigned long)k;
			atomic_store(&f->sent, sent);
		} else if (k < 0 && errno == EAGAIN) {
			struct pollfd pf = {.fd = f->fd, .events = POLLOUT};
			poll(&pf, 1, 20);
		} else if (k < 0 && errno != EINTR) {
			break;
		}
	}
	return NULL;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Round trips of fd until the deadline, into rtt[]; returns how many.
 * Samples the heap and resident growth after each, keeping the peaks. */
static size_t time_round_trips(int fd, double until, double *rtt, size_t heap0, size_t rss0,
                               size_t *heap_peak, size_t *rss_peak)
{
	size_t n = 0;
	while (n < SAMPLES && harness_now() < until) {
		double t = harness_now();
		round_trip(fd,
		           "a client doing round trips while another floods the server without "
		           "reading",
		           "ping\n", 5);
		rtt[n++] = harness_now() - t;
		size_t heap = heap_in_use(), rss = resident_bytes();
		if (heap > heap0 && heap - heap0 > *heap_peak)
			*heap_peak = heap - heap0;
		if (rss > rss0 && rss - rss0 > *rss_peak)
			*rss_peak = rss - rss0;
		harness_sleep_us(2000);
	}
	return n;
}

START_TEST(backpressure)
{
	static double quiet[SAMPLES], busy[SAMPLES];
	static struct flood f;
	for (size_t i = 0; i < sizeof f.block; i++)
		f.block[i] = i % 1024 == 1023 ? '\n' : (char)('a' + i % 26);
	struct server s;
	start_your_server(&s);
	int fast = client_connect(&s);
	f.fd = client_connect(&s);
	round_trip(f.fd, "the client about to flood, first", "hello\n", 6);
	size_t unused = 0, ignored = 0;
	size_t nq = time_round_trips(fast, harness_now() + 0.2, quiet, 0, 0, &unused, &ignored);
	size_t heap0 = heap_in_use(), rss0 = resident_bytes(), heap_peak = 0, rss_peak = 0;
	pthread_t flooder;
	HARNESS_REQUIRE(pthread_create(&flooder, NULL, flood_main, &f) == 0,
	                "harness: cannot start the flooding client");
	size_t nb =
	    time_round_trips(fast, harness_now() + 1.0, busy, heap0, rss0, &heap_peak, &rss_peak);
	atomic_store(&f.stop, true);
	pthread_join(flooder, NULL);
	qsort(quiet, nq, sizeof *quiet, by_value);
	qsort(busy, nb, sizeof *busy, by_value);
	double mq = quiet[nq / 2] * 1e3, mb = busy[nb / 2] * 1e3, worst = busy[nb - 1] * 1e3;
	harness_info("a client sent %.1f MiB of lines and never read (the server took what the "
	             "socket buffers did not hold); meanwhile the process's heap grew by at most "
	             "%zu KiB, its resident memory by %zu KiB",
	             (double)atomic_load(&f.sent) / (1 << 20), heap_peak >> 10, rss_peak >> 10);
	harness_info("another client's round trip: median %.2f ms before the flood, %.2f ms during "
	             "it (worst %.1f ms, %zu round trips)",
	             mq, mb, worst, nb);
	ck_assert_msg(
	    heap_peak <= HELD_LIMIT,
	    "a client sent lines without ever reading the answers, and your server's heap "
	    "grew by %zu KiB (allowed: 256 KiB): stop reading from a client once 64 KiB "
	    "of its answers wait to be sent, and read again when they have gone",
	    heap_peak >> 10);
	ck_assert_msg(rss_peak <= HELD_LIMIT + HARNESS_PAGES,
	              "a client sent lines without ever reading the answers, and the process's "
	              "resident memory grew by %zu KiB (allowed: 256 KiB for your server, and "
	              "%lu KiB for the harness's flooding thread): hold at most 64 KiB of answers "
	              "for a client that does not read, in the heap or in static buffers",
	              rss_peak >> 10, HARNESS_PAGES >> 10);
	ck_assert_msg(mb <= 20.0 * harness_slowdown() + 10 * mq,
	              "while one client flooded the server without reading, another client's round "
	              "trip took %.1f ms (median; %.2f ms before the flood): the flooding client "
	              "must not hold up the others",
	              mb, mq);
	stop_your_server(&s);
}
END_TEST

void backpressure_tests(void)
{
	HARNESS_ADD(backpressure, 15);
}
