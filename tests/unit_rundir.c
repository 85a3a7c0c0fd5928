/*
 * unit_rundir.c -- fresh run folders, safe log reading and per-job users,
 * attacked directly.
 *
 * The allow-list refuses the file-system calls a submission would need to
 * attack these layers, so the corpus cannot reach them; these tests play
 * the submission themselves.  Run as root, the attacker is the sandbox user
 * (nobody) or a job's own uid, exactly as in a grading; otherwise it is the
 * test's own user, as in a grading without a sandbox.
 */
#include "jobuid.h"
#include "pool.h"
#include "rundir.h"
#include "runlogs.h"
#include "text.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

enum { NOBODY = 65534, DEPTH = 3000 };

static const char secret[] = "CANARY-SECRET-7f3a";

/* The user a run executes as: nobody under root, else the test's own. */
static unsigned sandbox_uid(void)
{
	return geteuid() == 0 ? NOBODY : (unsigned)geteuid();
}

static unsigned sandbox_gid(void)
{
	return geteuid() == 0 ? NOBODY : (unsigned)getegid();
}

/* A world-searchable scratch folder with a victim inside: a folder whose
 * file, and a root-only file, must survive everything below. */
static void scratch(char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/unit-rundir-XXXXXX");
	ck_assert(mkdtemp(dir) != NULL);
	chmod(dir, 0755);
	char path[4200];
	snprintf(path, sizeof path, "%s/victim", dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof path, "%s/victim/keep", dir);
	FILE *f = fopen(path, "w");
	ck_assert(f != NULL);
	fclose(f);
	snprintf(path, sizeof path, "%s/secret", dir);
	f = fopen(path, "w");
	ck_assert(f != NULL);
	fputs(secret, f);
	fclose(f);
	chmod(path, 0600);
}

static bool exists(const char *dir, const char *name)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	struct stat st;
	return lstat(path, &st) == 0;
}

/* Runs fn(dir) in a child process as uid:gid (when root); its exit status. */
static int as_user(unsigned uid, unsigned gid, int (*fn)(const char *), const char *dir)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (geteuid() == 0 &&
		    (setgroups(0, NULL) != 0 || setgid((gid_t)gid) != 0 || setuid((uid_t)uid) != 0))
			_exit(99);
		_exit(fn(dir));
	}
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

static int make_socket(const char *name)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof a.sun_path, "%s", name);
	return s >= 0 && bind(s, (struct sockaddr *)&a, sizeof a) == 0 ? 0 : 1;
}

/* Everything a run could leave in its folder for the root grader. */
static int plant_hostile_tree(const char *dir)
{
	if (chdir(dir) != 0)
		return 1;
	int bad = 0;
	bad |= close(open("unreadable", O_CREAT | O_WRONLY, 0)) != 0;
	bad |= mkdir("locked", 0700) || close(open("locked/inside", O_CREAT | O_WRONLY, 0600));
	bad |= chmod("locked", 0);
	bad |= mkdir("readonly", 0700) || close(open("readonly/inside", O_CREAT | O_WRONLY, 0600));
	bad |= chmod("readonly", 0500);
	bad |= mkfifo("fifo", 0600) | make_socket("sock");
	bad |= symlink("/etc", "etc") | symlink("../victim", "victim") | symlink("loop", "loop");
	bad |= symlink("../secret", "secret");
	/* Deeper than a process has descriptors, and than PATH_MAX. */
	for (int i = 0; i < DEPTH && !bad; i++)
		bad |= mkdir("d", 0700) || chdir("d") != 0;
	bad |= close(open("bottom", O_CREAT | O_WRONLY, 0600)) != 0;
	bad |= chdir(dir) || chmod(".", 0500);
	return bad;
}

START_TEST(remove_takes_a_hostile_tree_and_never_a_link_target)
{
	char t[64], run[4200];
	scratch(t, sizeof t);
	ck_assert_int_eq(
	    rundir_create(t, RUNDIR_RUN, sandbox_uid(), sandbox_gid(), run, sizeof run), 0);
	ck_assert_int_eq(as_user(sandbox_uid(), sandbox_gid(), plant_hostile_tree, run), 0);
	ck_assert_msg(rundir_remove(run) == 0, "cannot remove %s: %s", run, strerror(errno));
	ck_assert(!exists(run, ""));
	ck_assert(exists(t, "victim/keep"));
	ck_assert(exists(t, "secret"));
	ck_assert(access("/etc/passwd", F_OK) == 0);
	ck_assert_int_eq(rundir_remove(t), 0);
}
END_TEST

static int write_home(const char *home)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/.valgrindrc", home);
	int fd = open(path, O_CREAT | O_WRONLY, 0644);
	return fd < 0 && errno == EACCES ? 0 : 1;
}

START_TEST(run_folders_are_new_private_and_home_is_read_only)
{
	char t[64], a[4200], b[4200], home[4200];
	scratch(t, sizeof t);
	ck_assert_int_eq(rundir_create(t, RUNDIR_RUN, sandbox_uid(), sandbox_gid(), a, sizeof a),
	                 0);
	ck_assert_int_eq(rundir_create(t, RUNDIR_RUN, sandbox_uid(), sandbox_gid(), b, sizeof b),
	                 0);
	ck_assert_str_ne(a, b);
	struct stat st;
	ck_assert_int_eq(lstat(a, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_uint_eq(st.st_uid, sandbox_uid());
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	ck_assert_int_eq(rundir_create_home(t, home, sizeof home), 0);
	ck_assert_int_eq(lstat(home, &st), 0);
	ck_assert_uint_eq(st.st_uid, geteuid());
	ck_assert_uint_eq(st.st_mode & 07777, 0555);
	if (geteuid() == 0)
		ck_assert_msg(as_user(NOBODY, NOBODY, write_home, home) == 0,
		              "the sandbox user could write into HOME");
	ck_assert_int_eq(rundir_remove(t), 0);
}
END_TEST

START_TEST(sweep_removes_stale_folders_and_links_not_their_targets)
{
	char t[64], work[4200], stale[4200], path[4300];
	scratch(t, sizeof t);
	snprintf(work, sizeof work, "%s/work", t);
	ck_assert_int_eq(mkdir(work, 0755), 0);
	ck_assert_int_eq(
	    rundir_create(work, RUNDIR_RUN, sandbox_uid(), sandbox_gid(), stale, sizeof stale), 0);
	ck_assert_int_eq(as_user(sandbox_uid(), sandbox_gid(), plant_hostile_tree, stale), 0);
	/* The old fixed names, one of them a link to a folder of the grader's. */
	snprintf(path, sizeof path, "%s/run-1", work);
	ck_assert_int_eq(symlink("../victim", path), 0);
	snprintf(path, sizeof path, "%s/home-x", work);
	ck_assert_int_eq(mkdir(path, 0555), 0);
	snprintf(path, sizeof path, "%s/debug", work);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	ck_assert_int_eq(rundir_sweep(work, RUNDIR_RUN), 0);
	ck_assert_int_eq(rundir_sweep(work, RUNDIR_HOME), 0);
	ck_assert(!exists(stale, ""));
	ck_assert(!exists(work, "run-1"));
	ck_assert(!exists(work, "home-x"));
	ck_assert(exists(work, "debug"));
	ck_assert(exists(t, "victim/keep"));
	ck_assert_int_eq(rundir_remove(t), 0);
}
END_TEST

/* Fake logs: a real one, then every kind of trap named like a log. */
static int plant_logs(const char *dir)
{
	if (chdir(dir) != 0)
		return 1;
	FILE *f = fopen("tsan.100", "w");
	if (!f)
		return 1;
	fputs("WARNING: ThreadSanitizer: the real log\n", f);
	fclose(f);
	f = fopen("other.1", "w");
	if (!f)
		return 1;
	fputs("not a log\n", f);
	fclose(f);
	return mkfifo("tsan.123", 0600) | symlink("../secret", "tsan.1") |
	       symlink("/etc/shadow", "tsan.2") | mkdir("tsan.dir", 0700) |
	       make_socket("tsan.sock");
}

static void on_alarm(int sig)
{
	(void)sig;
	_exit(3); /* a read blocked: the test fails with this status */
}

START_TEST(logs_are_only_regular_files_of_the_run)
{
	char t[64], run[4200], path[4300];
	scratch(t, sizeof t);
	ck_assert_int_eq(
	    rundir_create(t, RUNDIR_RUN, sandbox_uid(), sandbox_gid(), run, sizeof run), 0);
	ck_assert_int_eq(as_user(sandbox_uid(), sandbox_gid(), plant_logs, run), 0);
	if (geteuid() == 0) { /* named like a log, but not the run's own */
		snprintf(path, sizeof path, "%s/tsan.root", run);
		FILE *f = fopen(path, "w");
		ck_assert(f != NULL);
		fputs("ROOT-ONLY", f);
		fclose(f);
	}
	signal(SIGALRM, on_alarm);
	alarm(10);
	struct text notes = {0};
	char *log = runlogs_read(run, "tsan", sandbox_uid(), &notes);
	alarm(0);
	const char *said = notes.data ? notes.data : "";
	ck_assert_msg(strstr(log, "the real log") != NULL, "log: %s", log);
	ck_assert_msg(!strstr(log, secret) && !strstr(said, secret), "the secret leaked");
	ck_assert(!strstr(log, "not a log") && !strstr(log, "ROOT-ONLY"));
	ck_assert_msg(!strstr(log, "root:") && !strstr(said, "root:"), "/etc/shadow leaked");
	ck_assert_msg(strstr(said, "tsan.123 in the run folder: a FIFO"), "notes: %s", said);
	ck_assert_msg(strstr(said, "tsan.1 in the run folder: a symbolic link"), "notes: %s", said);
	ck_assert_msg(strstr(said, "tsan.2 in the run folder: a symbolic link"), "notes: %s", said);
	ck_assert_msg(strstr(said, "tsan.dir in the run folder: a folder"), "notes: %s", said);
	ck_assert_msg(strstr(said, "tsan.sock in the run folder"), "notes: %s", said);
	if (geteuid() == 0)
		ck_assert_msg(strstr(said, "tsan.root in the run folder: not written by the run"),
		              "notes: %s", said);
	free(log);
	text_free(&notes);
	ck_assert_int_eq(rundir_remove(t), 0);
}
END_TEST

START_TEST(logs_are_read_up_to_a_cap)
{
	char t[64], path[4300];
	scratch(t, sizeof t);
	snprintf(path, sizeof path, "%s/helgrind.7", t);
	int fd = open(path, O_CREAT | O_WRONLY, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)RUNLOGS_CAP + 4096), 0);
	close(fd);
	struct text notes = {0};
	char *log = runlogs_read(t, "helgrind", (unsigned)geteuid(), &notes);
	ck_assert_msg(notes.data && strstr(notes.data, "the logs were cut"), "no cut noted");
	free(log);
	text_free(&notes);
	ck_assert_int_eq(rundir_remove(t), 0);
}
END_TEST

/* The uid each pool job's runs execute as, reported through the pool. */
static bool report_uid(void *arg, struct text *out)
{
	(void)arg;
	unsigned uid, gid;
	jobuid_current(&uid, &gid);
	text_printf(out, "%u", uid);
	usleep(300 * 1000); /* keep the slot while the other job starts */
	return true;
}

START_TEST(parallel_jobs_run_as_distinct_users)
{
	if (geteuid() != 0 || pool_cpus() < 2) {
		printf("parallel_jobs_run_as_distinct_users: needs root and 2 CPUs, skipped\n");
		return;
	}
	ck_assert_int_eq(jobuid_setup(NOBODY, NOBODY, 2), 2);
	ck_assert_uint_ge(jobuid_block(), JOBUID_FIRST);
	ck_assert(getpwuid((uid_t)jobuid_block() + 1) == NULL);
	struct pool_job jobs[2];
	ck_assert_int_eq(pool_start(&jobs[0], report_uid, NULL), 0);
	ck_assert_int_eq(pool_start(&jobs[1], report_uid, NULL), 0);
	ck_assert_int_ge(pool_wait_any(jobs, 2), 0);
	ck_assert_int_ge(pool_wait_any(jobs, 2), 0);
	unsigned a = (unsigned)strtoul(jobs[0].report.data, NULL, 10);
	unsigned b = (unsigned)strtoul(jobs[1].report.data, NULL, 10);
	ck_assert_uint_ne(a, b);
	ck_assert(a == NOBODY || a == jobuid_block() + 1);
	ck_assert(b == NOBODY || b == jobuid_block() + 1);
	text_free(&jobs[0].report);
	text_free(&jobs[1].report);
}
END_TEST

static pid_t victim_pid;

/* As one job's user: signal the other job's process, write its folder. */
static int attack_other_job(const char *other_dir)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/.valgrindrc", other_dir);
	bool signalled = kill(victim_pid, SIGKILL) == 0 || errno != EPERM;
	bool wrote = open(path, O_CREAT | O_WRONLY, 0644) >= 0 || errno != EACCES;
	return signalled | wrote << 1;
}

START_TEST(one_job_cannot_signal_or_write_another)
{
	if (geteuid() != 0) {
		printf("one_job_cannot_signal_or_write_another: needs root, skipped\n");
		return;
	}
	ck_assert_int_eq(jobuid_setup(NOBODY, NOBODY, 3), 3);
	unsigned one = jobuid_block() + 1, two = jobuid_block() + 2;
	char t[64], run[4200];
	scratch(t, sizeof t);
	ck_assert_int_eq(rundir_create(t, RUNDIR_RUN, two, NOBODY, run, sizeof run), 0);
	victim_pid = fork();
	ck_assert_int_ge(victim_pid, 0);
	if (victim_pid == 0) {
		if (setgid(NOBODY) == 0 && setuid((uid_t)two) == 0)
			pause();
		_exit(1);
	}
	int got = as_user(one, NOBODY, attack_other_job, run);
	kill(victim_pid, SIGKILL);
	waitpid(victim_pid, NULL, 0);
	ck_assert_msg(got == 0, "job %u could %s job %u", one,
	              got & 1 ? "signal" : "write the run folder of", two);
	ck_assert_int_eq(rundir_remove(t), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rundir");
	TCase *tc = tcase_create("fresh state");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, remove_takes_a_hostile_tree_and_never_a_link_target);
	tcase_add_test(tc, run_folders_are_new_private_and_home_is_read_only);
	tcase_add_test(tc, sweep_removes_stale_folders_and_links_not_their_targets);
	tcase_add_test(tc, logs_are_only_regular_files_of_the_run);
	tcase_add_test(tc, logs_are_read_up_to_a_cap);
	tcase_add_test(tc, parallel_jobs_run_as_distinct_users);
	tcase_add_test(tc, one_job_cannot_signal_or_write_another);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
