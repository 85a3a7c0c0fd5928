/*
 * eventloop_test.c -- the harness for the eventloop exercise (one thread,
 * many AF_UNIX connections).  The tests live in a file per concern
 * (protocol.c, lifecycle.c, many.c, backpressure.c) over a common kit
 * (server.c, client.c, load.c, process.c, baseline_loop.c); this file
 * lists them all.
 */
#include "el.h"
#include "harness.h"

void harness_define(void)
{
	protocol_tests();
	lifecycle_tests();
	many_tests();
	backpressure_tests();
}
