/*
 * landlock.c -- confines an untrusted command's file access with Landlock.
 *
 * The compiler, the harness listing its tests and every harness run are
 * confined just before exec, and the domain is inherited by everything
 * they run: they may read and run the system (/usr, /lib, /etc, /proc, a
 * few devices), read and run the few paths the grader names (the harness
 * binaries, the copied header), and write only in the folder the grader
 * names (the run folder, or the compiler's output folder).  Nothing under
 * the project root is named, so solutions/, tests/ and the harness sources
 * cannot be opened, even where the sandbox user could read them, and even
 * when the grader does not run as root and the submission runs as the
 * instructor.
 *
 * No FIFOs, devices or symbolic links can be made, since the rules grant no
 * right to make them: such files are traps for the grader that reads the
 * run folder afterwards.
 *
 * With ABI 4 and later, TCP bind and connect are refused (no rule grants
 * them); with ABI 6 and later, signals and abstract UNIX sockets cannot
 * reach processes outside the run's own domain (each run is a domain of its
 * own, so parallel runs cannot signal each other, nor the keeper).
 *
 * procfs: /proc must stay readable (ThreadSanitizer and Valgrind read
 * /proc/self/maps, glibc /proc/sys/...).  Landlock does not scope it by pid,
 * but another process's /proc/PID/{environ,mem,maps,...} needs ptrace
 * access, which Landlock refuses outside the domain; the uid does the rest.
 *
 * The kernel's headers may be older than the kernel: the constants and the
 * ruleset structure of later ABIs are spelled out here.
 */
#include "landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define FS(n) (1ULL << (n))
/* ABI 1: execute .. make_sym; 2: refer; 3: truncate; 5: ioctl on devices. */
#define FS_EXECUTE     FS(0)
#define FS_WRITE_FILE  FS(1)
#define FS_READ_FILE   FS(2)
#define FS_READ_DIR    FS(3)
#define FS_REMOVE_DIR  FS(4)
#define FS_REMOVE_FILE FS(5)
#define FS_MAKE_DIR    FS(7)
#define FS_MAKE_REG    FS(8)
#define FS_MAKE_SOCK   FS(9)
#define FS_TRUNCATE    FS(14)
#define FS_ABI1        (FS(13) - 1)
/* Rights that apply to a file (the others only to folders). */
#define FS_ON_FILES (FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS(15))

#define NET_BIND_TCP               (1ULL << 0)
#define NET_CONNECT_TCP            (1ULL << 1)
#define SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define SCOPE_SIGNAL               (1ULL << 1)

#define READ_RIGHTS (FS_READ_FILE | FS_READ_DIR)
#define RUN_RIGHTS  (READ_RIGHTS | FS_EXECUTE)
/* Make regular files, folders and (for the eventloop's listener) sockets. */
#define WRITE_RIGHTS                                                                               \
	(READ_RIGHTS | FS_WRITE_FILE | FS_REMOVE_DIR | FS_REMOVE_FILE | FS_MAKE_DIR |              \
	 FS_MAKE_REG | FS_MAKE_SOCK | FS_TRUNCATE)

/* struct landlock_ruleset_attr as of ABI 6; the kernel takes a longer
 * structure than it knows as long as the fields it does not know are 0. */
struct ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

struct system_path {
	const char *path;
	uint64_t rights;
};

static const struct system_path system_paths[] = {
    {"/usr", RUN_RIGHTS},
    {"/lib", RUN_RIGHTS},
    {"/lib64", RUN_RIGHTS},
    {"/lib32", RUN_RIGHTS},
    {"/bin", RUN_RIGHTS},
    {"/sbin", RUN_RIGHTS},
    {"/etc", READ_RIGHTS},
    {"/proc", READ_RIGHTS},
    {"/sys/devices/system/cpu", READ_RIGHTS},
    {"/sys/fs/cgroup", READ_RIGHTS}, /* the CPU quota that harness_cpus() reads */
    {"/dev/null", FS_READ_FILE | FS_WRITE_FILE},
    {"/dev/zero", FS_READ_FILE},
    {"/dev/urandom", FS_READ_FILE},
    {"/dev/random", FS_READ_FILE},
};

int landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	return abi > 0 ? (int)abi : 0;
}

/* Every file right this ABI knows: those it handles are denied unless a
 * rule grants them. */
static uint64_t handled_fs(int abi)
{
	uint64_t fs = FS_ABI1;
	if (abi >= 2)
		fs |= FS(13);
	if (abi >= 3)
		fs |= FS_TRUNCATE;
	if (abi >= 5)
		fs |= FS(15);
	return fs;
}

/* Grants `rights` under path (a folder) or on it (a file).  A path that
 * cannot be opened needs no rule: not every system has /lib64, and what
 * this user cannot reach it could not use anyway. */
static int allow(int ruleset, const char *path, uint64_t rights, uint64_t handled)
{
	int fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return 0;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		rights &= FS_ON_FILES;
	struct landlock_path_beneath_attr rule = {.allowed_access = rights & handled,
	                                          .parent_fd = fd};
	long rc = syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
	close(fd);
	return rc == 0 ? 0 : -1;
}

static int allow_all(int ruleset, const char *const *paths, uint64_t rights, uint64_t handled)
{
	for (const char *const *p = paths; p && *p; p++)
		if (allow(ruleset, *p, rights, handled) != 0)
			return -1;
	return 0;
}

static int add_rules(int ruleset, const char *const *readable, const char *const *writable,
                     uint64_t handled)
{
	for (size_t i = 0; i < sizeof system_paths / sizeof system_paths[0]; i++)
		if (allow(ruleset, system_paths[i].path, system_paths[i].rights, handled) != 0)
			return -1;
	if (allow_all(ruleset, readable, RUN_RIGHTS, handled) != 0)
		return -1;
	return allow_all(ruleset, writable, WRITE_RIGHTS, handled);
}

int landlock_confine(const char *const *readable, const char *const *writable)
{
	int abi = landlock_abi();
	if (abi == 0)
		return 0;
	struct ruleset_attr attr = {.handled_access_fs = handled_fs(abi)};
	if (abi >= 4)
		attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP;
	if (abi >= 6)
		attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL;
	int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
	if (ruleset < 0)
		return -1;
	/* Unprivileged confinement needs no_new_privs (after setuid we have no
	 * capabilities); it also stops any set-uid program from undoing it. */
	int rc = add_rules(ruleset, readable, writable, attr.handled_access_fs) == 0 &&
	                 prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
	                 syscall(SYS_landlock_restrict_self, ruleset, 0) == 0
	             ? abi
	             : -1;
	int saved = errno;
	close(ruleset);
	errno = saved;
	return rc;
}

void landlock_describe(char *buf, size_t len)
{
	int abi = landlock_abi();
	if (abi == 0)
		snprintf(buf, len,
		         "WARNING: no Landlock on this kernel (or refused by the container): "
		         "submissions can read every file the sandbox user can read");
	else
		snprintf(buf, len,
		         "Landlock ABI %d: files outside the system folders, the harness binaries "
		         "and the run folder cannot be opened%s%s",
		         abi, abi >= 4 ? ", no TCP" : "",
		         abi >= 6 ? ", no signals outside the run" : "");
}
