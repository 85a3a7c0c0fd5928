/*
 * eventloop.h -- one thread serving many connections with an event loop.
 *
 * The interface is fixed by the course contract: do not change it.
 *
 * serve() accepts clients on listen_fd (a listening AF_UNIX stream socket)
 * and serves them until stop_fd (the read end of a pipe) becomes readable;
 * then it closes every connection it accepted and returns 0.  listen_fd and
 * stop_fd stay open: they belong to the caller (serve may set listen_fd
 * non-blocking, and need not read stop_fd nor flush replies still pending at
 * the stop).  It returns -1 with errno when its event call fails.
 *
 * Protocol: a client sends lines ending in '\n', each at most 4096 bytes
 * with its '\n'.  For each line the server sends back the line's bytes in
 * reverse order, then '\n', in the order received.  A longer line: the
 * server closes that client, and no other.  A client that shuts down its
 * writing side gets the answers to every complete line it sent, then the
 * server closes it.  A client that vanishes disturbs no other and never
 * kills the process with SIGPIPE.
 *
 * One thread: no thread, no child process, every accepted socket
 * non-blocking, and the only call that waits is the loop's one poll or
 * epoll_wait.  Backpressure: once 64 KiB of replies wait for a client that
 * does not read, stop reading from it (hold at most 256 KiB for it).
 */
#ifndef EVENTLOOP_H
#define EVENTLOOP_H

int serve(int listen_fd, int stop_fd);

#endif
