/*
 * el.h -- what the eventloop harness files share: a server run on a
 * harness thread, clients, the load driver and the process's measures.
 *
 * The student's serve() runs on a thread of the harness (server.c), so
 * every measure of "the server" is a measure of that thread (its CPU
 * clock) or of the process (heap, descriptors, threads) while the harness
 * itself keeps still.  Clients are the harness's own sockets, never
 * renamed to the wrappers; they send with MSG_NOSIGNAL, so any SIGPIPE the
 * process gets comes from the server.
 */
#ifndef EL_H
#define EL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define MAX_LINE 4096 /* the longest line, with its '\n' */
/* How long an answer that should come may take, before the slowdown. */
#define PROMPT_SECONDS 3.0

/* --- server.c: serve() on a harness thread ------------------------------ */

typedef int serve_fn(int listen_fd, int stop_fd);

struct server {
	serve_fn *serve;
	const char *name; /* "your server", "the baseline loop" */
	int listen_fd, stop_rd, stop_wr;
	pthread_t thread;
	atomic_bool returned;
	int result, error; /* serve's return value and errno */
};

/* Listens on a fresh socket in the run folder and starts fn on a thread. */
void server_start(struct server *s, serve_fn *fn, const char *name);
/* Makes stop_fd readable and waits for serve to return, at most seconds
 * (stretched); false if it did not. */
bool server_stop(struct server *s, double seconds);
/* The student's serve(), started and stopped as above; the stop must come
 * within PROMPT_SECONDS, and no SIGPIPE may have been raised. */
void start_your_server(struct server *s);
void stop_your_server(struct server *s);
/* Fails the test if the server thread was sent SIGPIPE (see server.c). */
void require_no_sigpipe(void);

/* --- process.c: what the harness measures of the whole process ---------- */

/* The process's open descriptors (harness_open_fds, never unknown). */
unsigned count_fds(void);
/* Bytes of heap in use (every arena, mmapped blocks too). */
size_t heap_in_use(void);
/* Resident set size in bytes. */
size_t resident_bytes(void);
/* Raises the descriptor limit to at least n; false if the hard limit is lower. */
bool raise_fd_limit(unsigned n);
/* Waits until count_fds() is at most target or seconds (stretched) pass;
 * returns the last count. */
unsigned wait_fds_at_most(unsigned target, double seconds);

/* --- client.c: one client at a time ------------------------------------- */

/* A connected non-blocking client socket. */
int client_connect(const struct server *s);
/* A connected client whose first round trip went right. */
int client_served(const struct server *s, const char *who);
/* The answer the protocol gives to line[0..n) ('\n' excluded); writes n+1 bytes. */
void reverse_line(const char *line, size_t n, char *out);
/* Sends everything, waiting as needed; false if the server closed. */
bool send_all(int fd, const void *buf, size_t n, double seconds);
/* Receives up to n bytes until n came, EOF, an error or the deadline. */
size_t recv_upto(int fd, void *buf, size_t n, double seconds, bool *eof);
/* True when the server closed the connection (EOF or reset) within
 * seconds, reading and dropping whatever comes first. */
bool wait_closed(int fd, double seconds);
/* One line sent, its answer checked; fails the test with who and what. */
void round_trip(int fd, const char *who, const char *line, size_t n);
/* Sends out[0..n), then (if shut) shuts the writing side; starts reading
 * only after delay_us, then reads until `want` bytes, EOF or the deadline.
 * Returns the bytes received into in (capacity want). */
size_t exchange(int fd, const char *out, size_t n, bool shut, unsigned delay_us, char *in,
                size_t want, bool *eof);
/* Builds `lines` random lines of lengths 1..max_len (with '\n') into a new
 * buffer, and their answers into *answers; returns the byte count. */
size_t random_lines(unsigned lines, size_t max_len, char **text, char **answers);
/* Where two buffers first differ (n if they do not). */
size_t first_difference(const char *a, const char *b, size_t n);
/* Fails the test: what `who` got differs from the answers expected. */
void require_answers(const char *who, const char *expected, size_t want, const char *got, size_t n);

/* --- load.c: many clients on several harness threads --------------------- */

struct load {
	const struct server *server;
	unsigned clients, threads;
	unsigned lines;        /* per client; 0 = until `until` */
	unsigned window;       /* lines a client may have unanswered */
	size_t max_len;        /* longest line, '\n' included */
	double until;          /* harness_now() deadline for lines == 0 */
	bool fragment;         /* send each line in random pieces */
	atomic_ulong answered; /* lines answered right, all clients */
	atomic_uint connected; /* clients connected so far */
	atomic_uint peak_threads;
	bool keep_open; /* leave the clients connected, their sockets in fds */
	int *fds;
};

/* Runs the load to its end; every answer is checked as it comes, and a
 * wrong one fails the test naming the client, the line and the byte. */
void load_run(struct load *l);

/* --- the tests, by concern: each file registers its own ------------------ */

void protocol_tests(void);     /* protocol.c: one client's lines and answers */
void lifecycle_tests(void);    /* lifecycle.c: half-close, vanishing, churn, stop */
void many_tests(void);         /* many.c: a thousand clients, idle CPU, throughput */
void backpressure_tests(void); /* backpressure.c: a client that never reads */

#endif
