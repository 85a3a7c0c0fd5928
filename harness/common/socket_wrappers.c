/*
 * socket_wrappers.c -- the functions the student's object calls instead of
 * accept, accept4, fcntl, close and the read and write family (see
 * socket_wrappers.h and wrap.syms).
 *
 * A table indexed by descriptor says, for each socket the student's accept
 * returned, whether it is blocking.  A read or write on such a socket while
 * it blocks (and without MSG_DONTWAIT) is noted: an event loop that blocks
 * on one client stalls every other.  Only the student's calls pass here;
 * the harness's own clients are not renamed.
 *
 * Every exercise's object is renamed the same way, and a signal handler may
 * call write (zombie): the wrappers only load and store atomics and call
 * the real function, which is async-signal-safe, and leave errno as the
 * real call set it.
 */
#include "socket_wrappers.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

/* Descriptors past the table are not followed (no test opens that many). */
#define FD_TABLE 65536

enum fd_state { UNTRACKED, ACCEPTED_BLOCKING, ACCEPTED_NONBLOCKING };

static _Atomic unsigned char fd_states[FD_TABLE];
static atomic_ulong blocking_calls, accepted_open;
static const char *_Atomic first_call;
static const void *_Atomic first_where;

struct harness_blocking_io harness_blocking_io(void)
{
	return (struct harness_blocking_io){atomic_load(&blocking_calls), atomic_load(&first_call),
	                                    atomic_load(&first_where)};
}

unsigned long harness_accepted_open(void)
{
	return atomic_load(&accepted_open);
}

static void set_state(int fd, enum fd_state s)
{
	if (fd < 0 || fd >= FD_TABLE)
		return;
	unsigned char old = atomic_exchange(&fd_states[fd], (unsigned char)s);
	if (old == UNTRACKED && s != UNTRACKED)
		atomic_fetch_add(&accepted_open, 1);
	else if (old != UNTRACKED && s == UNTRACKED)
		atomic_fetch_sub(&accepted_open, 1);
}

/* Notes a read or write on fd if it is an accepted socket that blocks. */
static void note_io(int fd, int flags, const char *call, const void *where)
{
	if (fd < 0 || fd >= FD_TABLE || (flags & MSG_DONTWAIT))
		return;
	if (atomic_load(&fd_states[fd]) != ACCEPTED_BLOCKING)
		return;
	if (atomic_fetch_add(&blocking_calls, 1) == 0) {
		atomic_store(&first_call, call);
		atomic_store(&first_where, where);
	}
}

int harness_wrap_accept(int fd, struct sockaddr *addr, socklen_t *len);
int harness_wrap_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
int harness_wrap_fcntl(int fd, int cmd, ...);
int harness_wrap_close(int fd);
ssize_t harness_wrap_read(int fd, void *buf, size_t n);
ssize_t harness_wrap_write(int fd, const void *buf, size_t n);
ssize_t harness_wrap_readv(int fd, const struct iovec *iov, int n);
ssize_t harness_wrap_writev(int fd, const struct iovec *iov, int n);
ssize_t harness_wrap_recv(int fd, void *buf, size_t n, int flags);
ssize_t harness_wrap_send(int fd, const void *buf, size_t n, int flags);
ssize_t harness_wrap_recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *addr,
                              socklen_t *len);
ssize_t harness_wrap_sendto(int fd, const void *buf, size_t n, int flags,
                            const struct sockaddr *addr, socklen_t len);
ssize_t harness_wrap_recvmsg(int fd, struct msghdr *msg, int flags);
ssize_t harness_wrap_sendmsg(int fd, const struct msghdr *msg, int flags);

int harness_wrap_accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	int c = accept(fd, addr, len);
	set_state(c, ACCEPTED_BLOCKING);
	return c;
}

int harness_wrap_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	int c = accept4(fd, addr, len, flags);
	set_state(c, (flags & SOCK_NONBLOCK) ? ACCEPTED_NONBLOCKING : ACCEPTED_BLOCKING);
	return c;
}

/* fcntl's third argument is an int or a pointer, by command; glibc's own
 * fcntl reads it as a pointer, the widest, and so does this. */
int harness_wrap_fcntl(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	int r = fcntl(fd, cmd, arg);
	if (r == 0 && cmd == F_SETFL && fd >= 0 && fd < FD_TABLE &&
	    atomic_load(&fd_states[fd]) != UNTRACKED)
		set_state(fd,
		          ((int)(long)arg & O_NONBLOCK) ? ACCEPTED_NONBLOCKING : ACCEPTED_BLOCKING);
	return r;
}

int harness_wrap_close(int fd)
{
	/* Forgotten first: once closed, the number may be reused at once. */
	set_state(fd, UNTRACKED);
	return close(fd);
}

ssize_t harness_wrap_read(int fd, void *buf, size_t n)
{
	note_io(fd, 0, "read", __builtin_return_address(0));
	return read(fd, buf, n);
}

ssize_t harness_wrap_write(int fd, const void *buf, size_t n)
{
	note_io(fd, 0, "write", __builtin_return_address(0));
	return write(fd, buf, n);
}

ssize_t harness_wrap_readv(int fd, const struct iovec *iov, int n)
{
	note_io(fd, 0, "readv", __builtin_return_address(0));
	return readv(fd, iov, n);
}

ssize_t harness_wrap_writev(int fd, const struct iovec *iov, int n)
{
	note_io(fd, 0, "writev", __builtin_return_address(0));
	return writev(fd, iov, n);
}

ssize_t harness_wrap_recv(int fd, void *buf, size_t n, int flags)
{
	note_io(fd, flags, "recv", __builtin_return_address(0));
	return recv(fd, buf, n, flags);
}

ssize_t harness_wrap_send(int fd, const void *buf, size_t n, int flags)
{
	note_io(fd, flags, "send", __builtin_return_address(0));
	return send(fd, buf, n, flags);
}

ssize_t harness_wrap_recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *addr,
                              socklen_t *len)
{
	note_io(fd, flags, "recvfrom", __builtin_return_address(0));
	return recvfrom(fd, buf, n, flags, addr, len);
}

ssize_t harness_wrap_sendto(int fd, const void *buf, size_t n, int flags,
                            const struct sockaddr *addr, socklen_t len)
{
	note_io(fd, flags, "sendto", __builtin_return_address(0));
	return sendto(fd, buf, n, flags, addr, len);
}

ssize_t harness_wrap_recvmsg(int fd, struct msghdr *msg, int flags)
{
	note_io(fd, flags, "recvmsg", __builtin_return_address(0));
	return recvmsg(fd, msg, flags);
}

ssize_t harness_wrap_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	note_io(fd, flags, "sendmsg", __builtin_return_address(0));
	return sendmsg(fd, msg, flags);
}
