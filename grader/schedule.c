/*
 * schedule.c -- runs an exercise's rubric tests, several at once.
 *
 * Independent tests run as pool jobs, one per CPU.  A timing test measures
 * the machine, so it runs alone: every other job finishes before it starts,
 * and none starts until it has finished.  Results are handed back in rubric
 * order whatever order the jobs end in.
 */
#include "schedule.h"

#include "run.h"
#include "util.h"

#include <stdlib.h>

/* A test that measures time must have the CPUs to itself. */
static bool runs_alone(const struct rubric_test *t)
{
	return t->check == CHECK_TIMING;
}

struct job_arg {
	const struct schedule *s;
	const struct rubric_test *test;
	size_t index;
};

static bool run_job(void *arg, struct text *why)
{
	struct job_arg *a = arg;
	return a->s->grade(a->s->context, a->test, a->index, why);
}

/* Waits for one running job; false if none was running. */
static bool reap_one(struct pool_job *jobs, size_t n, bool *done, int *running)
{
	int k = pool_wait_any(jobs, (int)n);
	if (k < 0)
		return false;
	done[k] = true;
	(*running)--;
	return true;
}

static void run_inline(const struct schedule *s, const struct rubric_test *t, size_t i,
                       struct pool_job *job)
{
	job->started = monotonic_now();
	job->passed = s->grade(s->context, t, i, &job->report);
	job->seconds = monotonic_now() - job->started;
}

void schedule_run(const struct schedule *s)
{
	size_t n = s->rubric->count;
	struct pool_job *jobs = xcalloc(n, sizeof *jobs);
	struct job_arg *args = xcalloc(n, sizeof *args);
	bool *done = xcalloc(n, sizeof *done);
	int cpus = pool_cpus(), running = 0;
	size_t next_done = 0;
	bool alone_running = false;
	for (size_t i = 0; i <= n; i++) {
		const struct rubric_test *t = i < n ? &s->rubric->tests[i] : NULL;
		bool skip = t && !s->selected(s->context, t);
		bool quick = t && !skip && s->quick(s->context, t);
		bool alone = t && !skip && !quick && runs_alone(t);
		/* Make room: every slot at the end, for a test that runs alone or
		 * after one; one slot otherwise. */
		while (running > 0 && (!t || alone || alone_running || running >= cpus))
			if (!reap_one(jobs, n, done, &running))
				break;
		if (running == 0)
			alone_running = false;
		if (skip) {
			done[i] = true;
		} else if (quick) {
			run_inline(s, t, i, &jobs[i]);
			done[i] = true;
		} else if (t) {
			s->started(s->context, t);
			args[i] = (struct job_arg){s, t, i};
			if (pool_start(&jobs[i], run_job, &args[i]) == 0) {
				running++;
				alone_running = alone;
			} else {
				text_add(&jobs[i].report, "grader error: cannot start a job\n");
				jobs[i].machine_failed = true;
				done[i] = true;
			}
		}
		for (; next_done < n && done[next_done]; next_done++)
			s->done(s->context, next_done, &jobs[next_done]);
	}
	free(done);
	free(args);
	free(jobs);
}
