/* observed.h - one field of an observation in a trace entry, as the kernel
 * reported it, and its text.
 *
 * The conductor judges expectations with sl_observed_field(), and the
 * reports render the evidence of claims with it: every part of shmlife reads
 * an observation the same way.
 */
#ifndef SHMLIFE_OBSERVED_H
#define SHMLIFE_OBSERVED_H

#include <stddef.h>

#include "shmlife/result.h"
#include "shmlife/scenario.h"

/* The value of field `f` in e's observation (obs_kind says which).  `arg`
 * is what some fields are about: the shmid of `attached`, the key of
 * `mapped-key`, the signal of `sig-ignored`.  Flags read 0 or 1.  Returns
 * -1 when the observation cannot say (the segment is gone, the process has
 * ended, the field belongs to another kind of observation, or it is
 * `sig-received`, which only the actor itself knows); SL_OBS_NOT_ALL when
 * the answer lies beyond what the observation kept (more than SL_MAX_MAPS
 * SysV mappings or SL_MAX_FDS descriptors): never judged as if complete. */
#define SL_OBS_NOT_ALL (-2)
int sl_observed_field(const struct sl_trace_entry *e, enum sl_field f, long long arg, long long *v);

/* A text field of a process's observation: its cwd, its comm, or the
 * target of descriptor `fd` (SL_F_FD), as the kernel showed it; NULL where
 * there is none (the process has ended: no comm; fd N is not open).  The
 * conductor judges `expect p cwd=/` with it and the claims' evidence shows
 * it. */
const char *sl_observed_text(const struct sl_process_obs *o, enum sl_field f, int fd);
/* 1 if that text was cut to fit the record (the kernel's is longer). */
int sl_observed_text_cut(const struct sl_process_obs *o, enum sl_field f, int fd);

/* 1 if a shmctl result of `kind` (enum sl_shmctl_kind) has field f: the
 * segment's fields (key shmid size nattch perms mode dest locked cpid lpid
 * uid gid cuid cgid atime dtime ctime) for the STAT commands; shmmax
 * shmmin shmmni shmseg shmall for IPC_INFO; used_ids shm_tot shm_rss
 * shm_swp swap_attempts swap_successes for SHM_INFO. */
int sl_shmctl_has_field(int kind, enum sl_field f);
/* The kind of record a shmctl command fills in (SL_SHMCTL_NONE: none). */
int sl_shmctl_kind(int cmd);
/* "IPC_STAT", "SHM_INFO" ...: a shmctl command as a script writes it; NULL
 * for a number that is none. */
const char *sl_shmctl_cmd_name(long long cmd);

/* "nattch=2", "!dest", "key=0x00000000", "perms=0640", "killed=SIGSEGV". */
void sl_observed_format(enum sl_field f, long long v, char *buf, size_t len);

#endif
