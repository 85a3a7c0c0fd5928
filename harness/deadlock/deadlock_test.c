/*
 * deadlock_test.c -- the harness for the deadlock exercise.
 *
 * Deadlocks hide: two threads must meet in exactly the wrong order.  So the
 * harness attacks from several sides:
 *   - single_thread: the semantics (funds check, from == to, zero amounts,
 *     audit leaves its array alone and every lock free afterwards);
 *   - conservation, no_deadlock: many threads in every direction with audits
 *     over shuffled arrays, under schedule perturbation; every audit must see
 *     the exact total, and a deadlock is caught within about a second by
 *     lockgraph.c, which prints the cycle in the student's terms;
 *   - lock_order: ONE thread transferring A to B and then B to A cannot hang,
 *     but ThreadSanitizer and Helgrind both report the inverted order, so the
 *     tsan and helgrind checks fail a wrong order every time, not only when
 *     the scheduler is unlucky;
 *   - parallel: with B's lock held by the harness and a thread stuck in
 *     transfer(A, B), transfer(C, D) must still complete: no bank-wide lock.
 *   - audit_waits: with two accounts locked by the harness and a transfer
 *     between them half done, audit must wait instead of adding it up.
 */
#include "deadlock.h"
#include "harness.h"
#include "lockgraph.h"

#include <stdatomic.h>
#include <stdio.h>

#define MAX_ACCOUNTS 64

/*
 * Account ids spread over the whole unsigned range, not in address order.
 * The first three are 2^31 and 2^30 apart: ordered by subtracting ids
 * ((int)(a->id - b->id), or a qsort comparator returning a->id - b->id),
 * the second and third each come before the other, and the three form a
 * cycle (first < second < third < first), so such an order deadlocks under
 * stress and ThreadSanitizer sees it inverted.  The rest are distinct.
 */
static unsigned account_id(size_t i)
{
	static const unsigned first[] = {0xC0000007u, 0x00000007u, 0x80000007u};
	if (i < sizeof first / sizeof first[0])
		return first[i];
	return (unsigned)(i * 0x9E3779B9u) ^ 0x5bd1e995u;
}

/* Accounts with ids that do not follow their addresses, locks named. */
static void bank_open(account_t *accounts, size_t n, long each)
{
	for (size_t i = 0; i < n; i++) {
		unsigned id = account_id(i);
		account_init(&accounts[i], id, each);
		char name[32];
		snprintf(name, sizeof name, "account %u", id);
		harness_name_lock(&accounts[i].lock, name);
	}
}

static void bank_close(account_t *accounts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		harness_name_lock(&accounts[i].lock, NULL);
		account_destroy(&accounts[i]);
	}
}

/* After a call returns, none of the accounts' locks may still be held. */
static void assert_all_unlocked(account_t *accounts, size_t n, const char *after)
{
	for (size_t i = 0; i < n; i++) {
		int r = pthread_mutex_trylock(&accounts[i].lock);
		ck_assert_msg(r == 0,
		              "after %s, account %u's lock is still held: unlock every lock "
		              "you take, on every path",
		              after, accounts[i].id);
		pthread_mutex_unlock(&accounts[i].lock);
	}
}

static void shuffle(account_t **array, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(harness_random() % i);
		account_t *t = array[i - 1];
		array[i - 1] = array[j];
		array[j] = t;
	}
}

#define EXPECT_TRANSFER(from, to, amount, result, bal_a, bal_b)                                    \
	do {                                                                                       \
		bool r_ = transfer((from), (to), (amount));                                        \
		ck_assert_msg(r_ == (result), "transfer(%s, %s, %ld) returned %s, expected %s",    \
		              #from, #to, (long)(amount), r_ ? "true" : "false",                   \
		              (result) ? "true" : "false");                                        \
		ck_assert_msg(a->balance == (bal_a) && b->balance == (bal_b),                      \
		              "after transfer(%s, %s, %ld): a = %ld and b = %ld, expected %ld "    \
		              "and %ld",                                                           \
		              #from, #to, (long)(amount), a->balance, b->balance, (long)(bal_a),   \
		              (long)(bal_b));                                                      \
		assert_all_unlocked(two, 2, "transfer(" #from ", " #to ")");                       \
	} while (0)

static void check_transfers(void)
{
	account_t two[2];
	bank_open(two, 2, 0);
	account_t *a = &two[0], *b = &two[1];
	a->balance = 100;
	b->balance = 50;
	EXPECT_TRANSFER(a, b, 30, true, 70, 80);
	EXPECT_TRANSFER(b, a, 81, false, 70, 80);
	EXPECT_TRANSFER(b, a, 80, true, 150, 0);
	EXPECT_TRANSFER(b, a, 1, false, 150, 0);
	EXPECT_TRANSFER(b, a, 0, true, 150, 0);
	EXPECT_TRANSFER(a, a, 150, true, 150, 0);
	EXPECT_TRANSFER(a, a, 151, false, 150, 0);
	EXPECT_TRANSFER(b, b, 0, true, 150, 0);
	EXPECT_TRANSFER(b, b, 1, false, 150, 0);
	EXPECT_TRANSFER(a, b, 150, true, 0, 150);
	bank_close(two, 2);
}

static void check_audit(void)
{
	account_t accounts[MAX_ACCOUNTS];
	account_t *order[MAX_ACCOUNTS], *copy[MAX_ACCOUNTS];
	bank_open(accounts, MAX_ACCOUNTS, 0);
	long total = 0;
	for (size_t i = 0; i < MAX_ACCOUNTS; i++) {
		accounts[i].balance = (long)(i * i);
		total += accounts[i].balance;
		order[i] = &accounts[i];
	}
	shuffle(order, MAX_ACCOUNTS);
	for (size_t i = 0; i < MAX_ACCOUNTS; i++)
		copy[i] = order[i];
	long got = audit(order, MAX_ACCOUNTS);
	ck_assert_msg(got == total, "audit of 64 accounts returned %ld, expected %ld", got, total);
	for (size_t i = 0; i < MAX_ACCOUNTS; i++)
		ck_assert_msg(order[i] == copy[i],
		              "audit changed its array (entry %zu): it must not; sort a copy", i);
	assert_all_unlocked(accounts, MAX_ACCOUNTS, "audit");
	got = audit(order, 0);
	ck_assert_msg(got == 0, "audit of 0 accounts returned %ld, expected 0", got);
	bank_close(accounts, MAX_ACCOUNTS);
}

START_TEST(single_thread)
{
	lockgraph_watch();
	check_transfers();
	check_audit();
}
END_TEST

/* --- many threads ------------------------------------------------------- */

struct bank_run {
	account_t *accounts;
	size_t n;
	long total;
	long iterations;      /* per thread, unless the time budget runs out first */
	double deadline;      /* harness_deadline() of the budget */
	unsigned audit_every; /* one operation in this many is an audit */
	unsigned max_amount;
	atomic_long audits;
	atomic_long operations;
};

/* Whether a worker that did k operations goes on: its count not reached,
 * the budget not spent.  When it stops, its count joins the total (once:
 * an atomic shared on every step would order the threads' steps for the
 * sanitizers and hide races between them). */
static bool keep_going(struct bank_run *run, long k)
{
	if (k < run->iterations && harness_now() < run->deadline)
		return true;
	atomic_fetch_add(&run->operations, k);
	return false;
}

static void audit_and_check(struct bank_run *run)
{
	account_t *order[MAX_ACCOUNTS], *copy[MAX_ACCOUNTS] = {NULL};
	for (size_t i = 0; i < run->n; i++)
		order[i] = &run->accounts[i];
	shuffle(order, run->n);
	for (size_t i = 0; i < run->n; i++)
		copy[i] = order[i];
	long got = audit(order, run->n);
	HARNESS_REQUIRE(got == run->total,
	                "an audit of all %zu accounts returned %ld while transfers ran; the "
	                "total is always %ld: it saw a transfer half done, or lost money",
	                run->n, got, run->total);
	for (size_t i = 0; i < run->n; i++)
		HARNESS_REQUIRE(order[i] == copy[i],
		                "audit changed its array (entry %zu): it must not; sort a copy", i);
	atomic_fetch_add(&run->audits, 1);
}

/* Random transfers in every direction, self-transfers included. */
static void random_worker(unsigned i, void *arg)
{
	(void)i;
	struct bank_run *run = arg;
	for (long k = 0; keep_going(run, k); k++) {
		uint64_t r = harness_random();
		if (r % run->audit_every == 0) {
			audit_and_check(run);
			continue;
		}
		account_t *from = &run->accounts[(r >> 8) % run->n];
		account_t *to = r % 7 == 1 ? from : &run->accounts[(r >> 24) % run->n];
		transfer(from, to, (long)((r >> 40) % (run->max_amount + 1)));
	}
}

/* Pairs of threads hammering the same two accounts in opposite directions. */
static void opposite_worker(unsigned i, void *arg)
{
	struct bank_run *run = arg;
	account_t *x = &run->accounts[(i / 2) % run->n];
	account_t *y = &run->accounts[(i / 2 + 1) % run->n];
	for (long k = 0; keep_going(run, k); k++) {
		uint64_t r = harness_random();
		if (r % run->audit_every == 0)
			audit_and_check(run);
		else if (i % 2 == 0)
			transfer(x, y, (long)(r % (run->max_amount + 1)));
		else
			transfer(y, x, (long)(r % (run->max_amount + 1)));
	}
}

static void check_final(struct bank_run *run)
{
	long sum = 0;
	for (size_t i = 0; i < run->n; i++) {
		ck_assert_msg(run->accounts[i].balance >= 0,
		              "account %u ended at %ld: some transfer moved more than the "
		              "funds it had (the check and the move must happen under the locks)",
		              run->accounts[i].id, run->accounts[i].balance);
		sum += run->accounts[i].balance;
	}
	ck_assert_msg(sum == run->total,
	              "the accounts ended with %ld in total; transfers only move money, so it must "
	              "still be %ld",
	              sum, run->total);
	harness_info("%ld audit%s saw the exact total", atomic_load(&run->audits),
	             HARNESS_PLURAL(atomic_load(&run->audits)));
}

/* Every pair of accounts once in each direction, from one thread, before
 * the stress: ThreadSanitizer then sees an inverted order in every run, not
 * only when the stress happens to take both orders before it deadlocks. */
static void every_pair_both_ways(account_t *accounts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (i != j)
				transfer(&accounts[i], &accounts[j], 0);
}

/* The stress tests' time budget: a third of their limit, so a busy machine
 * does fewer operations instead of running into the limit. */
#define STRESS_BUDGET_S 6.0

static void run_bank(size_t n, unsigned threads, long iterations, unsigned audit_every,
                     void (*worker)(unsigned, void *))
{
	account_t accounts[MAX_ACCOUNTS];
	bank_open(accounts, n, 1000);
	lockgraph_watch();
	struct bank_run run = {.accounts = accounts,
	                       .n = n,
	                       .total = 1000 * (long)n,
	                       .iterations = iterations,
	                       .audit_every = audit_every,
	                       .max_amount = 400};
	every_pair_both_ways(accounts, n);
	double start = harness_now();
	run.deadline = harness_deadline(STRESS_BUDGET_S);
	harness_run_threads(threads, worker, &run);
	harness_info("%ld of %ld transfers and audits done in %.1f s%s",
	             atomic_load(&run.operations), (long)threads * iterations,
	             harness_now() - start,
	             atomic_load(&run.operations) < (long)threads * iterations
	                 ? " (the time budget ran out first: the machine is slow or busy)"
	                 : "");
	check_final(&run);
	bank_close(accounts, n);
}

START_TEST(conservation)
{
	harness_perturb(HARNESS_PERTURB_HEAVY);
	run_bank(8, 6, harness_scaled(8000), 16, random_worker);
}
END_TEST

START_TEST(no_deadlock)
{
	harness_perturb(HARNESS_PERTURB_HEAVY);
	run_bank(3, 8, harness_scaled(8000), 8, opposite_worker);
}
END_TEST

/* One thread, inverted orders: never hangs, but the sanitizers see it. */
START_TEST(lock_order)
{
	account_t accounts[3];
	bank_open(accounts, 3, 100);
	lockgraph_watch();
	account_t *a = &accounts[0], *b = &accounts[1], *c = &accounts[2];
	ck_assert_msg(transfer(a, b, 10) && transfer(b, a, 20) && transfer(c, a, 30) &&
	                  transfer(b, c, 40) && transfer(a, c, 5) && transfer(c, b, 15),
	              "a transfer between accounts of 100 failed");
	account_t *orders[][3] = {{a, b, c}, {c, b, a}, {b, c, a}, {a, c, b}};
	for (size_t i = 0; i < sizeof orders / sizeof orders[0]; i++) {
		long got = audit(orders[i], 3);
		ck_assert_msg(got == 300, "an audit of 3 accounts holding 300 returned %ld", got);
	}
	bank_close(accounts, 3);
}
END_TEST

/* --- parallelism -------------------------------------------------------- */

struct parallel_run {
	account_t *a, *b, *c, *d;
	atomic_int stage; /* 1: B held, A-to-B may start; 2: C-to-D may start */
	atomic_bool ab_done, cd_done;
};

static bool someone_waits_for(const void *mutex)
{
	struct harness_lock_wait w[64];
	size_t n = harness_lock_snapshot(w, 64);
	for (size_t i = 0; i < n; i++)
		if (w[i].waiting == mutex)
			return true;
	return false;
}

static void wait_stage(struct parallel_run *p, int stage)
{
	while (atomic_load(&p->stage) < stage)
		harness_sleep_us(200);
}

/* Waits up to `seconds` for flag; says whether it was set. */
static bool wait_flag(atomic_bool *flag, double seconds)
{
	double until = harness_now() + seconds;
	while (!atomic_load(flag) && harness_now() < until)
		harness_sleep_us(200);
	return atomic_load(flag);
}

static void parallel_controller(struct parallel_run *p)
{
	pthread_mutex_lock(&p->b->lock);
	atomic_store(&p->stage, 1);
	double until = harness_now() + 0.5;
	while (!someone_waits_for(&p->b->lock) && !atomic_load(&p->ab_done) &&
	       harness_now() < until)
		harness_sleep_us(200);
	bool ab_finished = atomic_load(&p->ab_done);
	atomic_store(&p->stage, 2);
	bool cd_finished = wait_flag(&p->cd_done, 3.0);
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

struct audit_run {
	account_t *accounts;
	size_t n;
	long total;
	atomic_bool started, done;
	long result; /* written before done is set */
};

static bool someone_waits_for_an_account(const struct audit_run *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (someone_waits_for(&p->accounts[i].lock))
			return true;
	return false;
}

/* Holds two accounts' locks with a transfer half done while audit runs. */
static void audit_controller(struct audit_run *p)
{
	account_t *x = &p->accounts[1], *y = &p->accounts[p->n - 2];
	pthread_mutex_lock(&x->lock);
	pthread_mutex_lock(&y->lock);
	x->balance -= 100;
	atomic_store(&p->started, true);
	double until = harness_now() + 0.3;
	while (!atomic_load(&p->done) && !someone_waits_for_an_account(p) && harness_now() < until)
		harness_sleep_us(200);
	bool early = atomic_load(&p->done);
	long seen = p->result;
	y->balance += 100;
	pthread_mutex_unlock(&y->lock);
	pthread_mutex_unlock(&x->lock);
	HARNESS_REQUIRE(!early,
	                "audit returned %ld (instead of %ld) while another thread held the locks "
	                "of accounts %u and %u in the middle of a transfer of 100 between them: "
	                "audit must hold the lock of every account it adds up, so it never sees a "
	                "transfer half done",
	                seen, p->total, x->id, y->id);
	HARNESS_REQUIRE(wait_flag(&p->done, 5.0),
	                "audit did not return within 5 s after the locks it waited for were "
	                "released");
}

static void audit_worker(unsigned i, void *arg)
{
	struct audit_run *p = arg;
	if (i == 0) {
		audit_controller(p);
		return;
	}
	account_t *order[8];
	for (size_t k = 0; k < p->n; k++)
		order[k] = &p->accounts[k];
	shuffle(order, p->n);
	while (!atomic_load(&p->started))
		harness_sleep_us(200);
	p->result = audit(order, p->n);
	atomic_store(&p->done, true);
}

START_TEST(audit_waits)
{
	lockgraph_watch();
	account_t accounts[8];
	bank_open(accounts, 8, 1000);
	struct audit_run p = {.accounts = accounts, .n = 8, .total = 8000};
	harness_run_threads(2, audit_worker, &p);
	ck_assert_msg(p.result == p.total,
	              "audit returned %ld once the transfer in progress had finished; the total "
	              "is %ld",
	              p.result, p.total);
	bank_close(accounts, 8);
}
END_TEST

void harness_define(void)
{
	void deadlock_controlled_define(void); /* deadlock_controlled.c */
	HARNESS_ADD(single_thread, 5);
	HARNESS_ADD(conservation, 20);
	HARNESS_ADD(no_deadlock, 20);
	HARNESS_ADD(lock_order, 5);
	HARNESS_ADD(parallel, 10);
	HARNESS_ADD(audit_waits, 10);
	deadlock_controlled_define();
}
