/*
 * isolation.c -- chooses how submissions are confined on this machine, and
 * says so: the report's "isolation:" line lists every layer in force, and a
 * WARNING for each one the machine cannot give (grader/README.md, threat
 * model).
 */
#include "isolation.h"

#include "jobuid.h"
#include "landlock.h"
#include "pool.h"
#include "run.h"
#include "run_limits.h"
#include "seccomp_probe.h"

#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* True if every folder from / down to dir is searchable by others, so the
 * sandbox user can reach the binaries and run folders inside it (the build
 * copies the few project files it reads there, see build.c). */
static bool reachable_by_others(const char *dir)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s", dir);
	/* dir itself, then each parent up to and including the top folder */
	while (path[0]) {
		struct stat st;
		if (stat(path, &st) != 0 || !(st.st_mode & S_IXOTH))
			return false;
		char *slash = strrchr(path, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
	return true;
}

/* Gives each parallel job a user of its own; says which. */
static void job_users(const struct grader_config *cfg, char *text, size_t len)
{
	int jobs = pool_cpus();
	int users = jobuid_setup(cfg->sandbox_uid, cfg->sandbox_gid, jobs);
	unsigned first = jobuid_block() + 1;
	if (users > 2)
		snprintf(text, len, "per-job uids (%d parallel jobs: nobody and uids %u-%u)", users,
		         first, first + (unsigned)users - 2);
	else if (users == 2)
		snprintf(text, len, "per-job uids (2 parallel jobs: nobody and uid %u)", first);
	else
		snprintf(text, len, "%s",
		         jobs > 1
		             ? "WARNING: no free block of uids, parallel jobs share user nobody"
		             : "one job at a time");
}

/* As root, submissions run as "nobody", and each parallel job as a user of
 * its own (jobuid.c); says what is in force. */
void isolation_choose(struct grader_config *cfg, char *isolation, size_t len)
{
	char base[640];
	snprintf(base, sizeof base,
	         "every build checked, only the rubric's calls, only the header's "
	         "globals; the run's key on a pipe closed before student code; "
	         "one process group per run under a subreaper keeper; time limits; "
	         "output capped at %lu KiB; no core files; files up to %lu MiB; "
	         "memory limited to %lu GiB (%d GiB under ThreadSanitizer); "
	         "fresh run folders (a new random one per run, removed after it; "
	         "HOME empty and read-only)",
	         LIMIT_OUTPUT_BYTES >> 10, LIMIT_FILE_BYTES >> 20, LIMIT_ADDRESS_SPACE_BYTES >> 30,
	         LIMIT_TSAN_RSS_MB / 1024);
	struct passwd *nobody = geteuid() == 0 ? getpwnam("nobody") : NULL;
	if (geteuid() != 0) {
		snprintf(isolation, len,
		         "%s; submissions run as you (start as root to run "
		         "them as nobody)",
		         base);
	} else if (!nobody) {
		snprintf(isolation, len, "%s; WARNING: no user 'nobody', submissions run as root",
		         base);
	} else if (!reachable_by_others(cfg->work)) {
		snprintf(isolation, len,
		         "%s; WARNING: submissions run as root, because user nobody cannot reach "
		         "%s (make its folders world-searchable, or set the work folder)",
		         base, cfg->work);
	} else {
		cfg->sandbox_uid = (unsigned)nobody->pw_uid;
		cfg->sandbox_gid = (unsigned)nobody->pw_gid;
		run_set_sandbox_user(cfg->sandbox_uid, cfg->sandbox_gid);
		char per_job[160];
		job_users(cfg, per_job, sizeof per_job);
		snprintf(isolation, len,
		         "%s; submissions run as user nobody, at most %d processes; %s", base,
		         LIMIT_PROCESSES, per_job);
	}
	/* The kernel's layers (Landlock, seccomp), each with a WARNING if absent. */
	char landlock[256], seccomp[256];
	landlock_describe(landlock, sizeof landlock);
	seccomp_describe(seccomp, sizeof seccomp);
	size_t used = strlen(isolation);
	snprintf(isolation + used, len - used, "; %s; %s", landlock, seccomp);
	if (cfg->any_call) {
		used = strlen(isolation);
		snprintf(isolation + used, len - used,
		         "; WARNING: --any-call lifts the allow lists of calls: a grading for "
		         "testing the grader's run-time layers, not a grade");
	}
}
