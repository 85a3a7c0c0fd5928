/*
 * protocol.h -- what the grader and a harness run agree on, defined once.
 *
 * Both sides include this file; no name, descriptor or record kind below
 * is spelled anywhere else.
 *
 * A graded run of a harness binary:
 *
 *   argv         { PROTOCOL_PROGRAM } and nothing else: nothing in argv or
 *                the environment is secret or names the test, so code that
 *                reads them learns nothing (see grader/README.md, threat model).
 *   fd 4         PROTOCOL_CONFIG_FD: a pipe the grader filled and closed,
 *                lines "NAME VALUE" (CONFIG_*).  The harness reads it to the
 *                end and closes it before any of the student's code runs.
 *   fd 3         PROTOCOL_VERDICT_FD: the harness's records, one a line,
 *                "KEY KIND TEXT" (RECORD_*), KEY being CONFIG_KEY's value.
 *                A run counts only with exactly one pass or fail record for
 *                the test named in the config, and an end record.
 *
 * A hand run (a developer's): `harness PROTOCOL_LIST_FLAG` lists the tests,
 * "NAME SECONDS" a line; `harness PROTOCOL_RUN_FLAG TEST` runs one, with
 * records on stdout under the key PROTOCOL_HAND_KEY.
 *
 * Code addresses in record texts are written PROTOCOL_ADDRESS_MARK followed
 * by the hexadecimal offset in the binary; the grader turns them into
 * file:line.  PROTOCOL_STEP_MARK marks a step of a controlled schedule's
 * timeline the same way; the grader adds the text of the student's line.
 */
#ifndef PROTOCOL_H
#define PROTOCOL_H

enum {
	PROTOCOL_VERDICT_FD = 3,
	PROTOCOL_CONFIG_FD = 4,
	PROTOCOL_KEY_BYTES = 16,     /* random bytes of a run's key (hex on the wire) */
	PROTOCOL_CONFIG_MAX = 4096,  /* bytes of config a run may receive */
	PROTOCOL_RECORD_MAX = 2200,  /* bytes of one record, newline included */
	PROTOCOL_TEST_NAME_MAX = 128 /* bytes of a test name, NUL included */
};

#define PROTOCOL_PROGRAM      "harness"
#define PROTOCOL_LIST_FLAG    "--list"
#define PROTOCOL_RUN_FLAG     "--run"
#define PROTOCOL_HAND_KEY     "-"
#define PROTOCOL_ADDRESS_MARK "addr:0x"
#define PROTOCOL_STEP_MARK    "step:0x"

/* Config lines. */
#define CONFIG_KEY     "key"     /* hex key that tags every record */
#define CONFIG_TEST    "test"    /* the test to run */
#define CONFIG_SEED    "seed"    /* schedule perturbation seed (decimal) */
#define CONFIG_SCALE   "scale"   /* loop-count scale, 0 < s <= 1 (harness_scaled) */
#define CONFIG_STRETCH "stretch" /* the watchdog limit multiplier of this run */
#define CONFIG_SCHEDULES                                                                           \
	"schedules" /* controlled schedules to explore (0: free running, the default) */

/* Record kinds. */
#define RECORD_INFO "info" /* evidence for the student */
#define RECORD_FAIL "fail" /* FILE:LINE: MESSAGE, or MESSAGE */
#define RECORD_PASS "pass" /* TEST */
#define RECORD_END  "end"  /* the harness reached its normal end */
#define RECORD_SEED "seed" /* the seed in force (not shown as evidence) */

#endif
