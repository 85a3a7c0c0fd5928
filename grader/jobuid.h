/*
 * jobuid.h -- a sandbox user of its own for every parallel grading job.
 */
#ifndef GRADER_JOBUID_H
#define GRADER_JOBUID_H

/* Where the search for a block of unused uids starts: above the ranges that
 * systemd documents for accounts, dynamic users and containers (up to
 * 1879048191), below 2^31 so no tool reads them as negative. */
#define JOBUID_FIRST 2000000000u

/* The most jobs that can have users of their own (pool.c runs no more). */
#define JOBUID_MAX_SLOTS 64

/* Chooses the users of up to `slots` jobs running at once: slot 0 is uid
 * (the sandbox user, who also runs the compiler), slot k is block + k, from
 * a block of uids that no account has and no process uses, searched from
 * JOBUID_FIRST; every slot has group gid.  Returns how many distinct users
 * the slots have: 1 when no free block was found (then every job runs as
 * uid).  Call once, as root, before any job starts; uid 0: no sandbox. */
int jobuid_setup(unsigned uid, unsigned gid, int slots);

/* The first uid of the block chosen (slot k runs as it plus k), 0 if none. */
unsigned jobuid_block(void);

/* In a job's own process: its runs become the user of slot. */
void jobuid_enter(int slot);

/* The user this process's runs execute as: the slot's in a job, the sandbox
 * user in the grader itself, the grader's own user without a sandbox. */
void jobuid_current(unsigned *uid, unsigned *gid);

/* Hands a folder and the files in it to a user, without following links
 * (the sandbox user while the compiler writes there; back to the grader's
 * before anything runs, so a submission cannot rewrite the binaries that
 * judge it).  What cannot be handed over is said on stderr. */
void jobuid_give_dir(const char *dir, unsigned uid, unsigned gid);

#endif
