/*
 * prodcons_controlled.c -- the queue's test under controlled schedules
 * (harness/README.md "Controlled schedules").
 *
 * Three small scenes per schedule, one step of the student's code at a time
 * in an order drawn from the seed, with spurious wakeups where POSIX
 * allows them:
 *   - on a queue of capacity 1, a producer puts two items while a consumer
 *     gets two: the producer must block on the full queue until the get
 *     wakes it (a get that signals no producer leaves it asleep for ever);
 *   - two consumers wait on an empty queue while a producer puts one item
 *     and closes it: one consumer gets the item, the other false; a wait
 *     under `if` lets a consumer whose item another took go on as if it
 *     were there;
 *   - two consumers wait on an empty queue while another thread closes it:
 *     both get false.  A close that wakes one consumer leaves the other
 *     asleep for ever.
 * A deadlock is reported by the scheduler with the steps that led to it.
 */
#include "harness.h"
#include "prodcons.h"
#include "prodcons_support.h"

static int items[2];

struct two_gets {
	bqueue_t q;
	void *got[2];
	bool ok[2];
};

static void put_two_or_get_two(unsigned i, void *arg)
{
	struct two_gets *t = arg;
	for (int k = 0; k < 2; k++)
		if (i == 0)
			bq_put(&t->q, &items[k]);
		else
			t->ok[k] = bq_get(&t->q, &t->got[k]);
}

static void get_or_put_and_close(unsigned i, void *arg)
{
	struct two_gets *t = arg;
	if (i < 2) {
		t->ok[i] = bq_get(&t->q, &t->got[i]);
	} else {
		bq_put(&t->q, &items[0]);
		bq_close(&t->q);
	}
}

static void get_or_close(unsigned i, void *arg)
{
	struct two_gets *t = arg;
	if (i < 2)
		t->ok[i] = bq_get(&t->q, &t->got[i]);
	else
		bq_close(&t->q);
}

START_TEST(controlled_handoffs)
{
	struct two_gets t = {0};
	ck_assert_msg(bq_init(&t.q, 1) == 0, "bq_init(&q, 1) failed");
	harness_run_threads(2, put_two_or_get_two, &t);
	ck_assert_msg(t.ok[0] && t.ok[1] && t.got[0] == &items[0] && t.got[1] == &items[1],
	              "on a queue of capacity 1, one thread put items A and B while another got "
	              "two: it should get A then B, but got %s then %s",
	              !t.ok[0]                ? "false"
	              : t.got[0] == &items[0] ? "A"
	                                      : "something else",
	              !t.ok[1]                ? "false"
	              : t.got[1] == &items[1] ? "B"
	                                      : "something else");
	bq_destroy(&t.q);

	t = (struct two_gets){0};
	ck_assert_msg(bq_init(&t.q, 1) == 0, "bq_init(&q, 1) failed");
	harness_run_threads(3, get_or_put_and_close, &t);
	int delivered = (t.ok[0] && t.got[0] == &items[0]) + (t.ok[1] && t.got[1] == &items[0]);
	ck_assert_msg(t.ok[0] + t.ok[1] == 1 && delivered == 1,
	              "two threads called bq_get while a third put one item and closed the queue: "
	              "exactly one get should return true with the item, the other false, but "
	              "%d returned true (%d with the item). A consumer that wakes up must look "
	              "at the queue again: wait in a while loop, not under an if",
	              t.ok[0] + t.ok[1], delivered);
	ck_assert_msg(bq_size(&t.q) == 0, "after one put and one successful get, bq_size is %zu",
	              bq_size(&t.q));
	bq_destroy(&t.q);

	t = (struct two_gets){0};
	ck_assert_msg(bq_init(&t.q, 1) == 0, "bq_init(&q, 1) failed");
	harness_run_threads(3, get_or_close, &t);
	ck_assert_msg(!t.ok[0] && !t.ok[1],
	              "two threads called bq_get on an empty queue while a third closed it: both "
	              "should return false, but %d returned true",
	              t.ok[0] + t.ok[1]);
	bq_destroy(&t.q);
}
END_TEST

void prodcons_add_controlled_tests(void)
{
	HARNESS_ADD(controlled_handoffs, 20);
}
