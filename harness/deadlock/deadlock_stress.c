/*
 * deadlock_stress.c -- many threads in every direction, with audits over
 * shuffled arrays, under schedule perturbation:
 *   - conservation: random transfers (self-transfers too) while every audit
 *     must see the exact total;
 *   - no_deadlock: pairs of threads on the same two accounts in opposite
 *     directions; a deadlock is caught within about a second by
 *     lockgraph.c, which prints the cycle in the student's terms.
 */
#include "deadlock.h"
#include "deadlock_harness.h"
#include "harness.h"
#include "lockgraph.h"

#include <stdatomic.h>

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

void deadlock_define_stress(void)
{
	HARNESS_ADD(conservation, 20);
	HARNESS_ADD(no_deadlock, 20);
}
