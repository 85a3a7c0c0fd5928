/*
 * load.c -- many clients at once, spread over several harness threads,
 * each thread driving its clients with one poll.
 *
 * Client c's line k is a function of (seed, c, k): its length and every
 * byte.  So the answer expected at any point is computed, not stored, and
 * each byte received is checked the moment it comes, whatever the number
 * of clients.  A client keeps at most `window` lines unanswered
 * (pipelining) and, with `fragment`, sends each line in random pieces,
 * down to single bytes.
 */
#include "el.h"
#include "harness.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

struct peer {
	int fd;
	unsigned id;
	unsigned sent, answered; /* lines fully sent; lines fully answered */
	size_t send_pos;         /* bytes of line `sent` already sent */
	size_t answer_pos;       /* bytes of answer `answered` already checked */
};

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15u;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

static uint64_t line_key(unsigned client, unsigned line)
{
	return mix(harness_seed() ^ ((uint64_t)client << 32) ^ line);
}

/* Length of client c's line k, '\n' included: mostly short, one in 16
 * up to max_len. */
static size_t line_length(const struct load *l, unsigned c, unsigned k)
{
	uint64_t h = line_key(c, k);
	size_t span = (h & 15) == 0 || l->max_len < 128 ? l->max_len : 128;
	return 1 + (size_t)((h >> 8) % span);
}

/* Byte j of client c's line k. */
static char line_byte(const struct load *l, unsigned c, unsigned k, size_t j)
{
	if (j + 1 == line_length(l, c, k))
		return '\n';
	return (char)(' ' + mix(line_key(c, k) + j + 1) % 95);
}

/* Byte j of the answer to client c's line k. */
static char answer_byte(const struct load *l, unsigned c, unsigned k, size_t j)
{
	size_t n = line_length(l, c, k);
	return j + 1 == n ? '\n' : line_byte(l, c, k, n - 2 - j);
}

static bool wants_to_send(const struct load *l, const struct peer *p)
{
	if (p->sent - p->answered >= l->window)
		return false;
	return l->lines ? p->sent < l->lines : harness_now() < l->until;
}

static bool finished(const struct load *l, const struct peer *p)
{
	return l->lines ? p->answered == l->lines : !wants_to_send(l, p) && p->sent == p->answered;
}

/* Sends the next piece of the current line. */
static void send_piece(const struct load *l, struct peer *p)
{
	char buf[MAX_LINE];
	size_t len = line_length(l, p->id, p->sent), left = len - p->send_pos;
	size_t n = left;
	if (l->fragment && left > 1)
		n = harness_random() % 4 == 0 ? 1 : 1 + harness_random() % left;
	for (size_t j = 0; j < n; j++)
		buf[j] = line_byte(l, p->id, p->sent, p->send_pos + j);
	ssize_t k = send(p->fd, buf, n, MSG_NOSIGNAL);
	if (k < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	HARNESS_REQUIRE(k > 0,
	                "client %u: the server closed the connection while it sent line %u "
	                "(%zu bytes with its '\\n', at most %d allowed)",
	                p->id, p->sent + 1, len, MAX_LINE);
	p->send_pos += (size_t)k;
	if (p->send_pos == len) {
		p->sent++;
		p->send_pos = 0;
	}
}

/* Checks every byte that came; returns whether any did. */
static bool receive(struct load *l, struct peer *p)
{
	char buf[8192];
	ssize_t k = recv(p->fd, buf, sizeof buf, 0);
	if (k < 0 && (errno == EAGAIN || errno == EINTR))
		return false;
	HARNESS_REQUIRE(k > 0,
	                "client %u: the server closed the connection after %u answer%s, with "
	                "%u line%s unanswered",
	                p->id, p->answered, HARNESS_PLURAL(p->answered), p->sent - p->answered,
	                HARNESS_PLURAL(p->sent - p->answered));
	for (ssize_t i = 0; i < k; i++) {
		HARNESS_REQUIRE(
		    p->answered < p->sent,
		    "client %u: got an answer although every line it had sent whole (%u) "
		    "was answered; it had sent %zu bytes of its next line, without the "
		    "'\\n': a piece of a line was answered as if it were a line",
		    p->id, p->sent, p->send_pos);
		char want = answer_byte(l, p->id, p->answered, p->answer_pos);
		HARNESS_REQUIRE(
		    buf[i] == want,
		    "client %u: the answer to its line %u (%zu bytes with '\\n') is wrong at "
		    "byte %zu: expected 0x%02x, got 0x%02x (each answer is its line "
		    "reversed, then '\\n', in the order the lines came)",
		    p->id, p->answered + 1, line_length(l, p->id, p->answered), p->answer_pos,
		    (unsigned char)want, (unsigned char)buf[i]);
		if (++p->answer_pos == line_length(l, p->id, p->answered)) {
			p->answered++;
			p->answer_pos = 0;
			atomic_fetch_add(&l->answered, 1);
		}
	}
	return true;
}

static void note_threads(struct load *l)
{
	unsigned n = (unsigned)harness_thread_count(), peak = atomic_load(&l->peak_threads);
	while (n > peak && !atomic_compare_exchange_weak(&l->peak_threads, &peak, n))
		;
}

/* Fails the test when none of this thread's clients heard anything for
 * too long: names the first client left waiting. */
static void require_progress(const struct peer *peers, unsigned n, double quiet)
{
	for (unsigned i = 0; i < n; i++)
		if (peers[i].sent > peers[i].answered || peers[i].send_pos > 0)
			harness_fail_at(
			    __FILE__, 0,
			    "client %u waited %.1f s for the answer to its line %u (with "
			    "%u clients connected): the server serves one client at a "
			    "time, or blocks on one",
			    peers[i].id, quiet, peers[i].answered + 1, n);
}

static void drive(struct load *l, struct peer *peers, unsigned n)
{
	if (n == 0)
		return;
	struct pollfd *pf = harness_alloc(n * sizeof *pf);
	double quiet_limit = PROMPT_SECONDS * harness_slowdown(), heard = harness_now();
	bool noted = false;
	for (unsigned done = 0; done < n;) {
		done = 0;
		for (unsigned i = 0; i < n; i++) {
			pf[i] = (struct pollfd){.fd = peers[i].fd, .events = POLLIN};
			if (wants_to_send(l, &peers[i]) || peers[i].send_pos > 0)
				pf[i].events |= POLLOUT;
			if (finished(l, &peers[i]))
				pf[i].fd = -1, done++;
		}
		if (done == n)
			break;
		poll(pf, n, 20);
		for (unsigned i = 0; i < n; i++) {
			if (pf[i].revents & POLLOUT)
				send_piece(l, &peers[i]);
			if ((pf[i].revents & (POLLIN | POLLHUP | POLLERR)) && receive(l, &peers[i]))
				heard = harness_now();
		}
		if (!noted && atomic_load(&l->answered) > 0)
			note_threads(l), noted = true;
		if (harness_now() - heard > quiet_limit)
			require_progress(peers, n, harness_now() - heard);
	}
	free(pf);
}

struct load_share {
	struct load *load;
	struct peer *peers;
};

static void load_thread(unsigned t, void *arg)
{
	struct load_share *s = arg;
	struct load *l = s->load;
	unsigned from = t * l->clients / l->threads, to = (t + 1) * l->clients / l->threads;
	struct peer *peers = s->peers + from;
	for (unsigned i = 0; i < to - from; i++) {
		peers[i] = (struct peer){.fd = client_connect(l->server), .id = from + i + 1};
		atomic_fetch_add(&l->connected, 1);
	}
	/* Every client connected before any sends: all of them at once. */
	HARNESS_REQUIRE(harness_wait_count(&l->connected, l->clients, PROMPT_SECONDS),
	                "only %u of %u clients could connect within %.0f s",
	                atomic_load(&l->connected), l->clients, PROMPT_SECONDS);
	drive(l, peers, to - from);
	note_threads(l);
}

void load_run(struct load *l)
{
	struct load_share s = {l, harness_alloc(l->clients * sizeof(struct peer))};
	harness_run_threads(l->threads, load_thread, &s);
	for (unsigned i = 0; i < l->clients; i++)
		if (l->keep_open)
			l->fds[i] = s.peers[i].fd;
		else
			close(s.peers[i].fd);
	free(s.peers);
}
