/*
 * process.c -- what the harness measures of its whole process: open
 * descriptors, threads, heap and resident memory, and the descriptor limit
 * a thousand clients need (each is two descriptors here: the harness's end
 * and the server's).
 */
#include "el.h"
#include "harness.h"

#include <dirent.h>
#include <malloc.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

/* Entries of a /proc folder, less "." and ".." (and the folder's own
 * descriptor, which opendir adds while it counts). */
static unsigned count_entries(const char *dir, unsigned own)
{
	DIR *d = opendir(dir);
	HARNESS_REQUIRE(d != NULL, "harness: cannot read %s", dir);
	unsigned n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n - own;
}

unsigned count_fds(void)
{
	return count_entries("/proc/self/fd", 1);
}

unsigned count_threads(void)
{
	return count_entries("/proc/self/task", 0);
}

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

unsigned wait_fds_at_most(unsigned target, double seconds)
{
	double deadline = harness_now() + seconds * harness_slowdown();
	unsigned n = count_fds();
	while (n > target && harness_now() < deadline) {
		harness_sleep_us(5000);
		n = count_fds();
	}
	return n;
}
