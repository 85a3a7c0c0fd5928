/*
 * run.h -- run one untrusted command in isolation and collect what it did.
 */
#ifndef GRADER_RUN_H
#define GRADER_RUN_H

#include <stdbool.h>
#include <stddef.h>

struct run_spec {
	char *const *argv;          /* argv[0] is looked up in PATH */
	char *const *env;           /* the whole environment of the command */
	const char *cwd;            /* NULL: the grader's */
	double timeout;             /* wall-clock seconds before the group is killed */
	size_t output_cap;          /* bytes of stdout+stderr kept (the rest is counted) */
	bool verdict_channel;       /* a pipe on PROTOCOL_VERDICT_FD for harness verdicts */
	const char *config;         /* NULL, or bytes the command reads on
	                               PROTOCOL_CONFIG_FD (at most PROTOCOL_CONFIG_MAX) */
	bool limit_resources;       /* apply the rlimits of an untrusted run, and run
	                               as the sandbox user if one is set */
	unsigned long memory_limit; /* RLIMIT_AS in bytes for such a run; 0: none
	                               (sanitizers and Valgrind need the room) */
	/* For such a run, where the kernel has Landlock: besides the system's
	 * folders, the only paths it may read and execute, and the only ones it
	 * may write (NULL-terminated lists; both NULL: no Landlock, landlock.h). */
	const char *const *readable;
	const char *const *writable;
};

struct run_result {
	bool started; /* false: could not even start (see output) */
	int pid;      /* the command's process id, as its tools name it in logs */
	bool exited;  /* ended with exit(); status in exit_code */
	int exit_code;
	int signal;     /* killed by this signal (0: none) */
	bool timed_out; /* we killed it at the time limit */
	int stopped_by; /* it stopped on this signal and stayed stopped: killed */
	double seconds;
	char *output;           /* stdout and stderr, NUL-terminated, capped */
	size_t output_total;    /* bytes it wrote in all */
	char *verdicts;         /* what it wrote on the verdict channel */
	int leftover_processes; /* descendants still alive at the end, killed */
};

/* Makes the grader a child subreaper, so processes that a submission's
 * processes orphan come back to it and can be killed. Call once at start. */
void run_init(void);

/* Untrusted runs (limit_resources) become this user when the grader is
 * root: the submission can then neither signal the grader nor write its
 * files.  Call before any run; uid 0 turns it off. */
void run_set_sandbox_user(unsigned uid, unsigned gid);

/* Runs spec to completion (or its time limit) and kills every process it
 * left behind.  Never fails: problems are described in result->output.
 * Not for concurrent use within one process: when a keeper is killed, the
 * grader kills all of its own children.  Parallel grading uses processes. */
void run_command(const struct run_spec *spec, struct run_result *result);

void run_result_free(struct run_result *result);

/* Runs a tool of the grader's own (compiler, nm, addr2line) with the
 * grader's environment.  Returns its exit status, or -1 when it did not
 * exit normally; its output goes to *output (the caller frees it). */
int run_tool(char *const argv[], double timeout, char **output);

/* The same for a tool working on the student's file (the compiler): it
 * runs with the limits and as the sandbox user of an untrusted run, and
 * under Landlock reads only `readable` and writes only `writable` besides
 * the system's folders (NULL-terminated lists, see run_spec). */
int run_untrusted_tool(char *const argv[], const char *const *readable, const char *const *writable,
                       double timeout, char **output);

/* Runs a compiler over the student's source (-E, -dM): untrusted, it may
 * read the source's folder and the -I folders of argv, and write nothing.
 * Its exit status, its output in *output (the caller frees it). */
int run_compiler_reading(char *const argv[], const char *source, char **output);

/* "exited with status 3", "killed by SIGSEGV (segmentation fault)", ... */
void run_describe_end(const struct run_result *result, char *buf, size_t len);

#endif
