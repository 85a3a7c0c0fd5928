/*
 * seccomp_probe.c -- whether the harness's seccomp filter can go in here.
 *
 * The filter itself is installed by each harness run, inside the harness
 * (harness/common/sandbox.c), where it says so in an info record when it
 * fails.  The report's header needs to know before any run: a child
 * process installs a filter that allows everything and says whether the
 * kernel took it.  Kernels without seccomp and containers whose own
 * profile refuses the seccomp() call both show here.
 */
#include "seccomp_probe.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int try_filter(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog program = {.len = 1, .filter = &allow};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return 1;
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) == 0 ? 0 : 1;
}

void seccomp_describe(char *buf, size_t len)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(try_filter());
	int status = 0;
	bool works = pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	             WEXITSTATUS(status) == 0;
	if (works)
		snprintf(buf, len,
		         "seccomp filter in every harness run: no exec, ptrace, process_vm_*, "
		         "mknod, links, namespaces, signals to other process groups, sockets but "
		         "AF_UNIX");
	else
		snprintf(buf, len,
		         "WARNING: seccomp filters refused here (kernel or container): submissions "
		         "may run programs and use any system call their user may");
}
