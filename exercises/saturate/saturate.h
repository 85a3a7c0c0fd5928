/*
 * saturate.h -- count primes with every CPU core busy.
 * See README.md in this folder for the task.
 */
#ifndef SATURATE_H
#define SATURATE_H

/* How many primes p satisfy lo <= p < hi (any lo, hi up to 2^31; an empty
 * or reversed range gives 0), computed by nthreads (>= 1) threads in
 * parallel. */
long count_primes(long lo, long hi, int nthreads);

#endif
