/*
 * zombie_reaper.c -- the SIGCHLD handler of reaper_install: it reaps every
 * child, however many exits one signal stands for, without blocking while
 * another child runs on; reaper_remove puts the previous action back; and
 * run on two threads at once while a third reads the count, it races with
 * nothing (ThreadSanitizer's test).
 *
 * A SIGCHLD may be delivered to the watchdog thread while the main thread
 * runs the handler: a real concurrent handler, which is why the count must
 * be a lock-free atomic; reaper_threads makes that concurrency certain
 * instead of rare.
 */
#include "harness.h"
#include "zombie.h"
#include "zombie_harness.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* reaper_reaped() has reached the target. */
static bool reaped_at_least(void *target)
{
	return reaper_reaped() >= *(const long *)target;
}

/* Waits up to 2 s for the handler to have counted `target` children. */
static void wait_reaped(long target)
{
	harness_wait_until(reaped_at_least, &target, 2.0);
}

/* --- reaping while another child runs on --------------------------------- */

/* A stand-in for whatever SIGCHLD action the program had before. */
static void previous_handler(int signo)
{
	(void)signo;
}

/* Forks n children that block on the pipe and all exit when it closes. */
static void fork_sleepers(int n, int fds[2])
{
	ck_assert_msg(pipe(fds) == 0, "harness: pipe failed: %s", strerror(errno));
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		ck_assert_msg(pid >= 0, "harness: fork %d of %d failed: %s", i, n, strerror(errno));
		if (pid == 0) {
			child_begin(i);
			close(fds[1]);
			char c;
			while (read(fds[0], &c, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
	}
	close(fds[0]);
}

/* How long the lingering child runs at most when nobody tells it to stop. */
#define LINGER_S 3.0

/* The pipe's read end is readable, at its end, or broken. */
static bool pipe_stirred(void *fd)
{
	struct pollfd p = {.fd = *(const int *)fd, .events = POLLIN};
	return poll(&p, 1, 0) != 0;
}

/* Forks a child that runs until the pipe closes, or LINGER_S at most, and
 * notes in shared memory when it ended on its own: a handler that blocks
 * in waitpid keeps the thread it interrupted until then. */
static pid_t fork_lingerer(int fds[2])
{
	ck_assert_msg(pipe(fds) == 0, "harness: pipe failed: %s", strerror(errno));
	pid_t pid = fork();
	ck_assert_msg(pid >= 0, "harness: fork failed: %s", strerror(errno));
	if (pid == 0) {
		in_child = true;
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(fds[1]);
		if (!harness_wait_until(pipe_stirred, &fds[0], LINGER_S))
			atomic_store(&shared->lingerer_gave_up, true);
		_exit(0);
	}
	close(fds[0]);
	return pid;
}

/* The main thread's "work" while the children exit: a slice of computing
 * between the waits' polls, until the reaper counted them all. */
struct busy_until_reaped {
	long target;
	volatile unsigned long sum;
};

static bool work_a_slice(void *arg)
{
	struct busy_until_reaped *w = arg;
	if (reaper_reaped() >= w->target)
		return true;
	for (unsigned long k = 0; k < 100000; k++)
		w->sum = w->sum * 31 + k;
	return false;
}

START_TEST(reaper)
{
	const int n =
	    (int)(harness_scaled(300) < MAX_CHILDREN ? harness_scaled(300) : MAX_CHILDREN);
	setup(n);
	struct sigaction before = {.sa_handler = previous_handler, .sa_flags = SA_RESTART};
	sigemptyset(&before.sa_mask);
	sigaddset(&before.sa_mask, SIGUSR2);
	sigaction(SIGCHLD, &before, NULL);
	ck_assert_msg(reaper_install() == 0, "reaper_install failed: %s", strerror(errno));
	int fds[2], linger[2];
	fork_lingerer(linger);
	fork_sleepers(n, fds);
	close(fds[1]); /* every child but the lingerer exits now */
	struct busy_until_reaped work = {.target = n};
	harness_wait_until(work_a_slice, &work, 2.0);
	long counted = reaper_reaped();
	ck_assert_msg(!atomic_load(&shared->lingerer_gave_up),
	              "while one child kept running, the SIGCHLD handler held up the thread it "
	              "interrupted until that child ended %.0f s later: it waits without WNOHANG "
	              "(waitpid(-1, &status, 0) blocks while any child runs). A handler must "
	              "return as soon as no terminated child is left",
	              LINGER_S);
	close(linger[1]); /* the lingerer exits too */
	wait_reaped(n + 1);
	siginfo_t si = {0};
	int probe = waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT);
	int zombies = probe == 0 && si.si_pid != 0 ? count_and_reap_zombies() : 0;
	harness_info("%d children exited at once; the reaper counted %ld, %d zombie%s left", n,
	             counted, zombies, zombies == 1 ? " was" : "s were");
	ck_assert_msg(zombies == 0,
	              "%d children exited at nearly the same moment; 2 s later %d were still "
	              "zombies: signals do not queue, one SIGCHLD can stand for many exits, so "
	              "the handler must loop on waitpid(-1, ..., WNOHANG) until none is left",
	              n, zombies);
	ck_assert_msg(counted == n,
	              "the reaper reaped all %d children but reaper_reaped() says %ld", n, counted);
	ck_assert_msg(
	    reaper_reaped() == n + 1,
	    "a child that ended later was not counted: reaper_reaped() says %ld, expected "
	    "%d",
	    reaper_reaped(), n + 1);
	ck_assert_msg(reaper_remove() == 0, "reaper_remove failed: %s", strerror(errno));
	struct sigaction after;
	sigaction(SIGCHLD, NULL, &after);
	ck_assert_msg(after.sa_handler == previous_handler && (after.sa_flags & SA_RESTART) &&
	                  sigismember(&after.sa_mask, SIGUSR2),
	              "after reaper_remove, SIGCHLD's action is not the one installed before "
	              "reaper_install (handler, flags and mask): keep the old action sigaction "
	              "gives you and put it back");
}
END_TEST

/* --- the handler on several threads at once ----------------------------- */

/*
 * In a process with threads, SIGCHLD is handled on any thread that does not
 * block it, and two handlers can run at once while a third thread reads the
 * count.  This test makes that happen every time instead of once in a
 * while: the main thread (which forks, so the kernel would pick it) blocks
 * SIGCHLD, two host threads unblock it and are sent SIGCHLD together after
 * every batch of exits, and a reader thread calls reaper_reaped() all along.
 * ThreadSanitizer then reports a count that is not a lock-free atomic, as
 * well as a signal-unsafe call or a spoiled errno in the handler.
 */
#define HOST_ROUNDS 20
#define HOST_BATCH  8

struct hosts {
	atomic_bool stop; /* relaxed: no ordering between the threads but joins */
};

static bool stopping(struct hosts *h)
{
	return atomic_load_explicit(&h->stop, memory_order_relaxed);
}

/* A thread that only runs the handler, whenever it is sent SIGCHLD. */
static void *handler_host(void *arg)
{
	struct hosts *h = arg;
	harness_adopt_thread();
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	pthread_sigmask(SIG_UNBLOCK, &chld, NULL);
	while (!stopping(h))
		harness_sleep_us(200);
	return NULL;
}

static void *count_reader(void *arg)
{
	struct hosts *h = arg;
	harness_adopt_thread();
	while (!stopping(h)) {
		volatile long seen = reaper_reaped();
		(void)seen;
		harness_sleep_us(100);
	}
	return NULL;
}

/* Forks a batch of children and waits, without reaping, until they ended. */
static void exit_batch(int first)
{
	pid_t pids[HOST_BATCH];
	for (int i = 0; i < HOST_BATCH; i++) {
		pids[i] = fork();
		ck_assert_msg(pids[i] >= 0, "harness: fork failed: %s", strerror(errno));
		if (pids[i] == 0) {
			child_begin(first + i);
			_exit(0);
		}
	}
	for (int i = 0; i < HOST_BATCH; i++) {
		siginfo_t si;
		while (waitid(P_PID, (id_t)pids[i], &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
			;
	}
}

START_TEST(reaper_threads)
{
	const long total = (long)HOST_ROUNDS * HOST_BATCH;
	setup((int)total);
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &chld, NULL);
	ck_assert_msg(reaper_install() == 0, "reaper_install failed: %s", strerror(errno));
	struct hosts h = {false};
	pthread_t host[2], reader;
	for (int i = 0; i < 2; i++)
		ck_assert(pthread_create(&host[i], NULL, handler_host, &h) == 0);
	ck_assert(pthread_create(&reader, NULL, count_reader, &h) == 0);
	harness_sleep_us(10000);
	for (int r = 0; r < HOST_ROUNDS; r++) {
		exit_batch(r * HOST_BATCH);
		pthread_kill(host[0], SIGCHLD);
		pthread_kill(host[1], SIGCHLD);
		harness_sleep_us(2000);
	}
	wait_reaped(total);
	atomic_store_explicit(&h.stop, true, memory_order_relaxed);
	for (int i = 0; i < 2; i++)
		pthread_join(host[i], NULL);
	pthread_join(reader, NULL);
	long counted = reaper_reaped();
	harness_info("%ld children exited in %d batches, each batch followed by SIGCHLD on two "
	             "threads at once; the handler counted %ld",
	             total, HOST_ROUNDS, counted);
	ck_assert_msg(counted == total,
	              "%ld children exited and were reaped by handlers running on two threads at "
	              "once, but reaper_reaped() says %ld: two handlers that do count++ at the "
	              "same moment lose updates; count with a lock-free atomic (atomic_fetch_add)",
	              total, counted);
	ck_assert_msg(reaper_remove() == 0, "reaper_remove failed: %s", strerror(errno));
}
END_TEST

void zombie_define_reaper(void)
{
	HARNESS_ADD(reaper, 10);
	HARNESS_ADD(reaper_threads, 10);
}
