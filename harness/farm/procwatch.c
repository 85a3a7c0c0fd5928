/*
 * procwatch.c -- the farm harness's hang report: who waits where, on which
 * pipe, and who holds that pipe's ends.
 *
 * A pipe deadlock is two processes each blocked writing to a full pipe the
 * other would read, or a read that waits for an end-of-file that never
 * comes because some process still holds the pipe's write end.  The kernel
 * shows both: /proc/PID/syscall gives the call a thread is blocked in and
 * its arguments (the descriptor), /proc/PID/fd/N names the pipe
 * ("pipe:[inode]"), /proc/PID/fdinfo/N its access mode (read or write
 * end).  The report covers the test process's threads and its descendants
 * (the workers, and the workers of a caller the test forked).  Where
 * /proc/PID/syscall cannot be read, /proc/PID/wchan names the kernel
 * function the process sleeps in.
 *
 * It runs on the watchdog thread while the others are stuck; it takes no
 * lock they could hold (no stdio on shared streams: files it opens itself).
 */
#include "farm_support.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_PROCS 160
#define MAX_LINES 24

struct proc {
	pid_t pid;
	int depth; /* 0 the test process, 1 its children, 2 theirs */
};

/* Reads a small /proc file into buf (NUL-terminated); false if unreadable. */
static bool read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return false;
	buf[n] = '\0';
	return true;
}

static pid_t parent_of(pid_t pid)
{
	char path[64], text[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (!read_text(path, text, sizeof text))
		return -1;
	const char *close_paren = strrchr(text, ')');
	int ppid = -1;
	if (!close_paren || sscanf(close_paren + 1, " %*c %d", &ppid) != 1)
		return -1;
	return ppid;
}

/* The test process and its descendants, two generations deep. */
static size_t family(struct proc *out, size_t max)
{
	size_t n = 0;
	out[n++] = (struct proc){getpid(), 0};
	for (int depth = 1; depth <= 2; depth++) {
		DIR *d = opendir("/proc");
		if (!d)
			break;
		for (struct dirent *e; (e = readdir(d)) && n < max;) {
			pid_t pid = (pid_t)atoi(e->d_name);
			pid_t ppid = pid > 0 ? parent_of(pid) : -1;
			for (size_t k = 0; k < n && ppid > 0; k++)
				if (out[k].pid == ppid && out[k].depth == depth - 1) {
					out[n++] = (struct proc){pid, depth};
					break;
				}
		}
		closedir(d);
	}
	return n;
}

static const char *role(const struct proc *p, char *buf, size_t len)
{
	if (p->depth == 0)
		snprintf(buf, len, "the caller (pid %d)", (int)p->pid);
	else if (p->depth == 1 && farm_shared && farm_shared->caller == getpid())
		snprintf(buf, len, "worker %d", (int)p->pid);
	else
		snprintf(buf, len, "process %d (child of the test's %s)", (int)p->pid,
		         p->depth == 1 ? "process" : "caller");
	return buf;
}

/* The pipe inode descriptor fd of pid refers to, or 0. */
static unsigned long pipe_of(pid_t pid, int fd)
{
	char path[64], target[64];
	snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, fd);
	ssize_t n = readlink(path, target, sizeof target - 1);
	unsigned long inode = 0;
	if (n > 0) {
		target[n] = '\0';
		if (sscanf(target, "pipe:[%lu]", &inode) != 1)
			inode = 0;
	}
	return inode;
}

static bool is_write_end(pid_t pid, int fd)
{
	char path[64], text[256];
	snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", (int)pid, fd);
	unsigned flags = 0;
	const char *at = read_text(path, text, sizeof text) ? strstr(text, "flags:") : NULL;
	return at && sscanf(at, "flags: %o", &flags) == 1 && (flags & O_ACCMODE) == O_WRONLY;
}

/* Appends to buf every holder of the pipe's read end or write end. */
static void holders(const struct proc *procs, size_t n, unsigned long inode, bool write_end,
                    char *buf, size_t len)
{
	size_t used = strlen(buf);
	bool any = false;
	for (size_t k = 0; k < n; k++) {
		char path[64], who[96];
		snprintf(path, sizeof path, "/proc/%d/fd", (int)procs[k].pid);
		DIR *d = opendir(path);
		if (!d)
			continue;
		for (struct dirent *e; (e = readdir(d)) && used + 1 < len;) {
			int fd = atoi(e->d_name);
			if (e->d_name[0] == '.' || pipe_of(procs[k].pid, fd) != inode ||
			    is_write_end(procs[k].pid, fd) != write_end)
				continue;
			used +=
			    (size_t)snprintf(buf + used, len - used, "%s%s fd %d", any ? ", " : "",
			                     role(&procs[k], who, sizeof who), fd);
			any = true;
		}
		closedir(d);
	}
	if (!any && used + 1 < len)
		snprintf(buf + used, len - used, "nobody");
}

static const char *call_name(long nr)
{
	switch (nr) {
	case SYS_read:
		return "read";
	case SYS_write:
		return "write";
	case SYS_readv:
		return "readv";
	case SYS_writev:
		return "writev";
	case SYS_poll:
		return "poll";
	case SYS_ppoll:
		return "ppoll";
	case SYS_wait4:
		return "waitpid";
	case SYS_waitid:
		return "waitid";
	case SYS_futex:
		return "a lock or condition wait (futex)";
	case SYS_pause:
		return "pause";
	default:
		return NULL;
	}
}

/* One line for one thread of a process: what it waits in. */
static void report_thread(const struct proc *procs, size_t n, const struct proc *p, int tid)
{
	char path[96], text[256], who[96], pipe_text[900] = "";
	snprintf(path, sizeof path, "/proc/%d/task/%d/syscall", (int)p->pid, tid);
	long nr = -1;
	unsigned long arg0 = 0;
	if (!read_text(path, text, sizeof text) || sscanf(text, "%ld %lx", &nr, &arg0) < 1) {
		snprintf(path, sizeof path, "/proc/%d/task/%d/wchan", (int)p->pid, tid);
		if (read_text(path, text, sizeof text))
			harness_info("%s, thread %d, sleeps in the kernel's %s",
			             role(p, who, sizeof who), tid, text);
		return;
	}
	const char *name = call_name(nr);
	bool on_fd = nr == SYS_read || nr == SYS_write || nr == SYS_readv || nr == SYS_writev;
	unsigned long inode = on_fd ? pipe_of(p->pid, (int)arg0) : 0;
	if (inode) {
		snprintf(pipe_text, sizeof pipe_text, ", pipe:[%lu]; its read end is held by ",
		         inode);
		holders(procs, n, inode, false, pipe_text, sizeof pipe_text);
		size_t used = strlen(pipe_text);
		snprintf(pipe_text + used, sizeof pipe_text - used, "; its write end by ");
		holders(procs, n, inode, true, pipe_text, sizeof pipe_text);
	}
	if (name && on_fd)
		harness_info("%s, thread %d, waits in %s on descriptor %lu%s",
		             role(p, who, sizeof who), tid, name, arg0, pipe_text);
	else if (name)
		harness_info("%s, thread %d, waits in %s", role(p, who, sizeof who), tid, name);
	else
		harness_info("%s, thread %d, is %s", role(p, who, sizeof who), tid,
		             nr < 0 ? "running (a loop?)" : "in another system call");
}

void farm_report_hang(void)
{
	struct proc procs[MAX_PROCS];
	size_t n = family(procs, MAX_PROCS);
	int lines = 0, self = (int)syscall(SYS_gettid);
	for (size_t k = 0; k < n && lines < MAX_LINES; k++) {
		char path[64];
		snprintf(path, sizeof path, "/proc/%d/task", (int)procs[k].pid);
		DIR *d = opendir(path);
		if (!d)
			continue;
		for (struct dirent *e; (e = readdir(d)) && lines < MAX_LINES;) {
			int tid = atoi(e->d_name);
			if (tid <= 0 || tid == self)
				continue;
			report_thread(procs, n, &procs[k], tid);
			lines++;
		}
		closedir(d);
	}
	if (lines == MAX_LINES)
		harness_info("(more processes or threads wait; the first %d are shown)", MAX_LINES);
	harness_info("a read waits for bytes or for end-of-file, which comes only when every "
	             "write end of the pipe is closed; a write waits while the pipe is full "
	             "(64 KiB) and nobody reads it");
}
