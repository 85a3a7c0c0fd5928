/* expect: functional=failed */
/* expect-output: A failure must reach the caller */
/*
 * Wrong: a task whose work fails is reported as done, with no output: the
 * failure vanishes, and the program goes on as if the task had succeeded.
 */
#include "farm.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 64
#define NO_TASK     SIZE_MAX

struct result_header {
	uint64_t length;
	int32_t outcome; /* 0 done, 1 failed */
	int32_t value;   /* work's non-zero value when failed */
};

struct worker {
	pid_t pid;    /* > 0 while unreaped */
	int to, from; /* the caller's ends: tasks out, results in; -1 when closed */
	size_t task;  /* index of the task in flight, or NO_TASK */
	uint64_t length;
	size_t sent; /* bytes of header + input written so far */
	struct result_header reply;
	size_t got; /* bytes of reply header + output read so far */
	unsigned char *output;
};

struct farm {
	struct worker w[MAX_WORKERS];
	unsigned n;
	farm_work work;
	farm_task_t *tasks;
	size_t ntasks, next, finished;
};

/* --- the worker's side -------------------------------------------------- */

/* Reads exactly len bytes, retrying short reads and EINTR.  1 when all
 * came, 0 at end-of-file before any byte, -1 on error or a cut message. */
static int read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		ssize_t r = read(fd, (char *)buf + done, len - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || (r == 0 && done > 0))
			return -1;
		if (r == 0)
			return 0;
		done += (size_t)r;
	}
	return 1;
}

/* Writes exactly len bytes, retrying short writes and EINTR; 0 or -1. */
static int write_full(int fd, const void *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		ssize_t r = write(fd, (const char *)buf + done, len - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		done += (size_t)r;
	}
	return 0;
}

/* Runs one task read from `in` and writes its result to `out`; false when
 * the task pipe is closed (or broken): time to exit. */
static bool serve_one(int in, int out, farm_work work)
{
	uint64_t length;
	if (read_full(in, &length, sizeof length) != 1)
		return false;
	void *input = malloc(length ? length : 1);
	if (!input || (length > 0 && read_full(in, input, length) != 1))
		_exit(1);
	void *output = NULL;
	size_t output_len = 0;
	int value = work(input, length, &output, &output_len);
	free(input);
	struct result_header h = {value == 0 ? output_len : 0, value != 0, value};
	bool ok = write_full(out, &h, sizeof h) == 0 &&
	          (value != 0 || write_full(out, output, output_len) == 0);
	free(output);
	return ok;
}

static _Noreturn void worker_main(int in, int out, farm_work work)
{
	while (serve_one(in, out, work))
		;
	_exit(0);
}

/* --- the caller's side -------------------------------------------------- */

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Waits for the worker in slot w to end; returns its wait status. */
static int reap(struct worker *w)
{
	int status = 0;
	while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
		;
	w->pid = 0;
	return status;
}

/* In a new worker: closes every caller end of the other slots. */
static void close_others(struct farm *f, const struct worker *self)
{
	for (unsigned i = 0; i < f->n; i++)
		if (&f->w[i] != self) {
			close_fd(&f->w[i].to);
			close_fd(&f->w[i].from);
		}
}

/* Starts a worker in slot w: two pipes, a fork.  0, or -1 with errno and
 * nothing of it left open. */
static int start_worker(struct farm *f, struct worker *w)
{
	int down[2], up[2];
	if (pipe(down) < 0)
		return -1;
	if (pipe(up) < 0) {
		int e = errno;
		close(down[0]);
		close(down[1]);
		errno = e;
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close_others(f, w);
		close(down[1]);
		close(up[0]);
		worker_main(down[0], up[1], f->work);
	}
	int e = errno;
	close(down[0]);
	close(up[1]);
	if (pid < 0) {
		close(down[1]);
		close(up[0]);
		errno = e;
		return -1;
	}
	/* Non-blocking both: poll says when to try, and an end a new worker
	 * got the number of (a slot restarted in this round) never blocks. */
	fcntl(down[1], F_SETFL, O_NONBLOCK);
	fcntl(up[0], F_SETFL, O_NONBLOCK);
	*w = (struct worker){.pid = pid, .to = down[1], .from = up[0], .task = NO_TASK};
	return 0;
}

/* Closes every task pipe (workers then see end-of-file and exit), then
 * every result pipe, and reaps every worker. */
static void stop_all(struct farm *f)
{
	for (unsigned i = 0; i < f->n; i++)
		close_fd(&f->w[i].to);
	for (unsigned i = 0; i < f->n; i++) {
		close_fd(&f->w[i].from);
		if (f->w[i].pid > 0)
			reap(&f->w[i]);
		free(f->w[i].output);
		f->w[i].output = NULL;
	}
}

static void hand_out(struct farm *f, struct worker *w)
{
	if (f->next == f->ntasks || w->pid <= 0)
		return;
	w->task = f->next++;
	w->length = f->tasks[w->task].input_len;
	w->sent = w->got = 0;
}

static void finish(struct farm *f, struct worker *w, int status, int error)
{
	farm_task_t *t = &f->tasks[w->task];
	t->status = status;
	t->error = error;
	t->output = status == FARM_DONE ? w->output : NULL;
	t->output_len = status == FARM_DONE ? (size_t)w->reply.length : 0;
	if (status != FARM_DONE)
		free(w->output);
	w->output = NULL;
	w->task = NO_TASK;
	f->finished++;
}

/* The worker in slot w ended (end-of-file on its result pipe): its task,
 * if any, crashed; a new worker takes the slot while tasks remain.
 * 0, or -1 with errno when the new worker cannot start. */
static int worker_died(struct farm *f, struct worker *w)
{
	close_fd(&w->to);
	close_fd(&w->from);
	int status = reap(w);
	if (w->task != NO_TASK)
		finish(f, w, FARM_CRASHED, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	if (f->next == f->ntasks)
		return 0;
	if (start_worker(f, w) < 0)
		return -1;
	hand_out(f, w);
	return 0;
}

/* Sends what the task pipe takes now of header + input. */
static void send_some(struct farm *f, struct worker *w)
{
	const unsigned char *input = f->tasks[w->task].input;
	size_t total = sizeof w->length + w->length;
	while (w->sent < total) {
		const void *from = w->sent < sizeof w->length
		                       ? (const unsigned char *)&w->length + w->sent
		                       : input + (w->sent - sizeof w->length);
		size_t len =
		    w->sent < sizeof w->length ? sizeof w->length - w->sent : total - w->sent;
		ssize_t r = write(w->to, from, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EPIPE) {
			close_fd(&w->to); /* the worker died: its result pipe says so */
			return;
		}
		if (r < 0)
			return; /* EAGAIN: the pipe is full, poll again */
		w->sent += (size_t)r;
	}
}

/* Reads what the result pipe holds now; returns false at end-of-file. */
static bool receive_some(struct farm *f, struct worker *w)
{
	size_t head = sizeof w->reply;
	for (;;) {
		if (w->got >= head && (w->reply.outcome != 0 || w->got == head + w->reply.length)) {
			finish(f, w, FARM_DONE, 0);
			hand_out(f, w);
			return true;
		}
		void *to;
		size_t len;
		if (w->got < head) {
			to = (unsigned char *)&w->reply + w->got;
			len = head - w->got;
		} else {
			if (!w->output &&
			    !(w->output = malloc(w->reply.length ? w->reply.length : 1)))
				return false;
			to = w->output + (w->got - head);
			len = head + w->reply.length - w->got;
		}
		ssize_t r = read(w->from, to, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0 || (r < 0 && errno != EAGAIN))
			return false;
		if (r < 0)
			return true;
		w->got += (size_t)r;
		if ((size_t)r < len)
			return true; /* drained for now: poll again */
	}
}

/* Runs the loop until every task finished.  0, or -1 with errno. */
static int run_loop(struct farm *f)
{
	struct pollfd p[2 * MAX_WORKERS];
	struct worker *owner[2 * MAX_WORKERS];
	while (f->finished < f->ntasks) {
		nfds_t n = 0;
		for (unsigned i = 0; i < f->n; i++) {
			struct worker *w = &f->w[i];
			if (w->pid <= 0 || w->task == NO_TASK)
				continue;
			p[n] = (struct pollfd){.fd = w->from, .events = POLLIN};
			owner[n++] = w;
			if (w->to >= 0 && w->sent < sizeof w->length + w->length) {
				p[n] = (struct pollfd){.fd = w->to, .events = POLLOUT};
				owner[n++] = w;
			}
		}
		if (poll(p, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (nfds_t k = 0; k < n; k++) {
			struct worker *w = owner[k];
			if (p[k].revents == 0 || w->pid <= 0 || w->task == NO_TASK)
				continue;
			if (p[k].fd == w->to && w->to >= 0)
				send_some(f, w);
			else if (p[k].fd == w->from && !receive_some(f, w) && worker_died(f, w) < 0)
				return -1;
		}
	}
	return 0;
}

static int run(struct farm *f)
{
	for (unsigned i = 0; i < f->n; i++) {
		if (start_worker(f, &f->w[i]) < 0)
			return -1;
		hand_out(f, &f->w[i]);
	}
	return run_loop(f);
}

/* SIGPIPE blocked on this thread; a SIGPIPE raised meanwhile is consumed
 * before the mask comes back, unless one was pending already. */
static void sigpipe_block(sigset_t *old, bool *was_pending)
{
	sigset_t pipe_only, pending;
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_only, old);
	sigpending(&pending);
	*was_pending = sigismember(&pending, SIGPIPE);
}

static void sigpipe_restore(const sigset_t *old, bool was_pending)
{
	sigset_t pipe_only, pending;
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	sigpending(&pending);
	if (!was_pending && sigismember(&pending, SIGPIPE)) {
		struct timespec now = {0, 0};
		while (sigtimedwait(&pipe_only, NULL, &now) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

int farm_run(unsigned nworkers, farm_work work, farm_task_t tasks[], size_t ntasks)
{
	if (nworkers == 0 || nworkers > MAX_WORKERS || !work) {
		errno = EINVAL;
		return -1;
	}
	struct farm *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	f->n = nworkers;
	f->work = work;
	f->tasks = tasks;
	f->ntasks = ntasks;
	for (unsigned i = 0; i < nworkers; i++)
		f->w[i] = (struct worker){.to = -1, .from = -1, .task = NO_TASK};
	sigset_t old_mask;
	bool was_pending;
	sigpipe_block(&old_mask, &was_pending);
	int r = run(f);
	int e = errno;
	stop_all(f);
	sigpipe_restore(&old_mask, was_pending);
	free(f);
	errno = e;
	return r;
}
