/*
 * cpu_quota.c -- how many CPUs this process may really use.
 *
 * A container is often given CPU time rather than CPUs: the kernel lets
 * its processes run quota microseconds every period, however many CPUs
 * they may run on.  Threads beyond quota/period CPUs then only take turns,
 * so a speedup measured there says nothing about the code.  The quota is
 * read from the process's own control group and every parent up to the
 * hierarchy's root (the tightest wins), for cgroup v1 (the cpu controller's
 * cpu.cfs_quota_us and cpu.cfs_period_us) and v2 (cpu.max, "max" or
 * "QUOTA PERIOD"), found through /proc/self/cgroup and /proc/self/mountinfo.
 */
#include "cpu_quota.h"

#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PATH_CAP = 4096 };

/* Whether the comma-separated list holds word. */
static bool has_word(const char *list, const char *word)
{
	size_t len = strlen(word);
	for (const char *p = list; p && *p;) {
		if (strncmp(p, word, len) == 0 && (p[len] == ',' || p[len] == '\0'))
			return true;
		p = strchr(p, ',');
		p = p ? p + 1 : NULL;
	}
	return false;
}

/* This process's cgroup path in the v2 hierarchy (v2) or the v1 hierarchy
 * of the cpu controller; false if it has none. */
static bool own_cgroup(bool v2, char *path, size_t len)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	char line[PATH_CAP + 256];
	bool found = false;
	while (f && !found && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		char *controllers = strchr(line, ':');
		char *where = controllers ? strchr(controllers + 1, ':') : NULL;
		if (!where)
			continue;
		*where++ = '\0';
		controllers++;
		found = v2 ? strcmp(line, "0") == 0 && *controllers == '\0'
		           : has_word(controllers, "cpu");
		if (found)
			snprintf(path, len, "%s", where);
	}
	if (f)
		fclose(f);
	return found;
}

/* Where the hierarchy is mounted, and which of its folders is the mount's
 * root; false if it is not mounted. */
static bool hierarchy_mount(bool v2, char *mount, char *root, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[3 * PATH_CAP];
	bool found = false;
	while (f && !found && fgets(line, sizeof line, f)) {
		char mroot[PATH_CAP], mpoint[PATH_CAP], type[64], options[1024];
		const char *dash = strstr(line, " - ");
		if (!dash || sscanf(line, "%*s %*s %*s %4095s %4095s", mroot, mpoint) != 2 ||
		    sscanf(dash + 3, "%63s %*s %1023s", type, options) != 2)
			continue;
		found = v2 ? strcmp(type, "cgroup2") == 0
		           : strcmp(type, "cgroup") == 0 && has_word(options, "cpu");
		if (found) {
			snprintf(mount, len, "%s", mpoint);
			snprintf(root, len, "%s", mroot);
		}
	}
	if (f)
		fclose(f);
	return found;
}

/* The quota in CPUs set in dir, or 0. */
static double quota_in(bool v2, const char *dir, char *where, size_t len)
{
	char file[2 * PATH_CAP + 32];
	double quota = 0, period = 0;
	if (v2) {
		snprintf(file, sizeof file, "%s/cpu.max", dir);
		FILE *f = fopen(file, "r");
		if (f && fscanf(f, "%lf %lf", &quota, &period) != 2)
			quota = 0;
		if (f)
			fclose(f);
	} else {
		snprintf(file, sizeof file, "%s/cpu.cfs_quota_us", dir);
		FILE *f = fopen(file, "r");
		if (!f || fscanf(f, "%lf", &quota) != 1)
			quota = 0;
		if (f)
			fclose(f);
		snprintf(file, sizeof file, "%s/cpu.cfs_period_us", dir);
		f = fopen(file, "r");
		if (!f || fscanf(f, "%lf", &period) != 1)
			period = 0;
		if (f)
			fclose(f);
	}
	if (quota <= 0 || period <= 0)
		return 0;
	if (v2)
		snprintf(where, len, "cgroup v2 %s/cpu.max: %.0f %.0f", dir, quota, period);
	else
		snprintf(where, len, "cgroup v1 %s/cpu.cfs_quota_us %.0f, cpu.cfs_period_us %.0f",
		         dir, quota, period);
	return quota / period;
}

/* The tightest quota from the process's cgroup up to the hierarchy's root. */
static double hierarchy_quota(bool v2, char *where, size_t len)
{
	char cgroup[PATH_CAP], mount[PATH_CAP], root[PATH_CAP];
	if (!own_cgroup(v2, cgroup, sizeof cgroup) ||
	    !hierarchy_mount(v2, mount, root, sizeof mount))
		return 0;
	/* In a cgroup namespace the mount's root is the process's own cgroup. */
	size_t rlen = strcmp(root, "/") == 0 ? 0 : strlen(root);
	const char *below = strncmp(cgroup, root, rlen) == 0 ? cgroup + rlen : "";
	char dir[2 * PATH_CAP];
	snprintf(dir, sizeof dir, "%s%s", mount, strcmp(below, "/") == 0 ? "" : below);
	double best = 0;
	for (;;) {
		char here[2 * PATH_CAP + 128];
		double q = quota_in(v2, dir, here, sizeof here);
		if (q > 0 && (best == 0 || q < best)) {
			best = q;
			snprintf(where, len, "%s", here);
		}
		char *slash = strrchr(dir, '/');
		if (strlen(dir) <= strlen(mount) || !slash)
			break;
		*slash = '\0';
	}
	return best;
}

double cpu_quota(char *where, size_t len)
{
	char v1_where[3 * PATH_CAP], v2_where[3 * PATH_CAP];
	double v1 = hierarchy_quota(false, v1_where, sizeof v1_where);
	double v2 = hierarchy_quota(true, v2_where, sizeof v2_where);
	bool use_v1 = v1 > 0 && (v2 == 0 || v1 < v2);
	if (use_v1 || v2 > 0)
		snprintf(where, len, "%s", use_v1 ? v1_where : v2_where);
	return use_v1 ? v1 : v2;
}

unsigned cpu_quota_affinity(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) != 0)
		return 1;
	int n = CPU_COUNT(&set);
	return n > 0 ? (unsigned)n : 1;
}

unsigned cpu_quota_usable(char *why, size_t len)
{
	unsigned affinity = cpu_quota_affinity();
	char where[3 * PATH_CAP];
	double quota = cpu_quota(where, sizeof where);
	if (quota <= 0) {
		snprintf(why, len, "%u CPU%s by sched_getaffinity, no CPU quota", affinity,
		         affinity == 1 ? "" : "s");
		return affinity;
	}
	unsigned whole = quota < 1 ? 1 : (unsigned)quota;
	unsigned usable = whole < affinity ? whole : affinity;
	snprintf(why, len, "a CPU quota of %.2f CPU (%s) on %u CPU%s by sched_getaffinity", quota,
	         where, affinity, affinity == 1 ? "" : "s");
	return usable;
}
