/*
 * deadlock_functional.c -- one thread at a time:
 *   - single_thread: the semantics (funds check, from == to, zero amounts,
 *     audit leaves its array alone and every lock free afterwards);
 *   - lock_order: ONE thread transferring A to B and then B to A cannot hang,
 *     but ThreadSanitizer and Helgrind both report the inverted order, so the
 *     tsan and helgrind checks fail a wrong order every time, not only when
 *     the scheduler is unlucky.
 *
 * Deadlocks hide: two threads must meet in exactly the wrong order.  So the
 * harness attacks from several sides; the other files hold the rest (see
 * deadlock_harness.h).
 */
#include "deadlock.h"
#include "deadlock_harness.h"
#include "harness.h"
#include "lockgraph.h"

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

void harness_define(void)
{
	HARNESS_ADD(single_thread, 5);
	HARNESS_ADD(lock_order, 5);
	deadlock_define_stress();
	deadlock_define_held();
	deadlock_define_controlled();
}
