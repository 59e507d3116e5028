/* observe_raw.h - the observer's only way to the kernel: raw system calls.
 *
 * The observer must see the kernel, not the C library.  Actors make their
 * calls through libc (the thing under test, with the kernel); a libc that
 * lies (an LD_PRELOAD library, ci/mutants.sh's mutants, a buggy libc) is
 * loaded in the conductor too, since every process of a scenario is a fork
 * of the harness.  So the observers read System V IPC and /proc with
 * syscall(2) only: shmctl, openat, read, close.  No stdio, no shmctl().
 */
#ifndef SHMLIFE_OBSERVE_RAW_H
#define SHMLIFE_OBSERVE_RAW_H

#include <stddef.h>
#include <sys/types.h>

#include <sys/shm.h>

/* What any shmctl command may fill in: the buffer an actor's own call and
 * the observer's raw call both pass (observe_shmctl_fill). */
union sl_shmctl_buf {
	struct shmid_ds ds;
	struct shminfo info;
	struct shm_info sinfo;
};

/* shmctl(2) as the kernel answers it: the result, or -1 with errno. */
int sl_raw_shmctl(int shmid, int cmd, struct shmid_ds *buf);

/* The whole of a (/proc) file, NUL-terminated, in a malloc'd buffer that the
 * caller frees; *len_out (if given) its length.  NULL with errno on failure. */
char *sl_raw_read_file(const char *path, size_t *len_out);

/* At most len - 1 bytes of a small file, NUL-terminated.  The length, or -1
 * with errno. */
ssize_t sl_raw_read_small(const char *path, char *buf, size_t len);

/* The next line of text at *pos (without its '\n'), copied to line (at most
 * len - 1 bytes; longer lines are skipped whole).  1 if there was one, 0 at
 * the end. */
int sl_raw_next_line(const char **pos, char *line, size_t len);

#endif
