/*
 * schedule.c -- runs an exercise's rubric tests, several at once.
 *
 * Independent tests run as pool jobs, one per CPU.  A timing test measures
 * the machine, so it runs alone: every other job finishes before it starts,
 * and none starts until it has finished; other graders on the machine are
 * kept away too (machine.h).  Results are handed back in rubric order
 * whatever order the jobs end in.
 */
#include "schedule.h"

#include "machine.h"
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

/* Says how long a timing test waited for other graders to let it run
 * alone, when that was noticeable. */
static void note_machine_wait(struct pool_job *job, double waited)
{
	if (waited < 0)
		text_add(&job->report,
		         "note: other gradings kept this machine busy for the "
		         "longest the grader waits, so this test ran alongside them\n");
	else if (waited >= 1)
		text_printf(&job->report,
		            "note: this test waited %.0f s for another grading on this "
		            "machine, so that it ran alone\n",
		            waited);
}

/* Starts job i, alone on the machine for a timing test; false if it could
 * not be started. */
static bool start_job(const struct schedule *s, size_t i, bool alone, struct pool_job *jobs,
                      struct job_arg *args, double *waited)
{
	const struct rubric_test *t = &s->rubric->tests[i];
	s->started(s->context, t);
	if (alone)
		waited[i] = machine_alone();
	args[i] = (struct job_arg){s, t, i};
	if (pool_start(&jobs[i], run_job, &args[i]) == 0)
		return true;
	text_add(&jobs[i].report, "grader error: cannot start a job\n");
	jobs[i].machine_failed = true;
	return false;
}

void schedule_run(const struct schedule *s)
{
	size_t n = s->rubric->count;
	struct pool_job *jobs = xcalloc(n, sizeof *jobs);
	struct job_arg *args = xcalloc(n, sizeof *args);
	bool *done = xcalloc(n, sizeof *done);
	double *waited = xcalloc(n, sizeof *waited);
	int cpus = pool_cpus(), running = 0;
	size_t next_done = 0;
	bool alone_running = false;
	for (size_t i = 0; i <= n; i++) {
		const struct rubric_test *t = i < n ? &s->rubric->tests[i] : NULL;
		bool skip = t && !s->selected(s->context, t);
		bool quick = t && !skip && s->quick(s->context, t);
		bool alone = t && !skip && !quick && runs_alone(t);
		bool yield = t && !skip && !quick && !alone && machine_wanted();
		/* Make room: every slot at the end, for a test that runs alone or
		 * after one, or for another grader's; one slot otherwise. */
		while (running > 0 && (!t || alone || alone_running || yield || running >= cpus))
			if (!reap_one(jobs, n, done, &running))
				break;
		if (running == 0 && (alone_running || yield))
			machine_share();
		if (running == 0)
			alone_running = false;
		if (quick)
			run_inline(s, t, i, &jobs[i]);
		if (t && !skip && !quick && start_job(s, i, alone, jobs, args, waited)) {
			running++;
			alone_running = alone;
		} else if (t) {
			done[i] = true; /* skipped, graded inline, or not started */
		}
		for (; next_done < n && done[next_done]; next_done++) {
			note_machine_wait(&jobs[next_done], waited[next_done]);
			s->done(s->context, next_done, &jobs[next_done]);
		}
	}
	free(waited);
	free(done);
	free(args);
	free(jobs);
}
