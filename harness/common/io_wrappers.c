/*
 * io_wrappers.c -- the functions the student's object calls instead of
 * read, write, readv and writev (the socket wrappers see them too: each is
 * noted for harness_blocking_io if fd is an accepted blocking socket).
 *
 * wrap.syms renames the student's calls to these (only the student's: the
 * harness and the C library keep the real ones).  Off by default, they
 * pass every call through.  A test turns faults on with harness_io_faults:
 * then at seeded points a call moves fewer bytes than asked, or fails with
 * EINTR before doing anything, as POSIX allows of any read or write on a
 * pipe (a signal handler, a full or nearly empty pipe).  Code that loops
 * until everything moved and retries EINTR sees the same bytes either way.
 *
 * The settings live in the process: a worker the student forks afterwards
 * inherits them, and its seeded stream starts where its parent's was.
 * harness_io_stall_reads makes every later read of the calling process
 * block forever, so that a test can kill a worker that is certainly not
 * draining its task pipe.
 */
#include "harness.h"
#include "internal.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

ssize_t harness_wrap_read(int fd, void *buf, size_t len);
ssize_t harness_wrap_read_chk(int fd, void *buf, size_t len, size_t buflen);
ssize_t harness_wrap_write(int fd, const void *buf, size_t len);
ssize_t harness_wrap_readv(int fd, const struct iovec *iov, int iovcnt);
ssize_t harness_wrap_writev(int fd, const struct iovec *iov, int iovcnt);

static atomic_uint short_rate, eintr_rate;
static atomic_bool reads_stall;
static atomic_ulong calls, shortened, interrupted;

void harness_io_faults(unsigned short_per_mille, unsigned eintr_per_mille)
{
	atomic_store(&short_rate, short_per_mille);
	atomic_store(&eintr_rate, eintr_per_mille);
}

void harness_io_stall_reads(void)
{
	atomic_store(&reads_stall, true);
}

struct harness_io_counts harness_io_counts(void)
{
	return (struct harness_io_counts){atomic_load(&calls), atomic_load(&shortened),
	                                  atomic_load(&interrupted)};
}

/* Whether this call fails with EINTR before it does anything. */
static bool interrupt_now(void)
{
	atomic_fetch_add(&calls, 1);
	if (!harness_chance(atomic_load(&eintr_rate)))
		return false;
	atomic_fetch_add(&interrupted, 1);
	errno = EINTR;
	return true;
}

/* How many of len bytes this call may move: all of them, or (at a seeded
 * point) fewer: half the time a few bytes, which cuts headers in two. */
static size_t allowed(size_t len)
{
	if (len < 2 || !harness_chance(atomic_load(&short_rate)))
		return len;
	atomic_fetch_add(&shortened, 1);
	size_t most = len - 1;
	if (harness_random() % 2)
		most = most < 16 ? most : 16;
	return 1 + (size_t)(harness_random() % most);
}

static void stall_forever(void)
{
	for (;;)
		pause();
}

/* read at the student's address where (the wrapper's return address). */
static ssize_t read_from(int fd, void *buf, size_t len, const void *where)
{
	harness_socket_note_io(fd, 0, "read", where);
	if (atomic_load(&reads_stall))
		stall_forever();
	if (interrupt_now())
		return -1;
	return read(fd, buf, allowed(len));
}

ssize_t harness_wrap_read(int fd, void *buf, size_t len)
{
	return read_from(fd, buf, len, __builtin_return_address(0));
}

/* read as a fortified build calls it (_FORTIFY_SOURCE, on by default in
 * some distributions' gcc at -O2), when it knows the buffer's size. */
ssize_t harness_wrap_read_chk(int fd, void *buf, size_t len, size_t buflen)
{
	if (len > buflen)
		abort(); /* what the C library's check does: a buffer overflow */
	return read_from(fd, buf, len, __builtin_return_address(0));
}

ssize_t harness_wrap_write(int fd, const void *buf, size_t len)
{
	harness_socket_note_io(fd, 0, "write", __builtin_return_address(0));
	if (interrupt_now())
		return -1;
	return write(fd, buf, allowed(len));
}

/* The first iovcnt entries of iov cut to `keep` bytes in all, in out;
 * returns how many entries out holds. */
static int cut_vector(const struct iovec *iov, int iovcnt, size_t keep, struct iovec *out)
{
	int n = 0;
	for (; n < iovcnt && keep > 0; n++) {
		out[n] = iov[n];
		if (out[n].iov_len > keep)
			out[n].iov_len = keep;
		keep -= out[n].iov_len;
	}
	return n;
}

/* readv or writev through a vector cut at a seeded point. */
static ssize_t vector_call(int fd, const struct iovec *iov, int iovcnt, bool writing)
{
	enum { MOST = 64 };
	size_t total = 0;
	for (int i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	size_t keep = allowed(total);
	struct iovec cut[MOST];
	if (keep < total && iovcnt <= MOST) {
		iovcnt = cut_vector(iov, iovcnt, keep, cut);
		iov = cut;
	}
	return writing ? writev(fd, iov, iovcnt) : readv(fd, iov, iovcnt);
}

ssize_t harness_wrap_readv(int fd, const struct iovec *iov, int iovcnt)
{
	harness_socket_note_io(fd, 0, "readv", __builtin_return_address(0));
	if (atomic_load(&reads_stall))
		stall_forever();
	if (interrupt_now())
		return -1;
	return vector_call(fd, iov, iovcnt, false);
}

ssize_t harness_wrap_writev(int fd, const struct iovec *iov, int iovcnt)
{
	harness_socket_note_io(fd, 0, "writev", __builtin_return_address(0));
	if (interrupt_now())
		return -1;
	return vector_call(fd, iov, iovcnt, true);
}
