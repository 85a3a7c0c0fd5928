/*
 * zombie_test.c -- the harness for the zombie exercise.
 *
 * Every check is made from facts the kernel gives, never from timing alone:
 *  - waitid(P_ALL, ..., WNOHANG | WNOWAIT) tells, without reaping, whether a
 *    zombie is left (a pid), only running children (pid 0), or no child at
 *    all (ECHILD);
 *  - a child the harness forks itself must still be waitable afterwards;
 *  - jobs write their pid, start and end times to shared memory, so slots,
 *    overlap and leftovers are measured, not guessed;
 *  - children send signals to the parent's main thread while it waits.
 * SIGCHLD is set to SIG_DFL first: ignoring it would make zombies vanish.
 *
 * Nothing outlives the test: each child asks for SIGKILL when the harness
 * dies (PR_SET_PDEATHSIG), a child that runs on past its job and forks is
 * stopped by an atfork hook, and one that returns from run_children is
 * stopped by the harness right there.  Children never dump core.
 *
 * ThreadSanitizer: the common harness's watchdog thread already exists when
 * children are forked.  TSan supports a fork from a multi-threaded process as
 * long as the child starts no thread: the child then runs with TSan's checks
 * off (TSAN_OPTIONS=verbosity=1 shows "parent had 2 threads") and here only
 * runs its job and _exits, while every check of the handler happens in the
 * parent.  Tests that run under TSan make no child crash (TSan would turn a
 * SIGSEGV into a report).  A SIGCHLD may be delivered to the watchdog thread
 * while the main thread runs the handler: a real concurrent handler, which
 * is why the count must be a lock-free atomic; reaper_threads makes that
 * concurrency certain instead of rare.
 */
#include "harness.h"
#include "zombie.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_CHILDREN 512
/* Exit code of a child that went on running the harness after its job. */
#define ESCAPED_CHILD 0x7e

struct shared {
	pid_t pid[MAX_CHILDREN];
	double start[MAX_CHILDREN];
	double end[MAX_CHILDREN];
	atomic_int started;
	int njobs;
	atomic_bool lingerer_gave_up; /* the lingering child ended on its own */
};

static struct shared *shared;
static pid_t harness_pid;
static bool in_child;

/* --- the children's side ------------------------------------------------ */

/* An escaped child (one that did not _exit after its job) may not fork. */
static void refuse_fork_in_child(void)
{
	if (in_child)
		_exit(ESCAPED_CHILD);
}

/* First thing in every child: dies with the harness, never dumps core. */
static void child_begin(int i)
{
	in_child = true;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != harness_pid)
		_exit(ESCAPED_CHILD);
	prctl(PR_SET_DUMPABLE, 0);
	setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0});
	shared->pid[i] = getpid();
	shared->start[i] = harness_now();
	atomic_fetch_add(&shared->started, 1);
}

/* Job i's exit value: more than a byte, so the & 0xff shows. */
static int job_value(int i)
{
	return 300 + 37 * i;
}

enum outcome { EXITS, ABORTS, SEGFAULTS };

static enum outcome job_outcome(int i)
{
	return i % 7 == 3 ? ABORTS : i % 7 == 5 ? SEGFAULTS : EXITS;
}

/* A bad pointer the compiler cannot see through. */
static int *volatile crash_here;

/* Later jobs finish first, so completion order is the reverse of index order. */
static int job_mixed(int i)
{
	child_begin(i);
	harness_sleep_us((unsigned)(shared->njobs - i) * 3000);
	if (job_outcome(i) == ABORTS)
		abort();
	if (job_outcome(i) == SEGFAULTS)
		*crash_here = i;
	shared->end[i] = harness_now();
	return job_value(i);
}

static int job_quick(int i)
{
	child_begin(i);
	shared->end[i] = harness_now();
	return job_value(i);
}

static int job_short_nap(int i)
{
	child_begin(i);
	harness_sleep_us(50000);
	shared->end[i] = harness_now();
	return job_value(i);
}

/* Waits (up to half a second) for every job to have started. */
static int job_meet_the_others(int i)
{
	child_begin(i);
	double give_up = harness_now() + 0.5;
	while (atomic_load(&shared->started) < shared->njobs && harness_now() < give_up)
		harness_sleep_us(1000);
	shared->end[i] = harness_now();
	return job_value(i);
}

/* Interrupts the parent's main thread (its tid is its pid) while it waits. */
static int job_signal_parent(int i)
{
	child_begin(i);
	harness_sleep_us(10000);
	for (int k = 0; k < 10; k++) {
		syscall(SYS_tgkill, harness_pid, harness_pid, SIGUSR1);
		harness_sleep_us(5000);
	}
	shared->end[i] = harness_now();
	return job_value(i);
}

/* --- the parent's side -------------------------------------------------- */

/* Once per test (one test per process): fresh shared memory, SIGCHLD at
 * its default, the atfork guard. */
static void setup(int njobs)
{
	harness_pid = getpid();
	shared =
	    mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_msg(shared != MAP_FAILED, "harness: mmap failed: %s", strerror(errno));
	shared->njobs = njobs;
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGCHLD, &dfl, NULL);
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	pthread_sigmask(SIG_UNBLOCK, &chld, NULL);
	pthread_atfork(refuse_fork_in_child, NULL, NULL);
}

/* Calls run_children; a child that returns from it stops here. */
static int call_run_children(int njobs, int (*job)(int), int statuses[])
{
	for (int i = 0; i < njobs; i++)
		statuses[i] = -1;
	int result = run_children(njobs, job, statuses);
	if (getpid() != harness_pid)
		_exit(ESCAPED_CHILD);
	return result;
}

static const char *describe_status(int status, char *buf, size_t len)
{
	if (status == -1)
		snprintf(buf, len, "left unset (-1)");
	else if (WIFEXITED(status) && WEXITSTATUS(status) == ESCAPED_CHILD)
		snprintf(buf, len,
		         "exited with %d, the harness's mark of a child that went on running after "
		         "its job: the child must call _exit(job(i) & 0xff)",
		         ESCAPED_CHILD);
	else if (WIFEXITED(status))
		snprintf(buf, len, "exited with %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
		         strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "not a termination status (%#x)", (unsigned)status);
	return buf;
}

static bool status_is(int status, enum outcome o, int value)
{
	switch (o) {
	case ABORTS:
		return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
	case SEGFAULTS:
		return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
	default:
		return WIFEXITED(status) && WEXITSTATUS(status) == (value & 0xff);
	}
}

static const char *expected_text(enum outcome o, int value, char *buf, size_t len)
{
	if (o == ABORTS)
		return "killed by SIGABRT (it called abort)";
	if (o == SEGFAULTS)
		return "killed by SIGSEGV (it wrote through a bad pointer)";
	snprintf(buf, len, "exited with %d (job returned %d, & 0xff)", value & 0xff, value);
	return buf;
}

/* Which other job exited with the value in statuses[i], or -1. */
static int slot_it_belongs_to(const int statuses[], int njobs, int i)
{
	for (int j = 0; j < njobs; j++)
		if (j != i && statuses[i] != -1 && WIFEXITED(statuses[i]) &&
		    WEXITSTATUS(statuses[i]) == (job_value(j) & 0xff))
			return j;
	return -1;
}

/* Every slot holds its own job's status. */
static void check_statuses(const int statuses[], int njobs, bool mixed)
{
	for (int i = 0; i < njobs; i++) {
		enum outcome o = mixed ? job_outcome(i) : EXITS;
		if (status_is(statuses[i], o, job_value(i)))
			continue;
		char want[96], got[192], hint[160] = "";
		int other = slot_it_belongs_to(statuses, njobs, i);
		if (other >= 0)
			snprintf(hint, sizeof hint,
			         ": that is child %d's exit value; store each status at the index "
			         "of the job whose pid you waited for",
			         other);
		ck_abort_msg("child %d should have %s, but statuses[%d] says it %s%s", i,
		             expected_text(o, job_value(i), want, sizeof want), i,
		             describe_status(statuses[i], got, sizeof got), hint);
	}
}

/* Every job ran in a child of its own: a run_children that forks nothing
 * leaves no zombie and overlaps nothing, and must pass neither test. */
static void check_every_child_ran(int njobs)
{
	int ran = atomic_load(&shared->started);
	ck_assert_msg(ran == njobs,
	              "run_children(%d, ...) returned, but only %d of the %d jobs ran in "
	              "a child: fork one child per job",
	              njobs, ran, njobs);
}

/* How many unreaped zombies this process has (reaps them to count). */
static int count_and_reap_zombies(void)
{
	int zombies = 0;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		zombies++;
	return zombies;
}

/* After run_children: no child of the process at all, zombie or running. */
static void check_no_children_left(const char *when)
{
	siginfo_t si = {0};
	int r = waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT);
	if (r < 0 && errno == ECHILD)
		return;
	if (si.si_pid == 0)
		ck_abort_msg("%s, children it started are still running: every child must be "
		             "waited for before run_children returns",
		             when);
	int zombies = count_and_reap_zombies();
	ck_abort_msg("%s, %d zombie%s left (pid %d first): a child that has exited stays a "
	             "zombie until someone waits for it",
	             when, zombies, zombies == 1 ? " is" : "s are", (int)si.si_pid);
}

static int statuses[MAX_CHILDREN];

START_TEST(statuses_by_index)
{
	const int njobs = 24;
	setup(njobs);
	int r = call_run_children(njobs, job_mixed, statuses);
	ck_assert_msg(r == 0, "run_children returned %d (errno %s); expected 0", r,
	              strerror(errno));
	check_statuses(statuses, njobs, true);
}
END_TEST

START_TEST(no_zombies)
{
	const int njobs = 32;
	setup(njobs);
	int r = call_run_children(njobs, job_quick, statuses);
	ck_assert_msg(r == 0, "run_children returned %d (errno %s); expected 0", r,
	              strerror(errno));
	check_every_child_ran(njobs);
	struct sigaction now;
	sigaction(SIGCHLD, NULL, &now);
	ck_assert_msg(now.sa_handler == SIG_DFL && !(now.sa_flags & SA_NOCLDWAIT),
	              "run_children changed the action of SIGCHLD; ignoring SIGCHLD throws "
	              "exit statuses away instead of collecting them");
	check_no_children_left("after run_children returned 0");
}
END_TEST

/* The harness's own child, already a zombie before run_children starts. */
static pid_t fork_foreign_child(void)
{
	pid_t pid = fork();
	ck_assert_msg(pid >= 0, "harness: fork failed: %s", strerror(errno));
	if (pid == 0)
		_exit(42);
	siginfo_t si;
	waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT);
	return pid;
}

START_TEST(only_own_children)
{
	const int njobs = 8;
	setup(njobs);
	pid_t foreign = fork_foreign_child();
	int r = call_run_children(njobs, job_quick, statuses);
	int status = 0;
	pid_t got = waitpid(foreign, &status, WNOHANG);
	ck_assert_msg(got == foreign && WIFEXITED(status) && WEXITSTATUS(status) == 42,
	              "the harness forked a child of its own (pid %d) before calling "
	              "run_children, but afterwards it could not collect it (%s): run_children "
	              "reaped a child it did not create. wait() and waitpid(-1) take any child; "
	              "wait for your own pids",
	              (int)foreign, got < 0 ? strerror(errno) : "still not waitable");
	ck_assert_msg(r == 0, "run_children returned %d (errno %s); expected 0", r,
	              strerror(errno));
	check_statuses(statuses, njobs, false);
	check_no_children_left("after run_children returned 0");
}
END_TEST

/* How many of the jobs' [start, end] intervals contain the moment t. */
static int running_at(double t, int njobs)
{
	int n = 0;
	for (int i = 0; i < njobs; i++)
		n += shared->start[i] <= t && t <= shared->end[i];
	return n;
}

START_TEST(all_at_once)
{
	const int njobs = 6;
	setup(njobs);
	int r = call_run_children(njobs, job_meet_the_others, statuses);
	ck_assert_msg(r == 0, "run_children returned %d (errno %s); expected 0", r,
	              strerror(errno));
	check_every_child_ran(njobs);
	int most = 0;
	for (int i = 0; i < njobs; i++) {
		int n = running_at(shared->start[i], njobs);
		most = n > most ? n : most;
	}
	harness_info("at most %d of the %d children ran at the same time", most, njobs);
	ck_assert_msg(most == njobs,
	              "each child waited up to 0.5 s for the others to start, yet at most %d of "
	              "%d ever ran at the same time: fork all the children first, then wait "
	              "for them",
	              most, njobs);
}
END_TEST

static atomic_int interruptions;

static void count_interruption(int signo)
{
	(void)signo;
	atomic_fetch_add(&interruptions, 1);
}

START_TEST(eintr)
{
	const int njobs = 8;
	setup(njobs);
	struct sigaction no_restart = {.sa_handler = count_interruption, .sa_flags = 0};
	sigemptyset(&no_restart.sa_mask);
	sigaction(SIGUSR1, &no_restart, NULL);
	int r = call_run_children(njobs, job_signal_parent, statuses);
	int run_errno = errno;
	harness_info("%d signal%s arrived while run_children ran", atomic_load(&interruptions),
	             HARNESS_PLURAL(atomic_load(&interruptions)));
	ck_assert_msg(r == 0,
	              "run_children returned %d (errno %s) while signals (a handler without "
	              "SA_RESTART) kept arriving; a wait that fails with EINTR must be retried",
	              r, strerror(run_errno));
	check_statuses(statuses, njobs, false);
	check_no_children_left("signals interrupted the waits, and after run_children returned");
}
END_TEST

START_TEST(fork_failure)
{
	const int njobs = 8, failing = 5;
	setup(njobs);
	harness_fail_fork(failing, EAGAIN);
	int r = call_run_children(njobs, job_short_nap, statuses);
	int run_errno = errno;
	ck_assert_msg(r == -1 && run_errno == EAGAIN,
	              "fork number %d of %d failed with EAGAIN: run_children must return -1 "
	              "with errno EAGAIN, but it returned %d (errno %s)",
	              failing, njobs, r, strerror(run_errno));
	check_no_children_left("fork failed, and after run_children returned -1");
}
END_TEST

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
		struct pollfd p = {.fd = fds[0], .events = POLLIN};
		double give_up = harness_now() + LINGER_S;
		int r = 0;
		while (r == 0 && harness_now() < give_up)
			r = poll(&p, 1, (int)((give_up - harness_now()) * 1000) + 1);
		if (r == 0)
			atomic_store(&shared->lingerer_gave_up, true);
		_exit(0);
	}
	close(fds[0]);
	return pid;
}

/* The main thread's "work" while the children exit: computing, with short
 * sleeps, until the reaper counted them all or the time is up. */
static unsigned long work_until_reaped(long n, double seconds)
{
	unsigned long sum = 0;
	double give_up = harness_now() + seconds;
	while (reaper_reaped() < n && harness_now() < give_up) {
		for (unsigned long k = 0; k < 100000; k++)
			sum = sum * 31 + k;
		harness_sleep_us(1000);
	}
	return sum;
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
	volatile unsigned long work = work_until_reaped(n, 2.0);
	(void)work;
	long counted = reaper_reaped();
	ck_assert_msg(!atomic_load(&shared->lingerer_gave_up),
	              "while one child kept running, the SIGCHLD handler held up the thread it "
	              "interrupted until that child ended %.0f s later: it waits without WNOHANG "
	              "(waitpid(-1, &status, 0) blocks while any child runs). A handler must "
	              "return as soon as no terminated child is left",
	              LINGER_S);
	close(linger[1]); /* the lingerer exits too */
	double give_up = harness_now() + 2.0;
	while (reaper_reaped() < n + 1 && harness_now() < give_up)
		harness_sleep_us(1000);
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
	double give_up = harness_now() + 2.0;
	while (reaper_reaped() < total && harness_now() < give_up)
		harness_sleep_us(1000);
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

void harness_define(void)
{
	HARNESS_ADD(statuses_by_index, 10);
	HARNESS_ADD(no_zombies, 10);
	HARNESS_ADD(only_own_children, 10);
	HARNESS_ADD(all_at_once, 20);
	HARNESS_ADD(eintr, 10);
	HARNESS_ADD(fork_failure, 10);
	HARNESS_ADD(reaper, 10);
	HARNESS_ADD(reaper_threads, 10);
}
