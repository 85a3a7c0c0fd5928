/*
 * unit_sandbox.c -- the kernel layers of the sandbox refuse what they must.
 *
 * The corpus cannot prove these layers: the build's allow-list refuses a
 * submission that names execve or ptrace before it ever runs.  Here the
 * layers are applied for real, each test in a process of its own (Check's
 * fork mode), and the calls a hostile submission would reach by any route
 * (a function pointer, a raw syscall) must fail:
 *  - the harness's seccomp filter (harness/common/sandbox.c), as every
 *    harness run installs it before the test calls student code;
 *  - the grader's Landlock confinement (grader/landlock.c), as every
 *    untrusted command gets it before exec.
 * The grader symbolizes ThreadSanitizer's logs itself, since exec is denied.
 * Where this kernel (or container) offers neither, the tests say so and
 * check nothing: the grader's report header then carries a WARNING.
 */
#include "internal.h"
#include "landlock.h"
#include "seccomp_probe.h"
#include "symbolize.h"

#include <arpa/inet.h>
#include <check.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/* sandbox.c reports a failed install with this; the test only shows it. */
void harness_recordf(const char *kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "record %s: ", kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static bool seccomp_available(void)
{
	char line[512];
	seccomp_describe(line, sizeof line);
	if (strncmp(line, "WARNING", 7) == 0)
		fprintf(stderr, "unit_sandbox: %s; seccomp tests skipped\n", line);
	return strncmp(line, "WARNING", 7) != 0;
}

/* Asserts that `call` returned -1 with errno `expected`. */
#define ck_refused(call, expected)                                                                 \
	do {                                                                                       \
		errno = 0;                                                                         \
		long rc_ = (long)(call);                                                           \
		int e_ = errno;                                                                    \
		ck_assert_msg(rc_ == -1 && e_ == (expected), "%s returned %ld (%s), not %s",       \
		              #call, rc_, strerror(e_), strerror(expected));                       \
	} while (0)

START_TEST(seccomp_refuses_escapes)
{
	if (!seccomp_available())
		return;
	ck_assert_int_eq(harness_sandbox_enter(), 0);
	char *const argv[] = {"/bin/true", NULL};
	ck_refused(execve("/bin/true", argv, NULL), EPERM);
	ck_refused(syscall(SYS_execveat, AT_FDCWD, "/bin/true", argv, NULL, 0), EPERM);
	ck_refused(ptrace(PTRACE_TRACEME, 0, NULL, NULL), EPERM);
	char byte = 0;
	struct iovec local = {&byte, 1}, remote = {&byte, 1};
	ck_refused(process_vm_writev(getppid(), &local, 1, &remote, 1, 0), EPERM);
	ck_refused(process_vm_readv(getppid(), &local, 1, &remote, 1, 0), EPERM);
	ck_refused(mkfifo("/tmp/unit-sandbox-fifo", 0600), EPERM);
	ck_refused(mknod("/tmp/unit-sandbox-node", S_IFCHR | 0600, makedev(1, 3)), EPERM);
	ck_refused(symlink("/etc/passwd", "/tmp/unit-sandbox-link"), EPERM);
	ck_refused(link("/etc/passwd", "/tmp/unit-sandbox-hard"), EPERM);
	ck_refused(unshare(CLONE_NEWUSER), EPERM);
	ck_refused(personality(PER_LINUX32), EPERM);
	ck_refused(prctl(PR_SET_CHILD_SUBREAPER, 1), EPERM);
	ck_refused(prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY), EPERM);
	ck_refused(socket(AF_INET, SOCK_STREAM, 0), EPERM);
	ck_refused(socket(AF_INET6, SOCK_DGRAM, 0), EPERM);
	ck_refused(socket(AF_NETLINK, SOCK_RAW, 0), EPERM);
}
END_TEST

START_TEST(seccomp_confines_signals_to_the_group)
{
	if (!seccomp_available())
		return;
	ck_assert_int_eq(harness_sandbox_enter(), 0);
	ck_refused(kill(-1, 0), EPERM);
	ck_refused(kill(-getpgrp(), 0), EPERM);
	ck_refused(killpg(1, 0), EPERM);
	/* the kernel reads the pid as an int: 32 bits of -1 are -1 too */
	ck_refused(syscall(SYS_kill, 0xffffffffL, 0), EPERM);
	ck_assert_int_eq(kill(0, 0), 0);
	ck_assert_int_eq(kill(getpid(), 0), 0);
}
END_TEST

static void *nothing(void *arg)
{
	return arg;
}

/* What the exercises do must still work: threads, fork and wait, signals to
 * one's own children, AF_UNIX sockets, naming a thread. */
START_TEST(seccomp_allows_the_exercises)
{
	if (!seccomp_available())
		return;
	ck_assert_int_eq(harness_sandbox_enter(), 0);
	pthread_t t;
	ck_assert_int_eq(pthread_create(&t, NULL, nothing, NULL), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	ck_assert_int_eq(kill(child, SIGKILL), 0);
	int status;
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	int pair[2];
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
	close(pair[0]);
	close(pair[1]);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(s, 0);
	close(s);
	ck_assert_int_eq(prctl(PR_SET_NAME, "worker"), 0);
}
END_TEST

/* A project with a secret, a folder of binaries, a run folder: made by the
 * runner before the tests and removed after them, outside any confinement. */
static struct tree {
	char root[64], secret[96], bin[96], run[96], program[128];
} tree;

static void make_tree(void)
{
	snprintf(tree.root, sizeof tree.root, "/tmp/unit-sandbox-XXXXXX");
	if (!mkdtemp(tree.root))
		abort();
	snprintf(tree.secret, sizeof tree.secret, "%s/solution.c", tree.root);
	snprintf(tree.bin, sizeof tree.bin, "%s/bin", tree.root);
	snprintf(tree.run, sizeof tree.run, "%s/run", tree.root);
	snprintf(tree.program, sizeof tree.program, "%s/true", tree.run);
	FILE *f = fopen(tree.secret, "w");
	if (!f || fputs("the reference\n", f) < 0 || fclose(f) != 0 || mkdir(tree.bin, 0755) != 0 ||
	    mkdir(tree.run, 0755) != 0)
		abort();
}

static void remove_tree(void)
{
	unlink(tree.program);
	unlink(tree.secret);
	rmdir(tree.run);
	rmdir(tree.bin);
	rmdir(tree.root);
}

static bool landlock_available(void)
{
	if (landlock_abi() == 0)
		fprintf(stderr,
		        "unit_sandbox: no Landlock on this kernel; Landlock tests skipped\n");
	return landlock_abi() > 0;
}

static void confine(void)
{
	const char *readable[] = {tree.bin, NULL}, *writable[] = {tree.run, NULL};
	ck_assert_int_eq(landlock_confine(readable, writable), landlock_abi());
}

START_TEST(landlock_hides_the_project)
{
	if (!landlock_available())
		return;
	confine();
	ck_refused(open(tree.secret, O_RDONLY), EACCES);
	ck_refused(open(tree.root, O_RDONLY | O_DIRECTORY), EACCES);
	ck_refused(open("/tmp/unit-sandbox-elsewhere", O_WRONLY | O_CREAT, 0600), EACCES);
	ck_refused(open("/etc/passwd", O_WRONLY), EACCES);
	int fd = open("/etc/passwd", O_RDONLY);
	ck_assert_int_ge(fd, 0);
	close(fd);
	fd = open("/proc/self/maps", O_RDONLY);
	ck_assert_int_ge(fd, 0);
	close(fd);
}
END_TEST

START_TEST(landlock_run_folder_takes_only_plain_files)
{
	if (!landlock_available())
		return;
	confine();
	char path[160];
	snprintf(path, sizeof path, "%s/log", tree.run);
	int fd = open(path, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(unlink(path), 0);
	snprintf(path, sizeof path, "%s/fifo", tree.run);
	ck_refused(mkfifo(path, 0600), EACCES);
	snprintf(path, sizeof path, "%s/link", tree.run);
	ck_refused(symlink("/etc/shadow", path), EACCES);
	/* a program written there cannot be run: no execute right */
	fd = open(tree.program, O_WRONLY | O_CREAT, 0755);
	ck_assert_int_ge(fd, 0);
	close(fd);
	char *const argv[] = {tree.program, NULL};
	ck_refused(execve(tree.program, argv, NULL), EACCES);
}
END_TEST

START_TEST(landlock_scopes_signals_and_tcp)
{
	if (!landlock_available() || landlock_abi() < 6)
		return;
	confine();
	/* the parent (Check's runner) is outside this domain */
	ck_refused(kill(getppid(), 0), EPERM);
	ck_assert_int_eq(kill(getpid(), 0), 0);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(s, 0);
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9)};
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_refused(connect(s, (struct sockaddr *)&to, sizeof to), EACCES);
	close(s);
}
END_TEST

/* A global and a function of this very binary, for the symbolizer. */
long symbolized_global[4];

__attribute__((noinline)) static int symbolized_function(int x)
{
	return x + 1;
}

/* Runs with symbolize=0 (exec is denied) get their frames from the grader. */
START_TEST(tsan_log_is_symbolized_by_the_grader)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	ck_assert_int_gt(n, 0);
	self[n] = '\0';
	Dl_info code, data;
	ck_assert(dladdr((void *)(uintptr_t)symbolized_function, &code) != 0);
	ck_assert(dladdr((void *)symbolized_global, &data) != 0);
	const char *name = strrchr(self, '/') + 1;
	char log[1024];
	snprintf(log, sizeof log,
	         "  Write of size 8 at 0x7b04 by thread T1:\n"
	         "    #0 <null> <null> (%s+%#lx) (BuildId: 15)\n"
	         "    #1 <null> <null> (libc.so.6+0x27249) (BuildId: 93)\n"
	         "  Location is global '<null>' at 0x000000000000 (%s+%#lx)\n",
	         name,
	         (unsigned long)((char *)(uintptr_t)symbolized_function - (char *)code.dli_fbase),
	         name, (unsigned long)((char *)symbolized_global + 8 - (char *)data.dli_fbase));
	char *out = tsan_symbolize(log, self);
	ck_assert_msg(strstr(out, "#0 symbolized_function ") && strstr(out, "unit_sandbox.c:"),
	              "%s", out);
	ck_assert_msg(strstr(out, "#1 <null> <null> (libc.so.6+0x27249)"), "%s", out);
	ck_assert_msg(strstr(out, "Location is global 'symbolized_global' of size 32 at"), "%s",
	              out);
	free(out);
	ck_assert_int_eq(symbolized_function(1), 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sandbox");
	TCase *tc = tcase_create("layers");
	tcase_add_test(tc, seccomp_refuses_escapes);
	tcase_add_test(tc, seccomp_confines_signals_to_the_group);
	tcase_add_test(tc, seccomp_allows_the_exercises);
	tcase_add_test(tc, landlock_hides_the_project);
	tcase_add_test(tc, landlock_run_folder_takes_only_plain_files);
	tcase_add_test(tc, landlock_scopes_signals_and_tcp);
	tcase_add_test(tc, tsan_log_is_symbolized_by_the_grader);
	tcase_add_unchecked_fixture(tc, make_tree, remove_tree);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
