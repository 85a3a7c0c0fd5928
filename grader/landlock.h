/*
 * landlock.h -- confines an untrusted command's file access with Landlock.
 */
#ifndef GRADER_LANDLOCK_H
#define GRADER_LANDLOCK_H

#include <stddef.h>

/* The Landlock ABI version the kernel offers; 0 when it has none (too old,
 * switched off, or refused inside a container). */
int landlock_abi(void);

/* Confines the calling process and whatever it runs after: it may read and
 * execute the system's folders (/usr, /lib, /etc, /proc, ...), read and
 * execute `readable`, read and write `writable` (NULL-terminated lists of
 * absolute paths, files or folders), and nothing else on the file system.
 * Where the ABI allows, it also may not bind or connect TCP sockets nor
 * signal processes outside the confinement.  Call in the child, just before
 * exec.  Returns the ABI in force, 0 if the kernel has no Landlock (nothing
 * done), -1 with errno if it could not be applied. */
int landlock_confine(const char *const *readable, const char *const *writable);

/* One line for the report's header: which Landlock layer is in force. */
void landlock_describe(char *buf, size_t len);

#endif
