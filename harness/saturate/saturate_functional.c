/*
 * saturate_functional.c -- exact counts: known answers for the edge cases,
 * and the harness's own sieve for many ranges split among 1 to 9 threads,
 * which any off-by-one at a chunk boundary gets wrong.
 */
#include "saturate.h"
#include "saturate_harness.h"

static void expect_count(long lo, long hi, int nthreads, long expected, const char *what)
{
	long got = count_primes(lo, hi, nthreads);
	ck_assert_msg(got == expected, "count_primes(%ld, %ld, %d) returned %ld, expected %ld (%s)",
	              lo, hi, nthreads, got, expected, what);
}

struct known_answer {
	long lo, hi;
	int nthreads;
	long expected;
	const char *what;
};

static const struct known_answer known_answers[] = {
    {0, 10, 1, 4, "primes below 10: 2 3 5 7"},
    {0, 100, 1, 25, "primes below 100, one thread"},
    {0, 100, 4, 25, "primes below 100, four threads"},
    {0, 1000, 3, 168, "primes below 1000"},
    {0, 100000, 4, 9592, "primes below 100000"},
    {0, 1000000, 2, 78498, "primes below 1000000"},
    {5, 5, 3, 0, "an empty range"},
    {100, 10, 2, 0, "a reversed range (hi < lo) is empty"},
    {-1000, 3, 2, 1, "lo below 2: only 2 is prime in [-1000, 3)"},
    {-50, 0, 4, 0, "a range of negative numbers"},
    {0, 2, 2, 0, "0 and 1 are not prime"},
    {1, 3, 1, 1, "[1, 3) holds only 2"},
    {2, 3, 1, 1, "one-element range holding 2"},
    {7, 8, 3, 1, "one-element range holding 7"},
    {9, 10, 2, 0, "one-element range holding 9 = 3 * 3"},
    {10, 13, 8, 1, "more threads (8) than numbers (3)"},
    {0, 5, 16, 2, "more threads (16) than numbers (5)"},
    {1000, 1000, 5, 0, "an empty range with several threads"},
    {2147483646, 2147483647, 2, 0, "2^31 - 2 is even"},
    {2147483647, TWO_TO_31, 2, 1, "2^31 - 1 is prime; hi may be 2^31"},
    {2147483600, TWO_TO_31, 3, 2, "near 2^31: 2147483629 and 2147483647"},
    {2147473648, TWO_TO_31, 4, 472, "the last 10000 numbers below 2^31"},
    {2147483629, 2147483630, 1, 1, "2147483629 alone (its square root is above 46340)"},
    {2147395600, 2147395601, 1, 0, "46340^2: a square near 2^31"},
};

START_TEST(known_answers_test)
{
	harness_perturb(HARNESS_PERTURB_LIGHT);
	for (size_t i = 0; i < sizeof known_answers / sizeof known_answers[0]; i++) {
		const struct known_answer *k = &known_answers[i];
		expect_count(k->lo, k->hi, k->nthreads, k->expected, k->what);
	}
}
END_TEST

/* Fixed ranges whose ends and thread counts put chunk boundaries on and
 * next to primes, then seeded random ones. */
START_TEST(every_split)
{
	harness_perturb(HARNESS_PERTURB_LIGHT);
	static const long ranges[][2] = {{0, 1000},   {2, 1000}, {3, 1009},
	                                 {997, 1010}, {-7, 31},  {2147481648, TWO_TO_31}};
	for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
		long expected = sieve_count(ranges[r][0], ranges[r][1]);
		for (int n = 1; n <= 9; n++)
			expect_count(ranges[r][0], ranges[r][1], n, expected,
			             "every thread count from 1 to 9 must give the same count");
	}
	long rounds = harness_scaled(60);
	for (long i = 0; i < rounds; i++) {
		long lo = (long)(harness_random() % 5000) - 10;
		long hi = lo + (long)(harness_random() % 3000);
		int n = 1 + (int)(harness_random() % 9);
		expect_count(lo, hi, n, sieve_count(lo, hi), "a seeded random range");
	}
}
END_TEST

void harness_define(void)
{
	HARNESS_ADD(known_answers_test, 20);
	HARNESS_ADD(every_split, 20);
	saturate_define_timing();
	saturate_define_balance();
	saturate_define_controlled();
}
