/*
 * farm_support.c -- the work function, the inputs and the checks shared by
 * the farm harness's tests (see farm_support.h).
 *
 * The transform: output byte i is input byte i xor a key that depends on i,
 * followed by the 64-bit FNV-1a checksum of the input, little-endian; so
 * the output is input_len + 8 bytes, and a byte lost, doubled or moved
 * anywhere shows.
 */
#include "farm_support.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TAG_MAGIC 0x4d524146u /* "FARM" */
/* Exit code of a worker that went on running the harness after farm_run. */
#define ESCAPED_WORKER 0x7d

struct farm_shared *farm_shared;

void farm_setup(void)
{
	farm_shared = mmap(NULL, sizeof *farm_shared, PROT_READ | PROT_WRITE,
	                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_msg(farm_shared != MAP_FAILED, "harness: mmap failed: %s", strerror(errno));
	farm_shared->caller = getpid();
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	harness_on_hang(farm_report_hang);
}

/* --- the work function ------------------------------------------------- */

static uint8_t key_at(size_t i)
{
	return (uint8_t)(i * 131u + (i >> 8) * 7u + 0x5a);
}

static uint64_t fnv1a(const unsigned char *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

/* The task index an input is tagged with, or -1 for an untagged one. */
static long tag_of(const unsigned char *p, size_t len)
{
	if (len < 8)
		return -1;
	uint32_t magic, index;
	memcpy(&magic, p, 4);
	memcpy(&index, p + 4, 4);
	return magic == (TAG_MAGIC ^ index) && index < FARM_MAX_TASKS ? (long)index : -1;
}

/* This thread's run delay so far (Linux schedstat), in seconds. */
static double run_delay(void)
{
	FILE *f = fopen("/proc/thread-self/schedstat", "r");
	unsigned long long ran = 0, waited = 0;
	if (f) {
		if (fscanf(f, "%llu %llu", &ran, &waited) != 2)
			waited = 0;
		fclose(f);
	}
	return (double)waited / 1e9;
}

/* Descriptors of this process other than stdio and the caller's own. */
static int foreign_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	int n = 0, self = dirfd(d);
	for (struct dirent *e; (e = readdir(d));) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || fd == self || fd <= 2)
			continue;
		n += fd >= FARM_FD_LIMIT || !farm_shared->caller_fd[fd];
	}
	closedir(d);
	return n;
}

static volatile unsigned long spin_sink;
static int *volatile bad_pointer;

void farm_spin_here(long iterations)
{
	unsigned long x = 88172645463325252UL;
	for (long i = 0; i < iterations; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	spin_sink = x;
}

/* How long the holder below outlives the worker it was forked from. */
#define HOLD_US 1000000

/* In the worker the sigpipe test kills: a child that keeps every write end
 * the worker holds (its result pipe's among them), closes every read end,
 * and lives on for HOLD_US after the worker died.  Meanwhile the caller sees
 * no end-of-file on the result pipe: it learns of the death only by
 * writing to the task pipe, which fails with EPIPE and raises SIGPIPE,
 * whatever the order in which it watches its pipes. */
static void hold_write_ends(void)
{
	pid_t worker = getpid();
	if (fork() != 0)
		return;
	for (int fd = 0; fd < FARM_FD_LIMIT; fd++) {
		int flags = fcntl(fd, F_GETFL);
		if (flags >= 0 && (flags & O_ACCMODE) == O_RDONLY)
			close(fd);
	}
	while (getppid() == worker)
		harness_sleep_us(1000);
	harness_sleep_us(HOLD_US);
	_exit(0);
}

/* What the plan says to do before the transform; returns false when the
 * task fails instead. */
static bool follow_plan(const struct farm_plan *plan)
{
	switch (plan->action) {
	case ACT_SEGV:
		*bad_pointer = 1;
		break;
	case ACT_KILL:
		kill(getpid(), SIGKILL);
		break;
	case ACT_EXIT:
		_exit(3);
	case ACT_SPIN:
		farm_spin_here(plan->value);
		break;
	case ACT_STALL:
		atomic_store(&farm_shared->stalled_pid, (int)getpid());
		hold_write_ends();
		harness_io_stall_reads();
		break;
	case ACT_FAIL:
		return false;
	default:
		break;
	}
	return true;
}

static void transform(const unsigned char *in, size_t len, unsigned char *out)
{
	for (size_t i = 0; i < len; i++)
		out[i] = in[i] ^ key_at(i);
	uint64_t sum = fnv1a(in, len);
	for (int b = 0; b < 8; b++)
		out[len + (size_t)b] = (unsigned char)(sum >> (8 * b));
}

int farm_test_work(const void *input, size_t input_len, void **output, size_t *output_len)
{
	struct farm_shared *s = farm_shared;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	int call = atomic_fetch_add(&s->calls, 1);
	if (call < FARM_MAX_CALLS)
		s->call_pid[call] = getpid();
	long index = tag_of(input, input_len);
	struct farm_run_record *r = index >= 0 ? &s->rec[index] : NULL;
	double cpu0 = s->measure ? harness_thread_cpu_time() : 0,
	       delay0 = s->measure ? run_delay() : 0;
	if (r) {
		r->pid = getpid();
		r->runs++;
		r->start = harness_now();
		r->foreign_fds = s->count_fds ? foreign_fds() : 0;
	}
	struct farm_plan none = {ACT_TRANSFORM, 0};
	const struct farm_plan *plan = r ? &s->plan[index] : &none;
	if (!follow_plan(plan)) {
		*output = NULL;
		*output_len = 0;
		return (int)plan->value;
	}
	unsigned char *out = malloc(input_len + 8);
	if (!out)
		return -1;
	transform(input, input_len, out);
	*output = out;
	*output_len = input_len + 8;
	if (r) {
		r->cpu = s->measure ? harness_thread_cpu_time() - cpu0 : 0;
		r->waited = s->measure ? run_delay() - delay0 : 0;
		r->end = harness_now();
	}
	return 0;
}

/* --- inputs ------------------------------------------------------------ */

static void fill(unsigned char *p, size_t len, size_t index)
{
	uint64_t x = (harness_seed() ^ (index * 0x9e3779b97f4a7c15ULL)) | 1;
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (unsigned char)x;
	}
	if (len >= 8) {
		uint32_t idx = (uint32_t)index, magic = TAG_MAGIC ^ idx;
		memcpy(p, &magic, 4);
		memcpy(p + 4, &idx, 4);
	}
}

farm_task_t *farm_make_tasks(const size_t len[], size_t n)
{
	farm_task_t *tasks = calloc(n ? n : 1, sizeof *tasks);
	ck_assert_msg(tasks != NULL, "harness: out of memory for %zu tasks", n);
	for (size_t i = 0; i < n; i++) {
		unsigned char *p = malloc(len[i] ? len[i] : 1);
		ck_assert_msg(p != NULL, "harness: out of memory for an input of %zu bytes",
		              len[i]);
		fill(p, len[i], i);
		tasks[i] =
		    (farm_task_t){.input = p, .input_len = len[i], .status = -1, .error = -1};
	}
	return tasks;
}

void farm_free(farm_task_t *tasks, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((void *)tasks[i].input);
		free(tasks[i].output);
	}
	free(tasks);
}

/* --- calling farm_run -------------------------------------------------- */

int farm_call(unsigned nworkers, farm_task_t tasks[], size_t n)
{
	struct farm_fds fds;
	farm_fds_now(&fds);
	memcpy(farm_shared->caller_fd, fds.open, sizeof fds.open);
	memset(farm_shared->rec, 0, sizeof farm_shared->rec);
	atomic_store(&farm_shared->calls, 0);
	int r = farm_run(nworkers, farm_test_work, tasks, n);
	if (getpid() != farm_shared->caller)
		_exit(ESCAPED_WORKER);
	return r;
}

unsigned farm_distinct_pids(void)
{
	int calls = atomic_load(&farm_shared->calls);
	if (calls > FARM_MAX_CALLS)
		calls = FARM_MAX_CALLS;
	unsigned distinct = 0;
	for (int i = 0; i < calls; i++) {
		bool seen = false;
		for (int j = 0; j < i && !seen; j++)
			seen = farm_shared->call_pid[j] == farm_shared->call_pid[i];
		distinct += !seen;
	}
	return distinct;
}

/* --- checks ------------------------------------------------------------ */

static const char *status_name(int status)
{
	switch (status) {
	case FARM_DONE:
		return "FARM_DONE";
	case FARM_FAILED:
		return "FARM_FAILED";
	case FARM_CRASHED:
		return "FARM_CRASHED";
	default:
		return "no status (left as the harness set it, -1)";
	}
}

/* Where the output of task i first differs from the transform, or -1. */
static long first_difference(const farm_task_t *t)
{
	const unsigned char *in = t->input, *out = t->output;
	size_t len = t->input_len;
	if (!out || t->output_len != len + 8)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (out[i] != (in[i] ^ key_at(i)))
			return (long)i;
	uint64_t sum = fnv1a(in, len);
	for (int b = 0; b < 8; b++)
		if (out[len + (size_t)b] != (unsigned char)(sum >> (8 * b)))
			return (long)(len + (size_t)b);
	return -1;
}

static void check_ran_in_worker(const farm_task_t *t, size_t i, const char *what)
{
	size_t len = t->input_len;
	pid_t pid = farm_shared->rec[i].pid;
	ck_assert_msg(len < 8 || farm_shared->rec[i].runs > 0,
	              "%s: task %zu is %s, but work never ran on its input: every task must run "
	              "in a worker. A worker's death costs only the task it was running: start a "
	              "new worker in its place and go on handing out the remaining tasks",
	              what, i, status_name(t->status));
	ck_assert_msg(len < 8 || pid != farm_shared->caller,
	              "%s: task %zu's work ran in the calling process (pid %d), not in a worker: "
	              "work must run only in the worker processes farm_run forks",
	              what, i, (int)pid);
}

static void check_done(const farm_task_t *t, size_t i, const char *what)
{
	long at = first_difference(t);
	ck_assert_msg(t->output != NULL && t->output_len == t->input_len + 8,
	              "%s: task %zu (%zu input bytes) is FARM_DONE, but its output is %s of %zu "
	              "bytes; expected the %zu bytes work returned: read a result until all of "
	              "its bytes came",
	              what, i, t->input_len, t->output ? "a buffer" : "NULL", t->output_len,
	              t->input_len + 8);
	ck_assert_msg(at < 0,
	              "%s: task %zu's output (%zu bytes) differs from what work returned from byte "
	              "%ld on: bytes were lost, doubled or taken from another message. Frame "
	              "each message (its length, then its bytes) and loop until every byte is "
	              "written and read",
	              what, i, t->output_len, at);
	ck_assert_msg(t->error == 0, "%s: task %zu is FARM_DONE but its error is %d (expected 0)",
	              what, i, t->error);
}

static void check_failed(const farm_task_t *t, size_t i, long value, const char *what)
{
	ck_assert_msg(t->status == FARM_FAILED && t->error == (int)value,
	              "%s: work returned %ld for task %zu, so it must be FARM_FAILED with error "
	              "%ld; it is %s with error %d. A failure must reach the caller, not vanish",
	              what, value, i, value, status_name(t->status), t->error);
	ck_assert_msg(t->output == NULL, "%s: task %zu is FARM_FAILED but its output is not NULL",
	              what, i);
}

static void check_crashed(const farm_task_t *t, size_t i, int signo, const char *what)
{
	ck_assert_msg(t->status == FARM_CRASHED && t->error == signo,
	              "%s: the worker running task %zu died (%s), so the task must be "
	              "FARM_CRASHED with error %d; it is %s with error %d. Learn how the worker "
	              "died from waitpid's status (WIFSIGNALED, WTERMSIG)",
	              what, i, signo ? strsignal(signo) : "it called _exit(3)", signo,
	              status_name(t->status), t->error);
	ck_assert_msg(t->output == NULL, "%s: task %zu is FARM_CRASHED but its output is not NULL",
	              what, i);
}

void farm_check_results(const farm_task_t tasks[], size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		const farm_task_t *t = &tasks[i];
		const struct farm_plan *p = &farm_shared->plan[i];
		check_ran_in_worker(t, i, what);
		if (p->action == ACT_FAIL)
			check_failed(t, i, p->value, what);
		else if (p->action == ACT_SEGV || p->action == ACT_KILL || p->action == ACT_EXIT)
			check_crashed(t, i,
			              p->action == ACT_SEGV   ? SIGSEGV
			              : p->action == ACT_KILL ? SIGKILL
			                                      : 0,
			              what);
		else
			ck_assert_msg(
			    t->status == FARM_DONE,
			    "%s: task %zu (%zu input bytes) should be FARM_DONE; it is %s "
			    "(error %d)",
			    what, i, t->input_len, status_name(t->status), t->error);
		if (t->status == FARM_DONE)
			check_done(t, i, what);
	}
}

void farm_fds_now(struct farm_fds *fds)
{
	memset(fds, 0, sizeof *fds);
	DIR *d = opendir("/proc/self/fd");
	ck_assert_msg(d != NULL, "harness: cannot list /proc/self/fd: %s", strerror(errno));
	int self = dirfd(d);
	for (struct dirent *e; (e = readdir(d));) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || fd == self)
			continue;
		if (fd < FARM_FD_LIMIT)
			fds->open[fd] = 1;
		fds->count++;
	}
	closedir(d);
}

void farm_check_fds(const struct farm_fds *before, const char *when)
{
	struct farm_fds now;
	farm_fds_now(&now);
	int extra = -1, missing = -1;
	for (int fd = FARM_FD_LIMIT - 1; fd >= 0; fd--) {
		if (now.open[fd] && !before->open[fd])
			extra = fd;
		if (!now.open[fd] && before->open[fd])
			missing = fd;
	}
	ck_assert_msg(extra < 0 && now.count == before->count,
	              "%s, the caller has %d descriptor%s open, %d before (descriptor %d is new): "
	              "close both of your ends of every pipe once its worker is done",
	              when, now.count, HARNESS_PLURAL(now.count), before->count, extra);
	ck_assert_msg(missing < 0,
	              "%s, descriptor %d, open before farm_run, is closed: close only the "
	              "descriptors your code opened",
	              when, missing);
}

void farm_check_no_children(const char *when)
{
	siginfo_t si = {0};
	int r = waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT);
	if (r < 0 && errno == ECHILD)
		return;
	int zombies = 0;
	if (si.si_pid != 0)
		while (waitpid(-1, NULL, WNOHANG) > 0)
			zombies++;
	ck_assert_msg(si.si_pid == 0 && zombies == 0,
	              "%s, %d worker%s left as zombie%s: waitpid every worker you forked before "
	              "farm_run returns",
	              when, zombies, HARNESS_PLURAL(zombies), HARNESS_PLURAL(zombies));
	ck_abort_msg("%s, workers are still running: close each worker's task pipe (it "
	             "then sees end-of-file and exits) and waitpid it before farm_run returns",
	             when);
}
