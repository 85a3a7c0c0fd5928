/*
 * judge.c -- the verdict on one run of a harness test, and its evidence.
 *
 * Only what the harness recorded on its keyed channel and what the tool
 * wrote in its own log count; the run's output is shown, never believed.
 */
#include "judge.h"

#include "evidence.h"
#include "memcheck.h"
#include "sanitizer.h"

#include <stdlib.h>

/* ThreadSanitizer and Helgrind: the tool's reports decide. */
static bool judge_tool(const struct graded_exercise *g, const struct rubric_test *t,
                       const struct harness_run *run, struct text *evidence)
{
	const struct build *b = g->build;
	bool tsan = t->check == CHECK_TSAN;
	const struct verdict *v = &run->verdict;
	int reports = tsan ? tsan_explain(run->tool_log, b->source, b->shown_path, evidence)
	                   : helgrind_explain(run->tool_log, b->source, b->shown_path,
	                                      v->failure != NULL, evidence);
	/* The exit status counts whatever became of the log (the run owns its
	 * folder).  Not for Helgrind after a failed test: the locks the harness
	 * left held then count there, and are not the student's. */
	bool flagged = run->tool_found_errors && (tsan || !v->failure);
	bool passed = reports == 0 && v->ended && run->result.exited && !flagged;
	text_add(evidence, run->log_notes);
	if (!passed && reports == 0) {
		text_printf(evidence, "under %s, ", tsan ? "ThreadSanitizer" : "Helgrind");
		if (flagged)
			text_add(evidence, "its exit status says it found errors, but no report "
			                   "could be read from its log: did the run remove it?\n");
		else if (v->failure)
			text_printf(evidence, "the test failed first: %s\n", v->failure);
		else
			evidence_how_it_ended(&run->result, evidence);
		evidence_output_tail(&run->result, evidence);
	}
	if (g->cfg->verbose && *run->tool_log)
		text_printf(evidence, "--- raw %s log ---\n%s",
		            tsan ? "ThreadSanitizer" : "Helgrind", run->tool_log);
	return passed;
}

/* Memcheck: only reports with a frame in the student's file count, on a
 * run whose test passed (leaks and open descriptors mean nothing after a
 * test stopped midway) and whose main log reached its summary (a log cut
 * short, or errors in the exit status that the log does not show, say the
 * run tampered with it). */
static bool judge_memcheck(const struct graded_exercise *g, const struct harness_run *run,
                           struct text *evidence)
{
	const struct verdict *v = &run->verdict;
	struct memcheck_findings found;
	memcheck_explain(run->tool_log, run->result.pid, g->build->source, g->build->shown_path,
	                 v->failure != NULL, evidence, &found);
	bool flagged = run->tool_found_errors && found.student == 0 && found.others == 0;
	bool ran = v->passed && v->ended && run->result.exited;
	bool passed = found.student == 0 && ran && found.main_summary && !flagged;
	text_add(evidence, run->log_notes);
	if (!passed && found.student == 0) {
		text_add(evidence, "under Memcheck, ");
		if (v->failure)
			text_printf(evidence,
			            "the test failed first (leaks and open descriptors count only "
			            "on a test that passes): %s\n",
			            v->failure);
		else if (!ran)
			evidence_how_it_ended(&run->result, evidence);
		else if (flagged)
			text_add(evidence, "its exit status says it found errors, but no report "
			                   "could be read from its log: did the run remove it?\n");
		else
			text_add(evidence, "its log ends before its summary: did the run remove "
			                   "or cut it?\n");
		evidence_output_tail(&run->result, evidence);
	}
	if (g->cfg->verbose && *run->tool_log)
		text_printf(evidence, "--- raw Memcheck log ---\n%s", run->tool_log);
	return passed;
}

/* Functional and timing checks: the harness's own verdict decides. */
static bool judge_harness(const struct harness_run *run, struct text *evidence)
{
	const struct verdict *v = &run->verdict;
	if (!v->passed) {
		if (v->failure)
			text_printf(evidence, "%s\n", v->failure);
		else
			evidence_how_it_ended(&run->result, evidence);
	}
	text_add(evidence, v->info);
	if (!v->passed && !v->ended)
		evidence_output_tail(&run->result, evidence);
	return v->passed;
}

bool judge_run(const struct graded_exercise *g, const struct rubric_test *t,
               const struct harness_run *run, struct text *why)
{
	struct text evidence = {0};
	bool passed = t->check == CHECK_MEMCHECK ? judge_memcheck(g, run, &evidence)
	              : t->check == CHECK_TSAN || t->check == CHECK_HELGRIND
	                  ? judge_tool(g, t, run, &evidence)
	                  : judge_harness(run, &evidence);
	int leftover = run->result.leftover_processes;
	if (leftover > 0)
		text_printf(&evidence, "(%d process%s left running were killed)\n", leftover,
		            leftover == 1 ? "" : "es");
	char *shown = evidence_symbolize(g->build, g->build->binary[t->variant],
	                                 evidence.data ? evidence.data : "");
	text_add(why, shown);
	free(shown);
	text_free(&evidence);
	return passed;
}
