/*
 * run.c -- run one untrusted command in isolation and collect what it did.
 *
 * A submission runs inside the harness's process, so it can do anything a
 * process can: hang, flood its output, fork without end, kill its parent or
 * its process group.  Every command therefore runs under a "keeper":
 *
 *   grader ── keeper (child subreaper, dies with the grader)
 *                └── command (own process group, dies with the keeper)
 *                      └── whatever it starts
 *
 * The keeper enforces the time limit, kills the command's process group,
 * then kills every process that was orphaned onto it (double-forked or
 * setsid daemons included), and only then reports how the command ended on
 * a pipe of its own.  The command's getppid() is the keeper, so killing its
 * parent or its group never reaches the grader; if the keeper itself is
 * killed, the grader kills the command's group and sweeps its own orphans.
 */
#include "run.h"

#include "landlock.h"
#include "protocol.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { VERDICT_CAP = 1 << 20, GRACE_SECONDS = 3, SANDBOX_PROCESSES = 4096 };

/* What the keeper tells the grader, one fixed-size record a write (well
 * under PIPE_BUF, so never split): first the command's pid, then how it
 * ended.  Both sides are this file. */
enum keeper_event { KEEPER_STARTED = 1, KEEPER_NOT_STARTED, KEEPER_ENDED };
enum keeper_end { END_EXITED, END_SIGNALED, END_TIMED_OUT };
struct keeper_report {
	int event;      /* enum keeper_event */
	int pid;        /* the command (KEEPER_STARTED) */
	int end;        /* enum keeper_end (KEEPER_ENDED) */
	int value;      /* exit status or signal */
	double seconds; /* how long the command ran */
	int leftover;   /* its descendants still alive at the end, killed */
};

static void keeper_tell(int fd, struct keeper_report report)
{
	if (write(fd, &report, sizeof report) != (ssize_t)sizeof report)
		_exit(1); /* the grader is gone, or will clean up after us */
}

static uid_t sandbox_uid;
static gid_t sandbox_gid;

void run_set_sandbox_user(unsigned uid, unsigned gid)
{
	sandbox_uid = (uid_t)uid;
	sandbox_gid = (gid_t)gid;
}

void run_init(void)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGPIPE, SIG_IGN);
}

double monotonic_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void nap_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&t, NULL);
}

/* Sends SIGKILL to every process whose parent is `parent`. */
static int kill_children_of(pid_t parent)
{
	DIR *proc = opendir("/proc");
	if (!proc)
		return 0;
	int killed = 0;
	struct dirent *e;
	while ((e = readdir(proc)) != NULL) {
		pid_t pid = (pid_t)atoi(e->d_name);
		if (pid <= 0)
			continue;
		char path[64], stat[512];
		snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, stat, sizeof stat - 1);
		close(fd);
		if (n <= 0)
			continue;
		stat[n] = '\0';
		/* "pid (comm) state ppid ...": comm may hold spaces and ')' */
		char *close_paren = strrchr(stat, ')');
		char state;
		int ppid;
		if (!close_paren || sscanf(close_paren + 1, " %c %d", &state, &ppid) != 2)
			continue;
		if (ppid != parent)
			continue;
		/* ThreadSanitizer's own symbolizer is expected, not the student's. */
		bool symbolizer = strstr(stat, "(llvm-symbolizer") != NULL;
		if (kill(pid, SIGKILL) == 0 && !symbolizer)
			killed++;
	}
	closedir(proc);
	return killed;
}

/* Kills and reaps every child of this process until none is left. */
static int sweep_children(void)
{
	int killed = 0;
	for (int round = 0; round < 10000; round++) {
		killed += kill_children_of(getpid());
		pid_t w;
		while ((w = waitpid(-1, NULL, WNOHANG)) > 0)
			;
		if (w < 0 && errno == ECHILD)
			break;
		nap_ms(1);
	}
	return killed;
}

static void set_limit(int resource, rlim_t value)
{
	struct rlimit limit = {value, value};
	setrlimit(resource, &limit);
}

/* In the command's process, before exec.  Returns false if it could not
 * become the sandbox user (then it must not run at all). */
static bool apply_limits(const struct run_spec *spec)
{
	set_limit(RLIMIT_CORE, 0);
	set_limit(RLIMIT_FSIZE, 64UL << 20);
	/* CPU seconds: every core busy for the whole time limit, and some. */
	set_limit(RLIMIT_CPU, (rlim_t)(spec->timeout * 4 + 10));
	if (spec->memory_limit)
		set_limit(RLIMIT_AS, spec->memory_limit);
	if (sandbox_uid == 0)
		return true;
	set_limit(RLIMIT_NPROC, SANDBOX_PROCESSES);
	return setgroups(0, NULL) == 0 && setgid(sandbox_gid) == 0 && setuid(sandbox_uid) == 0;
}

/* In the command's process: wire the descriptors and exec. */
static _Noreturn void exec_command(const struct run_spec *spec, int out_fd, int verdict_fd,
                                   int config_fd)
{
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);

	int devnull = open("/dev/null", O_RDONLY);
	/* Move our pipe ends above the target numbers before dup2 onto them. */
	int out = fcntl(out_fd, F_DUPFD, 10);
	int verdict = verdict_fd >= 0 ? fcntl(verdict_fd, F_DUPFD, 10) : -1;
	int config = config_fd >= 0 ? fcntl(config_fd, F_DUPFD, 10) : -1;
	dup2(devnull, STDIN_FILENO);
	dup2(out, STDOUT_FILENO);
	dup2(out, STDERR_FILENO);
	if (verdict >= 0)
		dup2(verdict, PROTOCOL_VERDICT_FD);
	if (config >= 0)
		dup2(config, PROTOCOL_CONFIG_FD);
	for (int fd = STDERR_FILENO + 1; fd < 1024; fd++)
		if (!(verdict >= 0 && fd == PROTOCOL_VERDICT_FD) &&
		    !(config >= 0 && fd == PROTOCOL_CONFIG_FD))
			close(fd);

	if (spec->limit_resources && !apply_limits(spec)) {
		dprintf(STDOUT_FILENO, "grader: cannot switch to the sandbox user: %s\n",
		        strerror(errno));
		_exit(127);
	}
	if (spec->cwd && chdir(spec->cwd) != 0) {
		dprintf(STDOUT_FILENO, "grader: cannot enter %s: %s\n", spec->cwd, strerror(errno));
		_exit(127);
	}
	if (spec->limit_resources && (spec->readable || spec->writable) &&
	    landlock_confine(spec->readable, spec->writable) < 0)
		dprintf(STDOUT_FILENO, "grader: WARNING: Landlock not applied: %s\n",
		        strerror(errno));
	execvpe(spec->argv[0], spec->argv, spec->env);
	dprintf(STDOUT_FILENO, "grader: cannot run %s: %s\n", spec->argv[0], strerror(errno));
	_exit(127);
}

/* Waits for pid until the deadline; true if it ended (status stored). */
static bool wait_until(pid_t pid, double deadline, int *status)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	for (;;) {
		pid_t w = waitpid(pid, status, WNOHANG);
		if (w == pid)
			break;
		double left = deadline - monotonic_now();
		if (left <= 0) {
			if (pidfd >= 0)
				close(pidfd);
			return false;
		}
		if (pidfd >= 0) {
			struct pollfd p = {pidfd, POLLIN, 0};
			poll(&p, 1, (int)(left * 1000) + 1);
		} else {
			nap_ms(left < 0.005 ? 1 : 5);
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	return true;
}

static _Noreturn void keeper_main(const struct run_spec *spec, pid_t grader, int out_fd,
                                  int verdict_fd, int config_fd, int status_fd)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != grader) /* the grader died before the line above */
		_exit(1);
	double start = monotonic_now();
	/* The command waits for a byte on go[0] until its pid is reported: so the
	 * grader knows whom to kill even if the command kills its keeper at once. */
	int go[2];
	pid_t pid = pipe2(go, O_CLOEXEC) == 0 ? fork() : -1;
	if (pid < 0) {
		dprintf(out_fd, "grader: cannot fork: %s\n", strerror(errno));
		keeper_tell(status_fd, (struct keeper_report){.event = KEEPER_NOT_STARTED});
		_exit(1);
	}
	if (pid == 0) {
		close(status_fd);
		close(go[1]);
		char byte;
		while (read(go[0], &byte, 1) < 0 && errno == EINTR)
			;
		close(go[0]);
		exec_command(spec, out_fd, verdict_fd, config_fd);
	}
	close(go[0]);
	setpgid(pid, pid); /* also in the child: whichever runs first */
	close(out_fd);
	if (verdict_fd >= 0)
		close(verdict_fd);
	if (config_fd >= 0)
		close(config_fd);
	keeper_tell(status_fd, (struct keeper_report){.event = KEEPER_STARTED, .pid = pid});
	close(go[1]); /* end of file: the command may go */

	int status = 0;
	bool ended = wait_until(pid, start + spec->timeout, &status);
	if (!ended) {
		killpg(pid, SIGKILL);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	double seconds = monotonic_now() - start;
	killpg(pid, SIGKILL);
	int leftover = sweep_children();
	struct keeper_report end = {
	    .event = KEEPER_ENDED, .seconds = seconds, .leftover = leftover};
	if (!ended)
		end.end = END_TIMED_OUT;
	else if (WIFSIGNALED(status))
		end.end = END_SIGNALED, end.value = WTERMSIG(status);
	else
		end.end = END_EXITED, end.value = WEXITSTATUS(status);
	keeper_tell(status_fd, end);
	_exit(0);
}

struct buffer {
	char *data;
	size_t len, cap, total;
	bool open;
};

/* Reads what is there; keeps up to cap bytes, counts the rest. */
static void drain(int fd, struct buffer *b)
{
	char chunk[65536];
	ssize_t n = read(fd, chunk, sizeof chunk);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		b->open = false;
		return;
	}
	b->total += (size_t)n;
	size_t keep = b->len < b->cap ? b->cap - b->len : 0;
	if (keep > (size_t)n)
		keep = (size_t)n;
	memcpy(b->data + b->len, chunk, keep);
	b->len += keep;
	b->data[b->len] = '\0';
}

static void buffer_init(struct buffer *b, size_t cap, bool open)
{
	b->data = calloc(1, cap + 1);
	b->cap = b->data ? cap : 0;
	b->len = b->total = 0;
	b->open = open && b->data;
}

/* Whether the keeper reported this event in what it sent; the report. */
static bool keeper_said(const struct buffer *b, enum keeper_event event, struct keeper_report *k)
{
	for (size_t off = 0; b->data && off + sizeof *k <= b->len; off += sizeof *k) {
		memcpy(k, b->data + off, sizeof *k);
		if (k->event == (int)event)
			return true;
	}
	return false;
}

static void apply_end(const struct keeper_report *k, struct run_result *r)
{
	r->seconds = k->seconds;
	r->leftover_processes = k->leftover;
	if (k->end == END_TIMED_OUT)
		r->timed_out = true;
	else if (k->end == END_SIGNALED)
		r->signal = k->value;
	else {
		r->exited = true;
		r->exit_code = k->value;
	}
}

static void set_nonblocking(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* A pipe holding the whole of text, its writing end closed: the read end,
 * or -1.  The text fits in the pipe's buffer (PROTOCOL_CONFIG_MAX). */
static int filled_pipe(const char *text)
{
	int p[2];
	size_t len = strlen(text);
	if (len > PROTOCOL_CONFIG_MAX || pipe2(p, O_CLOEXEC) != 0)
		return -1;
	bool written = write(p[1], text, len) == (ssize_t)len;
	close(p[1]);
	if (!written) {
		close(p[0]);
		return -1;
	}
	return p[0];
}

void run_command(const struct run_spec *spec, struct run_result *r)
{
	memset(r, 0, sizeof *r);
	int out[2], verdict[2] = {-1, -1}, status[2];
	int config = spec->config ? filled_pipe(spec->config) : -1;
	if ((spec->config && config < 0) || pipe2(out, O_CLOEXEC) || pipe2(status, O_CLOEXEC) ||
	    (spec->verdict_channel && pipe2(verdict, O_CLOEXEC))) {
		r->output = strdup("grader: cannot create pipes");
		return;
	}
	double start = monotonic_now();
	pid_t grader = getpid();
	pid_t keeper = fork();
	if (keeper == 0) {
		close(out[0]);
		close(status[0]);
		if (verdict[0] >= 0)
			close(verdict[0]);
		keeper_main(spec, grader, out[1], verdict[1], config, status[1]);
	}
	if (config >= 0)
		close(config);
	close(out[1]);
	close(status[1]);
	if (verdict[1] >= 0)
		close(verdict[1]);

	struct buffer outb, verdictb, statusb;
	buffer_init(&outb, spec->output_cap, true);
	buffer_init(&verdictb, VERDICT_CAP, verdict[0] >= 0);
	buffer_init(&statusb, 4096, keeper > 0);
	int fds[3] = {out[0], verdict[0], status[0]};
	struct buffer *bufs[3] = {&outb, &verdictb, &statusb};
	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0)
			set_nonblocking(fds[i]);

	double hard_deadline = start + spec->timeout + GRACE_SECONDS;
	pid_t command_pid = 0;
	bool keeper_lost = false;
	while (outb.open || verdictb.open || statusb.open) {
		struct pollfd p[3];
		int np = 0, map[3];
		for (int i = 0; i < 3; i++)
			if (bufs[i]->open) {
				p[np] = (struct pollfd){fds[i], POLLIN, 0};
				map[np++] = i;
			}
		int left_ms = (int)((hard_deadline - monotonic_now()) * 1000);
		if (left_ms <= 0)
			break;
		if (poll(p, (nfds_t)np, left_ms) < 0 && errno != EINTR)
			break;
		for (int k = 0; k < np; k++)
			if (p[k].revents)
				drain(fds[map[k]], bufs[map[k]]);
		struct keeper_report k;
		if (!command_pid && keeper_said(&statusb, KEEPER_STARTED, &k))
			command_pid = k.pid;
		if (!keeper_lost && !statusb.open && !keeper_said(&statusb, KEEPER_ENDED, &k)) {
			/* The keeper died before reporting: clean up after it, and give
			 * what is left of the command two seconds (once) to close up. */
			keeper_lost = true;
			if (command_pid > 0)
				killpg(command_pid, SIGKILL);
			hard_deadline = monotonic_now() + 2;
		}
	}
	if (keeper > 0) {
		kill(keeper, SIGKILL);
		waitpid(keeper, NULL, 0);
	}
	if (command_pid > 0)
		killpg(command_pid, SIGKILL);
	struct keeper_report end;
	bool ended = keeper_said(&statusb, KEEPER_ENDED, &end);
	if (!ended)
		r->leftover_processes = sweep_children();

	r->started = keeper > 0 && command_pid > 0;
	r->seconds = monotonic_now() - start;
	int swept = r->leftover_processes;
	if (ended)
		apply_end(&end, r);
	r->leftover_processes += swept;
	if (r->started && !r->exited && !r->signal && !r->timed_out)
		r->signal = SIGKILL; /* the keeper was killed: so was the command */
	r->output = outb.data ? outb.data : strdup("");
	r->output_total = outb.total;
	r->verdicts = verdictb.data ? verdictb.data : strdup("");
	free(statusb.data);
	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

static int tool(struct run_spec *spec, char **output)
{
	extern char **environ;
	spec->env = environ;
	spec->output_cap = 256UL * 1024;
	struct run_result r;
	run_command(spec, &r);
	*output = r.output;
	r.output = NULL;
	int status = r.exited ? r.exit_code : -1;
	if (!r.exited && *output) {
		char why[128];
		run_describe_end(&r, why, sizeof why);
		char *with_reason = NULL;
		if (asprintf(&with_reason, "%s%s %s\n", *output, spec->argv[0], why) >= 0) {
			free(*output);
			*output = with_reason;
		}
	}
	run_result_free(&r);
	return status;
}

int run_tool(char *const argv[], double timeout, char **output)
{
	struct run_spec spec = {.argv = argv, .timeout = timeout};
	return tool(&spec, output);
}

int run_untrusted_tool(char *const argv[], const char *const *readable, const char *const *writable,
                       double timeout, char **output)
{
	struct run_spec spec = {.argv = argv,
	                        .timeout = timeout,
	                        .limit_resources = true,
	                        .readable = readable,
	                        .writable = writable};
	return tool(&spec, output);
}

void run_result_free(struct run_result *r)
{
	free(r->output);
	free(r->verdicts);
	r->output = r->verdicts = NULL;
}

void run_describe_end(const struct run_result *r, char *buf, size_t len)
{
	if (!r->started)
		snprintf(buf, len, "could not be started");
	else if (r->timed_out)
		snprintf(buf, len, "was stopped after its time limit of %.0f s", r->seconds);
	else if (r->signal)
		snprintf(buf, len, "was killed by signal %d (%s)", r->signal, strsignal(r->signal));
	else
		snprintf(buf, len, "exited with status %d", r->exit_code);
}
