/*
 * socket_wrappers.h -- what the socket wrappers (socket_wrappers.c) saw of
 * the student's descriptors.
 *
 * The grader renames the student object's calls to accept, accept4,
 * fcntl, close and the read and write family to the harness_wrap_* functions
 * of socket_wrappers.c (wrap.syms).  They follow, for every socket the
 * student accepted, whether it is non-blocking (from accept4's
 * SOCK_NONBLOCK and fcntl's O_NONBLOCK), and note each read or write the
 * student made on an accepted socket that was still blocking.
 */
#ifndef SOCKET_WRAPPERS_H
#define SOCKET_WRAPPERS_H

/* Reads and writes made on blocking accepted sockets since start. */
struct harness_blocking_io {
	unsigned long calls;     /* how many */
	const char *first_call;  /* the first one's function ("read", "send", ...) */
	const void *first_where; /* its return address in the student's code */
};
struct harness_blocking_io harness_blocking_io(void);

/* Accepted sockets the student has not closed yet. */
unsigned long harness_accepted_open(void);

#endif
