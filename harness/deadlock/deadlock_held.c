/*
 * deadlock_held.c -- the harness holds accounts' locks itself and watches
 * what the student's calls do meanwhile:
 *   - parallel: with B's lock held by the harness and a thread stuck in
 *     transfer(A, B), transfer(C, D) must still complete: no bank-wide lock.
 *     A controller thread holds B and lets the two transfers start in turn;
 *     all three threads are joined before the balances are read;
 *   - audit_waits: with two accounts locked by the harness and a transfer
 *     between them half done, audit must wait instead of adding it up.  The
 *     test's thread holds the locks and calls audit in the background.
 * A call is seen blocked in the lock table the wrappers keep
 * (someone_waits_for), or returned.
 */
#include "deadlock.h"
#include "deadlock_harness.h"
#include "harness.h"
#include "lockgraph.h"

#include <stdatomic.h>

/* --- parallelism -------------------------------------------------------- */

struct parallel_run {
	account_t *a, *b, *c, *d;
	atomic_int stage; /* 1: B held, A-to-B may start; 2: C-to-D may start */
	atomic_bool ab_done, cd_done;
};

/* Workers wait for the controller's go without a limit: it gives it within
 * a second, and the watchdog ends a test that stalls. */
static void wait_stage(struct parallel_run *p, int stage)
{
	while (atomic_load(&p->stage) < stage)
		harness_sleep_us(200);
}

static bool flag_set(void *flag)
{
	return atomic_load((atomic_bool *)flag);
}

/* transfer(A, B) is blocked on B's lock, or returned. */
static bool ab_blocked_or_done(void *arg)
{
	struct parallel_run *p = arg;
	return someone_waits_for(&p->b->lock) || atomic_load(&p->ab_done);
}

static void parallel_controller(struct parallel_run *p)
{
	pthread_mutex_lock(&p->b->lock);
	atomic_store(&p->stage, 1);
	harness_wait_until(ab_blocked_or_done, p, 0.5);
	bool ab_finished = atomic_load(&p->ab_done);
	atomic_store(&p->stage, 2);
	bool cd_finished = harness_wait_until(flag_set, &p->cd_done, 3.0);
	pthread_mutex_unlock(&p->b->lock);
	HARNESS_REQUIRE(!ab_finished,
	                "transfer(A, B) completed while another thread held B's lock: a "
	                "transfer must hold both accounts' own locks (account_t.lock) while it "
	                "moves the money, not one lock for the whole bank, which would let only "
	                "one transfer run at a time");
	HARNESS_REQUIRE(cd_finished,
	                "while one thread was inside transfer(A, B) waiting for B's lock, "
	                "transfer(C, D) on another thread did not complete within 3 s. C and D "
	                "have nothing to do with A and B, so it waited for a lock every transfer "
	                "shares: one lock for the whole bank lets only one transfer run at a "
	                "time, however many cores there are");
}

static void parallel_worker(unsigned i, void *arg)
{
	struct parallel_run *p = arg;
	if (i == 0) {
		parallel_controller(p);
	} else if (i == 1) {
		wait_stage(p, 1);
		transfer(p->a, p->b, 1);
		atomic_store(&p->ab_done, true);
	} else {
		wait_stage(p, 2);
		transfer(p->c, p->d, 1);
		atomic_store(&p->cd_done, true);
	}
}

START_TEST(parallel)
{
	account_t accounts[4];
	bank_open(accounts, 4, 100);
	struct parallel_run p = {
	    .a = &accounts[0], .b = &accounts[1], .c = &accounts[2], .d = &accounts[3]};
	harness_run_threads(3, parallel_worker, &p);
	ck_assert_msg(accounts[0].balance == 99 && accounts[1].balance == 101,
	              "transfer(A, B, 1) from 100 and 100 left %ld and %ld", accounts[0].balance,
	              accounts[1].balance);
	bank_close(accounts, 4);
}
END_TEST

/* --- audit holds every lock --------------------------------------------- */

/* One call of audit over every account, in a shuffled order, made in the
 * background while the harness holds two of the locks. */
struct audit_call {
	account_t *order[8];
	size_t n;
	long result; /* written before the call counts as returned */
	struct harness_background running;
};

static void call_audit(void *arg)
{
	struct audit_call *c = arg;
	c->result = audit(c->order, c->n);
}

/* audit is blocked on an account's lock, or returned. */
static bool audit_blocked_or_done(void *arg)
{
	struct audit_call *c = arg;
	if (harness_background_returned(&c->running) == 1)
		return true;
	for (size_t i = 0; i < c->n; i++)
		if (someone_waits_for(&c->order[i]->lock))
			return true;
	return false;
}

START_TEST(audit_waits)
{
	lockgraph_watch();
	account_t accounts[8];
	const long total = 8000;
	bank_open(accounts, 8, 1000);
	struct audit_call c = {.n = 8};
	for (size_t k = 0; k < c.n; k++)
		c.order[k] = &accounts[k];
	shuffle(c.order, c.n);
	/* Two accounts' locks held, with a transfer of 100 between them half done. */
	account_t *x = &accounts[1], *y = &accounts[c.n - 2];
	pthread_mutex_lock(&x->lock);
	pthread_mutex_lock(&y->lock);
	x->balance -= 100;
	harness_background_start(&c.running, 1, call_audit, &c);
	harness_wait_until(audit_blocked_or_done, &c, 0.3);
	bool early = harness_background_returned(&c.running) == 1;
	long seen = early ? c.result : 0;
	y->balance += 100;
	pthread_mutex_unlock(&y->lock);
	pthread_mutex_unlock(&x->lock);
	/* HARNESS_REQUIRE ends the process at once: the call may still run. */
	HARNESS_REQUIRE(!early,
	                "audit returned %ld (instead of %ld) while another thread held the locks "
	                "of accounts %u and %u in the middle of a transfer of 100 between them: "
	                "audit must hold the lock of every account it adds up, so it never sees a "
	                "transfer half done",
	                seen, total, x->id, y->id);
	HARNESS_REQUIRE(harness_background_wait(&c.running, 1, 5.0),
	                "audit did not return within 5 s after the locks it waited for were "
	                "released");
	ck_assert_msg(c.result == total,
	              "audit returned %ld once the transfer in progress had finished; the total "
	              "is %ld",
	              c.result, total);
	bank_close(accounts, 8);
}
END_TEST

void deadlock_define_held(void)
{
	HARNESS_ADD(parallel, 10);
	HARNESS_ADD(audit_waits, 10);
}
