/* expect: functional=failed */
/* expect-output: waits in write on descriptor */
/*
 * Wrong: the pipe deadlock.  The caller writes every task to the workers in
 * turn (blocking writes) and only then reads the results.  A worker that
 * finished its first task writes a large output and waits for the caller to
 * read it; the caller meanwhile writes that worker's second input, and waits
 * for the worker to read it.  Each waits for the other, forever.  Framing,
 * short I/O, EINTR, descriptors and reaping are right.
 */
#include "farm.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		ssize_t r = read(fd, (char *)buf + done, len - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		done += (size_t)r;
	}
	return 0;
}

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

static _Noreturn void worker(int in, int out, farm_work work)
{
	uint64_t len;
	while (read_full(in, &len, sizeof len) == 0) {
		void *input = malloc(len ? len : 1), *output = NULL;
		size_t output_len = 0;
		if (!input || read_full(in, input, len) < 0)
			_exit(1);
		int64_t value = work(input, len, &output, &output_len);
		free(input);
		uint64_t head[2] = {value ? 0 : output_len, (uint64_t)value};
		if (write_full(out, head, sizeof head) < 0 ||
		    (!value && write_full(out, output, output_len) < 0))
			_exit(1);
		free(output);
	}
	_exit(0);
}

int farm_run(unsigned nworkers, farm_work work, farm_task_t tasks[], size_t ntasks)
{
	if (nworkers == 0 || nworkers > 64) {
		errno = EINVAL;
		return -1;
	}
	int to[64], from[64];
	pid_t pid[64];
	unsigned started = 0;
	int err = 0;
	for (; started < nworkers; started++) {
		int down[2], up[2];
		if (pipe(down) < 0)
			break;
		if (pipe(up) < 0) {
			close(down[0]), close(down[1]);
			break;
		}
		pid[started] = fork();
		if (pid[started] == 0) {
			for (unsigned k = 0; k < started; k++)
				close(to[k]), close(from[k]);
			close(down[1]), close(up[0]);
			worker(down[0], up[1], work);
		}
		close(down[0]), close(up[1]);
		if (pid[started] < 0) {
			err = errno;
			close(down[1]), close(up[0]);
			break;
		}
		to[started] = down[1];
		from[started] = up[0];
	}
	if (started < nworkers && !err)
		err = errno;
	sigset_t pipe_only, old;
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
	for (size_t i = 0; i < ntasks && !err; i++) {
		uint64_t len = tasks[i].input_len;
		int fd = to[i % nworkers];
		write_full(fd, &len, sizeof len);
		write_full(fd, tasks[i].input, len);
	}
	for (size_t i = 0; i < ntasks && !err; i++) {
		uint64_t head[2] = {0, 0};
		farm_task_t *t = &tasks[i];
		int fd = from[i % nworkers];
		if (read_full(fd, head, sizeof head) < 0) {
			*t = (farm_task_t){t->input, t->input_len, NULL, 0, FARM_CRASHED, 0};
			continue;
		}
		t->output = head[1] ? NULL : malloc(head[0] ? head[0] : 1);
		t->output_len = head[1] ? 0 : head[0];
		t->status = head[1] ? FARM_FAILED : FARM_DONE;
		t->error = (int)head[1];
		if (!head[1])
			read_full(fd, t->output, head[0]);
	}
	for (unsigned k = 0; k < started; k++)
		close(to[k]);
	for (unsigned k = 0; k < started; k++) {
		close(from[k]);
		while (waitpid(pid[k], NULL, 0) < 0 && errno == EINTR)
			;
	}
	struct timespec zero = {0, 0};
	sigset_t pending;
	sigpending(&pending);
	if (sigismember(&pending, SIGPIPE))
		sigtimedwait(&pipe_only, NULL, &zero);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}
