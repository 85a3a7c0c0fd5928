/* expect: rules=failed */
/* expect-output: pthread_create */
/*
 * thread_per_connection.c -- corpus: the model the exercise replaces: a
 * thread per client, each with blocking reads and writes.  Its answers are
 * right, but it breaks the rule of one thread.  At the stop, serve shuts
 * every live connection down, so each thread's read returns 0 and the
 * thread closes its socket and ends.
 */
#include "eventloop.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FD 8192

static atomic_bool live[MAX_FD];

static void *client_thread(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char in[4096], out[4096];
	size_t len = 0;
	for (;;) {
		ssize_t n = read(fd, in + len, sizeof in - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		char *nl;
		size_t at = 0;
		while ((nl = memchr(in + at, '\n', len - at)) != NULL) {
			size_t k = (size_t)(nl - in) - at;
			for (size_t i = 0; i < k; i++)
				out[i] = in[at + k - 1 - i];
			out[k] = '\n';
			send(fd, out, k + 1, MSG_NOSIGNAL);
			at += k + 1;
		}
		memmove(in, in + at, len - at);
		len -= at;
		if (len == sizeof in)
			break;
	}
	atomic_store(&live[fd], false);
	close(fd);
	return NULL;
}

int serve(int listen_fd, int stop_fd)
{
	for (;;) {
		struct pollfd p[2] = {{.fd = stop_fd, .events = POLLIN},
		                      {.fd = listen_fd, .events = POLLIN}};
		if (poll(p, 2, -1) < 0)
			return -1;
		if (p[0].revents)
			break;
		int fd = accept(listen_fd, NULL, NULL);
		if (fd < 0 || fd >= MAX_FD) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		pthread_t t;
		atomic_store(&live[fd], true);
		if (pthread_create(&t, NULL, client_thread, (void *)(intptr_t)fd) != 0) {
			atomic_store(&live[fd], false);
			close(fd);
			continue;
		}
		pthread_detach(t);
	}
	for (int fd = 0; fd < MAX_FD; fd++)
		if (atomic_load(&live[fd]))
			shutdown(fd, SHUT_RDWR);
	return 0;
}
