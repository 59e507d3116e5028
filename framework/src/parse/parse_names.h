/* parse_names.h - internal: the names the script language knows, and the
 * nearest-name suggestion.
 *
 * errno names, signal names, the constants of shmget/shmat/shmctl/open,
 * operation and field names (from scenario.c), the sysctls that belong to the
 * IPC namespace, and an edit distance to suggest the name that was meant.
 */
#ifndef SHMLIFE_PARSE_NAMES_H
#define SHMLIFE_PARSE_NAMES_H

#include "shmlife/scenario.h"

/* errno names: EINVAL <-> 22. */
int slp_errno_by_name(const char *name);          /* -1 if unknown */
const char *slp_errno_name(int err);              /* NULL if unknown */

/* Signal names: SIGKILL <-> 9, also SIGRTMIN and SIGRTMAX (as this libc
 * numbers them).  SIGRTMIN+N is the caller's business. */
#define SLP_MAX_SIGNAL 64
int slp_signal_by_name(const char *name);         /* -1 if unknown */
const char *slp_signal_name(int sig);             /* NULL if unknown */

/* Named constants and where each belongs. */
enum slp_const_class {
	SLC_KEY = 1,        /* IPC_PRIVATE                                  */
	SLC_SHMGET = 2,     /* shmget flags: IPC_CREAT, IPC_EXCL, SHM_HUGETLB */
	SLC_SHMAT = 4,      /* shmat flags: SHM_RDONLY, SHM_RND, ...        */
	SLC_SHMCTL = 8,     /* shmctl commands: IPC_RMID, SHM_STAT, ...     */
	SLC_OPEN = 16,      /* open flags: O_RDWR, O_NOCTTY, ...            */
	SLC_MODE = 32,      /* a segment's mode bits: SHM_DEST, SHM_LOCKED   */
	SLC_PROT = 64,      /* mprotect: PROT_NONE, PROT_READ, ...           */
	SLC_MADV = 128,     /* madvise: MADV_DONTNEED, MADV_REMOVE, ...      */
	SLC_MREMAP = 256,   /* mremap flags: MREMAP_MAYMOVE                 */
};
struct slp_const {
	const char *name;
	long long value;
	unsigned cls;
};
const struct slp_const *slp_const_by_name(const char *name);   /* NULL if unknown */
const char *slp_const_class_text(unsigned cls);   /* "a shmat flag", ... */
const char *slp_shmctl_cmd_name(long long cmd);   /* NULL if not a command */

/* Operations: an actor's (shmat) or the conductor's (wait). */
int slp_op_by_name(const char *name);             /* enum sl_op, or -1 */
int slp_op_is_conductor(enum sl_op op);

/* Fields of expectations, by their sl_field_name(). */
int slp_field_by_name(const char *name);          /* enum sl_field, or -1 */
const char *slp_target_text(enum sl_target_kind t); /* "segment", "process" ... */

/* 1 if setting `name` changes only the IPC namespace it is set in. */
int slp_sysctl_in_ipc_ns(const char *name);

/* ---- the nearest-name suggestion -------------------------------------- */

/* Feed candidates one by one; the nearest within a threshold that grows with
 * the word's length wins (ties: the alphabetically first).  Case differences
 * cost nothing, so `einval` suggests EINVAL. */
struct slp_suggest {
	const char *word;
	const char *best;
	int dist;
};
void slp_suggest_init(struct slp_suggest *sg, const char *word);
void slp_suggest_add(struct slp_suggest *sg, const char *cand);
const char *slp_suggest_best(const struct slp_suggest *sg); /* NULL if none is near */

/* Feed whole tables. */
void slp_suggest_errnos(struct slp_suggest *sg);
void slp_suggest_signals(struct slp_suggest *sg);
void slp_suggest_consts(struct slp_suggest *sg, unsigned cls);
void slp_suggest_ops(struct slp_suggest *sg, int conductor);
void slp_suggest_fields(struct slp_suggest *sg, enum sl_target_kind t);
void slp_suggest_list(struct slp_suggest *sg, const char *const *names); /* NULL-terminated */

/* Optimal string alignment distance, case-insensitive; any value above
 * `limit` is returned as limit + 1. */
int slp_edit_distance(const char *a, const char *b, int limit);

#endif
