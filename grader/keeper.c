/*
 * keeper.c -- the process between the grader and an untrusted command.
 *
 *   grader ── keeper (child subreaper, dies with the grader)
 *                └── command (own process group, dies with the keeper)
 *                      └── whatever it starts
 *
 * The keeper starts the command in a process group of its own, with the
 * run's descriptors, limits, user and Landlock rules, enforces the time
 * limit, kills the group, then every process orphaned onto it (double-forked
 * or setsid daemons included), and only then reports how the command ended
 * (struct keeper_report, keeper.h).  The command's getppid() is the keeper,
 * so killing its parent or its group never reaches the grader.
 */
#include "keeper.h"

#include "landlock.h"
#include "protocol.h"
#include "run_limits.h"
#include "util.h"

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
int keeper_sweep_children(void)
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

/* Sets both limits to value, or to the hard limit when that is lower (a
 * stricter limit already in force stays).  False if the kernel refuses: the run must not start
 * without its limits. */
static bool set_limit(int resource, rlim_t value)
{
	struct rlimit limit;
	if (getrlimit(resource, &limit) != 0)
		return false;
	if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < value)
		value = limit.rlim_max;
	limit = (struct rlimit){value, value};
	return setrlimit(resource, &limit) == 0;
}

/* In the command's process, before exec.  Returns false if it could not
 * set a limit or become the sandbox user (then it must not run at all). */
static bool apply_limits(const struct run_spec *spec)
{
	if (!set_limit(RLIMIT_CORE, 0) || !set_limit(RLIMIT_FSIZE, LIMIT_FILE_BYTES) ||
	    !set_limit(RLIMIT_CPU, (rlim_t)LIMIT_CPU_SECONDS(spec->timeout)) ||
	    (spec->memory_limit && !set_limit(RLIMIT_AS, spec->memory_limit)))
		return false;
	if (sandbox_uid == 0)
		return true;
	return set_limit(RLIMIT_NPROC, LIMIT_PROCESSES) && setgroups(0, NULL) == 0 &&
	       setgid(sandbox_gid) == 0 && setuid(sandbox_uid) == 0;
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
		dprintf(STDOUT_FILENO,
		        "grader: cannot apply the run's limits or switch to the sandbox user: %s\n",
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

/* How the wait for the command ended. */
enum waited { WAIT_ENDED, WAIT_DEADLINE, WAIT_STOPPED };

/* Waits for pid until the deadline (status stored when it ended, the
 * stopping signal when it stayed stopped).  A stopped command would wait
 * out its whole limit; it is given KEEPER_STOPPED_GRACE to be continued.
 * pidfd says when it ends, not when it stops: hence a poll every 100 ms. */
static enum waited wait_until(pid_t pid, double deadline, int *status)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	double stopped_since = 0;
	enum waited how = WAIT_ENDED;
	for (;;) {
		pid_t w = waitpid(pid, status, WNOHANG | WUNTRACED | WCONTINUED);
		if (w == pid && WIFSTOPPED(*status)) {
			/* A second stop whose continue went unseen keeps the first time. */
			if (stopped_since == 0)
				stopped_since = monotonic_now();
		} else if (w == pid && WIFCONTINUED(*status)) {
			stopped_since = 0;
		} else if (w == pid) {
			break;
		}
		double now = monotonic_now(), left = deadline - now;
		if (stopped_since > 0 && now - stopped_since >= KEEPER_STOPPED_GRACE) {
			*status = WSTOPSIG(*status);
			how = WAIT_STOPPED;
			break;
		}
		if (left <= 0) {
			how = WAIT_DEADLINE;
			break;
		}
		if (pidfd >= 0) {
			struct pollfd p = {pidfd, POLLIN, 0};
			poll(&p, 1, (int)((left < 0.1 ? left : 0.1) * 1000) + 1);
		} else {
			nap_ms(left < 0.005 ? 1 : 5);
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	return how;
}

_Noreturn void keeper_main(const struct run_spec *spec, pid_t grader, int out_fd, int verdict_fd,
                           int config_fd, int status_fd)
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
	enum waited how = wait_until(pid, start + spec->timeout, &status);
	int stop_signal = status;
	bool ended = how == WAIT_ENDED;
	if (!ended) {
		killpg(pid, SIGKILL);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	double seconds = monotonic_now() - start;
	killpg(pid, SIGKILL);
	int leftover = keeper_sweep_children();
	struct keeper_report end = {
	    .event = KEEPER_ENDED, .seconds = seconds, .leftover = leftover};
	if (how == WAIT_STOPPED)
		end.end = END_STOPPED, end.value = stop_signal;
	else if (!ended)
		end.end = END_TIMED_OUT;
	else if (WIFSIGNALED(status))
		end.end = END_SIGNALED, end.value = WTERMSIG(status);
	else
		end.end = END_EXITED, end.value = WEXITSTATUS(status);
	keeper_tell(status_fd, end);
	_exit(0);
}
