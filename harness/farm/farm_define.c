/*
 * farm_define.c -- the farm harness's list of tests: each test file
 * registers its own, in the order the rubric lists them.
 */
#include "farm_support.h"

void harness_define(void)
{
	farm_functional_tests();
	farm_crash_tests();
	farm_deadlock_tests();
	farm_timing_tests();
}
