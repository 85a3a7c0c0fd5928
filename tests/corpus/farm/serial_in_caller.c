/* expect: functional=failed score=under-half */
/* expect-output: ran in the calling process */
/*
 * Wrong: every task runs in the calling process, one after the other, as
 * the starting file does (with its arguments checked).  Every output is
 * right, but nothing runs in a worker: a crashing task would kill the
 * caller, and nothing runs in parallel.
 */
#include "farm.h"

#include <errno.h>
#include <stddef.h>

int farm_run(unsigned nworkers, farm_work work, farm_task_t tasks[], size_t ntasks)
{
	if (nworkers == 0 || nworkers > 64) {
		errno = EINVAL;
		return -1;
	}
	for (size_t i = 0; i < ntasks; i++) {
		farm_task_t *t = &tasks[i];
		t->output = NULL;
		t->output_len = 0;
		t->error = work(t->input, t->input_len, &t->output, &t->output_len);
		t->status = t->error == 0 ? FARM_DONE : FARM_FAILED;
		if (t->error != 0)
			t->output = NULL;
	}
	return 0;
}
