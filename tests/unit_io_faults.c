/*
 * unit_io_faults.c -- the read and write wrappers (harness/common/
 * io_wrappers.c) keep the contract harness.h states: they pass every call
 * through until a test turns faults on; then a call moves fewer bytes than
 * asked (a prefix of them, in order) or fails with EINTR having moved
 * nothing; readv and writev are cut the same way; a process whose reads
 * are stalled blocks in its next read.
 *
 * The wrappers are called by their wrapped names, as a student's object
 * calls them after objcopy.  Linked with the debug build's libharness.a,
 * like unit_toolkit; each test runs in a process of its own.
 */
#include "harness.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

ssize_t harness_wrap_read(int fd, void *buf, size_t len);
ssize_t harness_wrap_read_chk(int fd, void *buf, size_t len, size_t buflen);
ssize_t harness_wrap_write(int fd, const void *buf, size_t len);
ssize_t harness_wrap_readv(int fd, const struct iovec *iov, int iovcnt);
ssize_t harness_wrap_writev(int fd, const struct iovec *iov, int iovcnt);

#define LEN 1000

static int p[2];
static char sent[LEN], got[LEN];

static void setup(void)
{
	ck_assert_int_eq(pipe(p), 0);
	for (int i = 0; i < LEN; i++)
		sent[i] = (char)(i * 7 + 1);
}

/* Reads what the pipe holds (the real read: not the code under test). */
static ssize_t drain(void)
{
	close(p[1]);
	ssize_t n = 0, r;
	while ((r = read(p[0], got + n, LEN - (size_t)n)) > 0)
		n += r;
	return n;
}

START_TEST(off_by_default)
{
	setup();
	ck_assert_int_eq(harness_wrap_write(p[1], sent, LEN), LEN);
	ck_assert_int_eq(harness_wrap_read(p[0], got, LEN), LEN);
	ck_assert_int_eq(memcmp(sent, got, LEN), 0);
	ck_assert_int_eq(harness_wrap_write(p[1], sent, LEN), LEN);
	ck_assert_int_eq(harness_wrap_read_chk(p[0], got, LEN, sizeof got), LEN);
	struct harness_io_counts c = harness_io_counts();
	ck_assert_uint_eq(c.calls, 4);
	ck_assert_uint_eq(c.shortened + c.interrupted, 0);
}
END_TEST

START_TEST(short_writes_move_a_prefix)
{
	setup();
	harness_io_faults(1000, 0);
	for (int k = 0; k < 20; k++) {
		ssize_t w = harness_wrap_write(p[1], sent, LEN);
		ck_assert(w >= 1 && w < LEN);
		ck_assert_int_eq(read(p[0], got, LEN), w);
		ck_assert_int_eq(memcmp(sent, got, (size_t)w), 0);
	}
	ck_assert_uint_eq(harness_io_counts().shortened, 20);
	/* One byte cannot be cut. */
	ck_assert_int_eq(harness_wrap_write(p[1], sent, 1), 1);
}
END_TEST

START_TEST(short_reads_take_a_prefix)
{
	setup();
	ck_assert_int_eq(write(p[1], sent, LEN), LEN);
	harness_io_faults(1000, 0);
	ssize_t r = harness_wrap_read(p[0], got, LEN);
	ck_assert(r >= 1 && r < LEN);
	ck_assert_int_eq(memcmp(sent, got, (size_t)r), 0);
	ck_assert_int_eq(drain(), LEN - r);
}
END_TEST

START_TEST(eintr_moves_nothing)
{
	setup();
	harness_io_faults(0, 1000);
	errno = 0;
	ck_assert_int_eq(harness_wrap_write(p[1], sent, LEN), -1);
	ck_assert_int_eq(errno, EINTR);
	errno = 0;
	ck_assert_int_eq(harness_wrap_read(p[0], got, LEN), -1);
	ck_assert_int_eq(errno, EINTR);
	ck_assert_uint_eq(harness_io_counts().interrupted, 2);
	ck_assert_int_eq(drain(), 0);
}
END_TEST

START_TEST(vectors_are_cut_in_order)
{
	setup();
	harness_io_faults(1000, 0);
	struct iovec out[3] = {{sent, 10}, {sent + 10, 490}, {sent + 500, 500}};
	ssize_t w = harness_wrap_writev(p[1], out, 3);
	ck_assert(w >= 1 && w < LEN);
	ck_assert_int_eq(drain(), w);
	ck_assert_int_eq(memcmp(sent, got, (size_t)w), 0);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(write(p[1], sent, LEN), LEN);
	struct iovec in[2] = {{got, 300}, {got + 300, 700}};
	memset(got, 0, sizeof got);
	ssize_t r = harness_wrap_readv(p[0], in, 2);
	ck_assert(r >= 1 && r < LEN);
	ck_assert_int_eq(memcmp(sent, got, (size_t)r), 0);
}
END_TEST

START_TEST(stalled_reads_block)
{
	setup();
	ck_assert_int_eq(write(p[1], sent, LEN), LEN);
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		harness_io_stall_reads();
		harness_wrap_read(p[0], got, LEN);
		_exit(0);
	}
	harness_sleep_us(200000);
	int status;
	ck_assert_int_eq(waitpid(child, &status, WNOHANG), 0);
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	ck_assert_int_eq(drain(), LEN); /* it read nothing */
}
END_TEST

int main(void)
{
	Suite *s = suite_create("io_faults");
	TCase *tc = tcase_create("wrappers");
	tcase_add_test(tc, off_by_default);
	tcase_add_test(tc, short_writes_move_a_prefix);
	tcase_add_test(tc, short_reads_take_a_prefix);
	tcase_add_test(tc, eintr_moves_nothing);
	tcase_add_test(tc, vectors_are_cut_in_order);
	tcase_add_test(tc, stalled_reads_block);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
