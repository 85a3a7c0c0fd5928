/*
 * sandbox.c -- the seccomp filter a harness installs before student code runs.
 *
 * The grader confines the whole run from outside (its own process group,
 * the sandbox user, rlimits, Landlock on the file system: grader/landlock.c).
 * This filter is the layer inside the process: once the harness is set up,
 * and before the test calls the submission, the kernel refuses the system
 * calls that let code escape the run or reach into other processes, however
 * the code reaches them (a libc call, a function pointer, inline asm).
 *
 * Allow by default, deny a list.  An allow-list would have to name every
 * call that glibc, Check, ThreadSanitizer's runtime and Valgrind's core make
 * on any kernel and libc version of a CI runner (futex, rseq, clone3,
 * mmap flavours, ...); one missing entry fails an honest student with a
 * mysterious error.  Which libc functions the student's object may call is
 * already an allow-list at build time; this list stops the calls no honest
 * submission makes, even when they are reached without naming a function.
 * A denied call fails with EPERM (never a kill): the submission sees a failed
 * call, and the test reports whatever that failure leads to.
 *
 * ThreadSanitizer would start llvm-symbolizer (fork and exec) at its first
 * report; the grader runs it with symbolize=0 and symbolizes the log itself
 * (grader/symbolize.c).  Starting the symbolizer before the filter is no
 * way out: a running child changes what waitpid(-1) tells the zombie
 * exercise.
 *
 * Valgrind (3.19) has no seccomp() call, only prctl(PR_SET_SECCOMP), which
 * filters the calling thread alone; elsewhere the filter covers every
 * thread (TSYNC).  Under Valgrind a denied exec ends the run ("EXEC
 * FAILED"): Valgrind cannot recover from a failed exec.
 */
#include "internal.h"

#include <errno.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <valgrind/valgrind.h>

#ifndef PR_SET_PTRACER
#define PR_SET_PTRACER 0x59616d61
#endif

/* Calls denied whatever their arguments. */
static const int denied[] = {
    /* running other programs */
    SCMP_SYS(execve),
    SCMP_SYS(execveat),
    /* reading or writing other processes */
    SCMP_SYS(ptrace),
    SCMP_SYS(process_vm_readv),
    SCMP_SYS(process_vm_writev),
    SCMP_SYS(kcmp),
    SCMP_SYS(pidfd_getfd),
    /* FIFOs, devices and links: traps for whoever reads the run folder */
    SCMP_SYS(mknod),
    SCMP_SYS(mknodat),
    SCMP_SYS(symlink),
    SCMP_SYS(symlinkat),
    SCMP_SYS(link),
    SCMP_SYS(linkat),
    /* namespaces, mounts, roots */
    SCMP_SYS(unshare),
    SCMP_SYS(setns),
    SCMP_SYS(mount),
    SCMP_SYS(umount2),
    SCMP_SYS(pivot_root),
    SCMP_SYS(chroot),
    SCMP_SYS(fsopen),
    SCMP_SYS(fsmount),
    SCMP_SYS(fsconfig),
    SCMP_SYS(fspick),
    SCMP_SYS(move_mount),
    SCMP_SYS(open_tree),
    SCMP_SYS(mount_setattr),
    SCMP_SYS(open_by_handle_at),
    SCMP_SYS(name_to_handle_at),
    /* kernel attack surface no exercise needs */
    SCMP_SYS(bpf),
    SCMP_SYS(perf_event_open),
    SCMP_SYS(userfaultfd),
    SCMP_SYS(keyctl),
    SCMP_SYS(add_key),
    SCMP_SYS(request_key),
    SCMP_SYS(personality),
    SCMP_SYS(io_uring_setup),
    SCMP_SYS(io_uring_enter),
    SCMP_SYS(io_uring_register),
    SCMP_SYS(fanotify_init),
    SCMP_SYS(init_module),
    SCMP_SYS(finit_module),
    SCMP_SYS(delete_module),
    SCMP_SYS(kexec_load),
    SCMP_SYS(kexec_file_load),
    SCMP_SYS(reboot),
    SCMP_SYS(swapon),
    SCMP_SYS(swapoff),
    SCMP_SYS(acct),
    SCMP_SYS(quotactl),
    SCMP_SYS(syslog),
    SCMP_SYS(iopl),
    SCMP_SYS(ioperm),
};

/* prctl options that would let others reach this process, or keep its
 * orphans from the grader's keeper. */
static const int denied_prctl[] = {PR_SET_PTRACER, PR_SET_MM, PR_SET_CHILD_SUBREAPER,
                                   PR_SET_SECUREBITS, PR_CAP_AMBIENT};

/* Namespace flags that clone() must not carry. */
static const unsigned long new_namespace[] = {CLONE_NEWNS,    CLONE_NEWUSER, CLONE_NEWPID,
                                              CLONE_NEWNET,   CLONE_NEWIPC,  CLONE_NEWUTS,
                                              CLONE_NEWCGROUP};

/* Rules whose arguments matter.  Returns 0 or a negative errno. */
static int add_argument_rules(scmp_filter_ctx ctx)
{
	const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
	/* kill(-1) and kill(-pgrp): signals to other process groups.  The pid
	 * is an int: only its low 32 bits count, so test bit 31. */
	int rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(kill), 1,
	                          SCMP_A0(SCMP_CMP_MASKED_EQ, 0x80000000UL, 0x80000000UL));
	/* Sockets: AF_UNIX only (no network); NE ignores the second datum. */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(socket), 1,
		                      SCMP_A0(SCMP_CMP_NE, (scmp_datum_t)AF_UNIX, 0));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(socketpair), 1,
		                      SCMP_A0(SCMP_CMP_NE, (scmp_datum_t)AF_UNIX, 0));
	/* Faking terminal input for whoever owns the terminal. */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(ioctl), 1,
		                      SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, TIOCSTI));
	for (size_t i = 0; rc == 0 && i < sizeof denied_prctl / sizeof denied_prctl[0]; i++)
		rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(prctl), 1,
		                      SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffUL,
		                              (scmp_datum_t)(unsigned)denied_prctl[i]));
	for (size_t i = 0; rc == 0 && i < sizeof new_namespace / sizeof new_namespace[0]; i++)
		rc = seccomp_rule_add(
		    ctx, eperm, SCMP_SYS(clone), 1,
		    SCMP_A0(SCMP_CMP_MASKED_EQ, new_namespace[i], new_namespace[i]));
	/* clone3 takes its flags in memory, out of the filter's sight: ENOSYS
	 * makes glibc fall back to clone(), whose flags are checked above. */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	return rc;
}

static int build_filter(scmp_filter_ctx ctx)
{
	/* Another architecture's calls (int 0x80, x32) would dodge every rule. */
	int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(EPERM));
	for (size_t i = 0; rc == 0 && i < sizeof denied / sizeof denied[0]; i++)
		/* A call this libseccomp or kernel does not know is no threat. */
		if (denied[i] >= 0)
			rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), denied[i], 0);
	if (rc == 0)
		rc = add_argument_rules(ctx);
	return rc;
}

/* Builds and loads the filter; for every thread of the process if `all`,
 * else for the calling thread (and the threads and processes it starts). */
static int load(bool all)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc = ctx ? build_filter(ctx) : -ENOMEM;
	if (rc == 0 && all)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (rc == 0)
		rc = seccomp_load(ctx);
	if (ctx)
		seccomp_release(ctx);
	return rc;
}

int harness_sandbox_enter(void)
{
	/* Valgrind has no seccomp() call, only prctl(), which filters the
	 * calling thread: the test's, where student code starts.  (Natively
	 * RUNNING_ON_VALGRIND is 0 whatever the code around it does.) */
	if (RUNNING_ON_VALGRIND)
		seccomp_api_set(1);
	int rc = load(!RUNNING_ON_VALGRIND);
	if (rc != 0)
		harness_recordf("info",
		                "WARNING: the seccomp filter could not be installed (%s): this run "
		                "was not confined by it",
		                strerror(-rc));
	return rc == 0 ? 0 : -1;
}
