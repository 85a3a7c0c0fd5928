/*
 * baseline_loop.h -- the harness's own known-good event loop.
 *
 * The throughput check measures the student's server against this one in
 * the same run, with the same clients, so the verdict compares two figures
 * taken on the same machine under the same load.  It lives in the harness
 * (the student template ships without solutions) and is built into it:
 * its calls are the real ones, not the wrappers.
 */
#ifndef BASELINE_LOOP_H
#define BASELINE_LOOP_H

/* serve() as the contract says, with poll. */
int baseline_serve(int listen_fd, int stop_fd);

#endif
