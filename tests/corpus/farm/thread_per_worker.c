/* expect: score=full */
/*
 * Correct alternative: one thread per worker in the caller, with blocking
 * reads and writes.  Each thread takes the next task's index under a mutex,
 * writes the task to its worker and reads the result before it sends
 * anything else (one task in flight per worker, so no pipe deadlock), and
 * replaces its worker when it dies.  A new worker closes every descriptor
 * but its own two (it cannot know which ones the other threads' workers
 * use at that moment).  The workers are started by the calling thread
 * before any other thread exists, so a failed fork is cleaned up there.
 * SIGPIPE is blocked on the calling thread before the threads are created
 * (they inherit the mask); a SIGPIPE raised on a driver thread ends with it.
 */
#include "farm.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct farm {
	pthread_mutex_t lock;
	farm_work work;
	farm_task_t *tasks;
	size_t ntasks, next;
};

struct slot {
	struct farm *f;
	pid_t pid;
	int to, from;
};

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
	long most = sysconf(_SC_OPEN_MAX);
	for (int fd = 3; fd < (most > 0 && most < 65536 ? most : 65536); fd++)
		if (fd != in && fd != out)
			close(fd);
	uint64_t len;
	while (read_full(in, &len, sizeof len) == 0) {
		void *input = malloc(len ? len : 1), *output = NULL;
		size_t output_len = 0;
		if (!input || read_full(in, input, len) < 0)
			_exit(1);
		int value = work(input, len, &output, &output_len);
		free(input);
		uint64_t head[2] = {value ? 0 : output_len, (uint64_t)(int64_t)value};
		if (write_full(out, head, sizeof head) < 0 ||
		    (!value && write_full(out, output, output_len) < 0))
			_exit(1);
		free(output);
	}
	_exit(0);
}

static int start(struct slot *s)
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
	if (pid == 0)
		worker(down[0], up[1], s->f->work);
	int e = errno;
	close(down[0]);
	close(up[1]);
	if (pid < 0) {
		close(down[1]);
		close(up[0]);
		errno = e;
		return -1;
	}
	s->pid = pid;
	s->to = down[1];
	s->from = up[0];
	return 0;
}

/* Closes the worker's pipes and reaps it; its wait status. */
static int stop(struct slot *s)
{
	int status = 0;
	close(s->to);
	close(s->from);
	while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
		;
	s->pid = 0;
	return status;
}

/* Runs task t on the slot's worker; false when the worker died. */
static bool run_task(struct slot *s, farm_task_t *t)
{
	uint64_t len = t->input_len, head[2];
	if (write_full(s->to, &len, sizeof len) < 0 || write_full(s->to, t->input, len) < 0 ||
	    read_full(s->from, head, sizeof head) < 0)
		return false;
	t->output = NULL;
	t->output_len = 0;
	t->error = (int)(int64_t)head[1];
	t->status = head[1] ? FARM_FAILED : FARM_DONE;
	if (head[1])
		return true;
	t->output = malloc(head[0] ? head[0] : 1);
	if (!t->output || read_full(s->from, t->output, head[0]) < 0) {
		free(t->output);
		t->output = NULL;
		return false;
	}
	t->output_len = head[0];
	return true;
}

static void *drive(void *arg)
{
	struct slot *s = arg;
	struct farm *f = s->f;
	for (;;) {
		pthread_mutex_lock(&f->lock);
		size_t i = f->next < f->ntasks ? f->next++ : SIZE_MAX;
		pthread_mutex_unlock(&f->lock);
		if (i == SIZE_MAX)
			break;
		farm_task_t *t = &f->tasks[i];
		if (s->pid == 0 && start(s) < 0) {
			*t = (farm_task_t){t->input, t->input_len, NULL, 0, FARM_CRASHED, 0};
			continue;
		}
		if (!run_task(s, t)) {
			int status = stop(s);
			*t = (farm_task_t){t->input, t->input_len, NULL, 0, FARM_CRASHED,
			                   WIFSIGNALED(status) ? WTERMSIG(status) : 0};
		}
	}
	if (s->pid > 0)
		stop(s);
	return NULL;
}

int farm_run(unsigned nworkers, farm_work work, farm_task_t tasks[], size_t ntasks)
{
	if (nworkers == 0 || nworkers > 64) {
		errno = EINVAL;
		return -1;
	}
	struct farm f = {PTHREAD_MUTEX_INITIALIZER, work, tasks, ntasks, 0};
	struct slot slots[64];
	pthread_t threads[64];
	sigset_t pipe_only, old, pending;
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
	sigpending(&pending);
	int was_pending = sigismember(&pending, SIGPIPE), err = 0;
	unsigned started = 0;
	for (; started < nworkers; started++) {
		slots[started] = (struct slot){&f, 0, -1, -1};
		if (start(&slots[started]) < 0) {
			err = errno;
			break;
		}
	}
	unsigned running = 0;
	for (; !err && running < nworkers; running++)
		if ((err = pthread_create(&threads[running], NULL, drive, &slots[running])) != 0)
			break;
	for (unsigned k = 0; k < running; k++)
		pthread_join(threads[k], NULL);
	for (unsigned k = running; k < started; k++)
		stop(&slots[k]);
	sigpending(&pending);
	if (!was_pending && sigismember(&pending, SIGPIPE)) {
		struct timespec zero = {0, 0};
		sigtimedwait(&pipe_only, NULL, &zero);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}
