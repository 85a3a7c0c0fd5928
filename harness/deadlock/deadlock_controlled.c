/*
 * deadlock_controlled.c -- deadlock's test under controlled schedules
 * (harness/README.md "Controlled schedules").
 *
 * Each schedule runs two small scenes, one step of the student's code at a
 * time in an order drawn from the seed:
 *   - two transfers between the same two accounts in opposite directions
 *     while a third thread audits both (the array in the opposite order to
 *     the ids): an order by argument, or an audit that locks in array
 *     order, deadlocks in some interleaving; an audit without the locks
 *     sees a transfer half done;
 *   - three transfers around a ring of three accounts whose ids are 2^30
 *     and 2^31 apart: locks ordered by subtracting ids form a cycle (each
 *     account comes "before" the next), a deadlock of three threads.
 * Every interleaving of a correct answer ends with every account where the
 * transfers put it, and an exact audit; a deadlock is reported by the
 * scheduler as the threads' waits and the steps that led there.
 */
#include "deadlock.h"
#include "deadlock_harness.h"
#include "harness.h"

#include <stdio.h>

#define EACH 10L

/* The ids deadlock_test.c uses: 2^30 and 2^31 apart, so subtraction
 * orders them in a cycle. */
static const unsigned ring_ids[] = {0xC0000007u, 0x00000007u, 0x80000007u};

struct scene {
	account_t accounts[3];
	long audited;
};

static void open_accounts(struct scene *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		account_init(&s->accounts[i], ring_ids[i], EACH);
		char name[32];
		snprintf(name, sizeof name, "account %u", ring_ids[i]);
		harness_name_lock(&s->accounts[i].lock, name);
	}
}

static void close_accounts(struct scene *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		harness_name_lock(&s->accounts[i].lock, NULL);
		account_destroy(&s->accounts[i]);
	}
}

/* T1 moves 1 from A to B, T2 3 from B to A, T3 audits {A, B}. */
static void opposite_ways(unsigned i, void *arg)
{
	struct scene *s = arg;
	account_t *a = &s->accounts[0], *b = &s->accounts[1];
	if (i == 0) {
		transfer(a, b, 1);
	} else if (i == 1) {
		transfer(b, a, 3);
	} else {
		account_t *const both[] = {a, b};
		s->audited = audit(both, 2);
	}
}

/* Thread i moves 1 from account i to account i + 1 (mod 3). */
static void around_the_ring(unsigned i, void *arg)
{
	struct scene *s = arg;
	transfer(&s->accounts[i], &s->accounts[(i + 1) % 3], 1);
}

START_TEST(controlled_transfers)
{
	struct scene s;
	open_accounts(&s, 2);
	harness_run_threads(3, opposite_ways, &s);
	long a = s.accounts[0].balance, b = s.accounts[1].balance;
	ck_assert_msg(a == EACH + 2 && b == EACH - 2,
	              "accounts A and B held %ld each; one thread moved 1 from A to B, another 3 "
	              "from B to A: A should hold %ld and B %ld, but they hold %ld and %ld",
	              EACH, EACH + 2, EACH - 2, a, b);
	ck_assert_msg(s.audited == 2 * EACH,
	              "audit of A and B during transfers between them returned %ld, not %ld: it "
	              "saw a transfer half done. Hold the locks of every account in the audit "
	              "while adding them up",
	              s.audited, 2 * EACH);
	close_accounts(&s, 2);

	open_accounts(&s, 3);
	harness_run_threads(3, around_the_ring, &s);
	for (int i = 0; i < 3; i++)
		ck_assert_msg(s.accounts[i].balance == EACH,
		              "three threads each moved 1 to the next of three accounts around a "
		              "ring: every account should hold %ld again, but account %u holds %ld",
		              EACH, s.accounts[i].id, s.accounts[i].balance);
	close_accounts(&s, 3);
}
END_TEST

void deadlock_define_controlled(void)
{
	HARNESS_ADD(controlled_transfers, 20);
}
