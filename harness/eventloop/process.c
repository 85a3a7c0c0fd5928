/*
 * process.c -- what the harness measures of its whole process beyond the
 * toolkit's counts: heap and resident memory, the descriptor limit a
 * thousand clients need (each is two descriptors here: the harness's end
 * and the server's), and waiting for descriptors to be closed.
 */
#include "el.h"
#include "harness.h"

#include <malloc.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

size_t heap_in_use(void)
{
	struct mallinfo2 m = mallinfo2();
	return m.uordblks + m.hblkhd;
}

size_t resident_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size = 0, resident = 0;
	if (f) {
		if (fscanf(f, "%lu %lu", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * (size_t)sysconf(_SC_PAGESIZE);
}

bool raise_fd_limit(unsigned n)
{
	struct rlimit r;
	if (getrlimit(RLIMIT_NOFILE, &r) != 0)
		return false;
	if (r.rlim_cur >= n)
		return true;
	if (r.rlim_max < n)
		return false;
	r.rlim_cur = n;
	return setrlimit(RLIMIT_NOFILE, &r) == 0;
}

unsigned count_fds(void)
{
	int n = harness_open_fds();
	HARNESS_REQUIRE(n >= 0, "harness: cannot read /proc/self/fd");
	return (unsigned)n;
}

static bool fds_at_most(void *target)
{
	return count_fds() <= *(unsigned *)target;
}

unsigned wait_fds_at_most(unsigned target, double seconds)
{
	harness_wait_until(fds_at_most, &target, seconds);
	return count_fds();
}
