/* observed.c - reading one field out of an observation, and writing it as
 * text (observed.h). */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/shm.h>

#include "shmlife/observed.h"
#include "util.h" /* sl_signal_name, sl_errno_name */

static int segment_field(const struct sl_segment_obs *o, enum sl_field f, long long *v)
{
	const struct sl_segment_view *w = o->stat.present ? &o->stat : &o->proc;
	int present = o->stat.present || o->proc.present;
	switch (f) {
	case SL_F_GONE: *v = !present; return 0;
	case SL_F_EXISTS: *v = present; return 0;
	case SL_F_IPCS_KEY: *v = o->ipcs_key; return o->ipcs_present ? 0 : -1;
	case SL_F_IPCS_NATTCH: *v = (long long)o->ipcs_nattch; return o->ipcs_present ? 0 : -1;
	case SL_F_IPCS_DEST: *v = o->ipcs_dest; return o->ipcs_present ? 0 : -1;
	default: break;
	}
	if (!present)
		return -1;
	switch (f) {
	case SL_F_KEY: *v = w->key; break;
	case SL_F_SHMID: *v = w->shmid; break;
	case SL_F_SIZE: *v = (long long)w->size; break;
	case SL_F_NATTCH: *v = (long long)w->nattch; break;
	case SL_F_PERMS: *v = w->mode & 0777; break;
	case SL_F_MODE: *v = w->mode; break;
	case SL_F_DEST: *v = !!(w->mode & SHM_DEST); break;
	case SL_F_LOCKED: *v = !!(w->mode & SHM_LOCKED); break;
	case SL_F_CPID: *v = w->cpid; break;
	case SL_F_LPID: *v = w->lpid; break;
	case SL_F_UID: *v = w->uid; break;
	case SL_F_GID: *v = w->gid; break;
	case SL_F_CUID: *v = w->cuid; break;
	case SL_F_CGID: *v = w->cgid; break;
	case SL_F_ATIME: *v = w->atime; break;
	case SL_F_DTIME: *v = w->dtime; break;
	case SL_F_CTIME: *v = w->ctime; break;
	case SL_F_RSS: *v = (long long)o->proc.rss; break;
	case SL_F_SWAP: *v = (long long)o->proc.swap; break;
	default: return -1;
	}
	return 0;
}

static int namespace_field(const struct sl_namespace_obs *o, enum sl_field f, long long *v)
{
	switch (f) {
	case SL_F_SEGMENTS: *v = o->segments_proc; return 0;
	case SL_F_SHMMNI: *v = (long long)o->shmmni; return 0;
	case SL_F_SHMMAX: *v = (long long)o->shmmax; return 0;
	case SL_F_SHMALL: *v = (long long)o->shmall; return 0;
	case SL_F_RMID_FORCED: *v = o->rmid_forced; return 0;
	default: return -1;
	}
}

static const struct sl_map_entry *find_map(const struct sl_maps_obs *o, int shmid)
{
	int n = o->n < SL_MAX_MAPS ? o->n : SL_MAX_MAPS;
	for (int i = 0; i < n; i++)
		if (o->map[i].shmid == shmid)
			return &o->map[i];
	return NULL;
}

/* mapped-key=K: K if one of the SYSV mappings is named SYSV<K>, else the
 * key in the name of the first one (so `=` and `!=` both read naturally);
 * not observable without any SYSV mapping. */
static int mapped_key(const struct sl_maps_obs *o, long long want, long long *v)
{
	int n = o->n < SL_MAX_MAPS ? o->n : SL_MAX_MAPS;
	if (n == 0)
		return -1;
	*v = o->map[0].key;
	for (int i = 0; i < n; i++)
		if (o->map[i].key == (int32_t)want) {
			*v = want;
			return 0;
		}
	return o->n > SL_MAX_MAPS ? SL_OBS_NOT_ALL : 0;
}

static int maps_field(const struct sl_maps_obs *o, enum sl_field f, long long arg, long long *v)
{
	const struct sl_map_entry *m = find_map(o, (int)arg);
	/* Not among the mappings kept: with more than were kept, nothing is known. */
	if (!m && o->n > SL_MAX_MAPS &&
	    (f == SL_F_ATTACHED || f == SL_F_DETACHED || f == SL_F_MAPPED_DELETED))
		return SL_OBS_NOT_ALL;
	switch (f) {
	case SL_F_ATTACHED: *v = m != NULL; return 0;
	case SL_F_DETACHED: *v = m == NULL; return 0;
	case SL_F_MAPPED_DELETED: *v = m && m->deleted; return 0;
	case SL_F_ATTACHMENTS: *v = o->n; return 0;
	case SL_F_MAPPED_KEY: return mapped_key(o, arg, v);
	default: return -1;
	}
}

static int in_signal_set(uint64_t set, long long sig)
{
	return sig > 0 && sig <= 64 && (set >> (sig - 1) & 1);
}

static int process_field(const struct sl_process_obs *o, enum sl_field f, long long arg, long long *v)
{
	switch (f) {
	case SL_F_ALIVE: *v = !o->ended && o->alive; return 0;
	case SL_F_DEAD: *v = o->ended || !o->alive; return 0;
	case SL_F_EXIT_STATUS: *v = o->ended && !o->term_signal ? o->exit_status : -1; return 0;
	case SL_F_KILLED_BY: *v = o->ended ? o->term_signal : 0; return 0;
	default: break;
	}
	if (o->ended || !o->alive)
		return -1;
	switch (f) {
	case SL_F_PID: *v = o->pid; break;
	case SL_F_PPID: *v = o->ppid; break;
	case SL_F_PGID: *v = o->pgid; break;
	case SL_F_SID: *v = o->sid; break;
	case SL_F_TTY_NR: *v = o->tty_nr; break;
	case SL_F_TPGID: *v = o->tpgid; break;
	case SL_F_UMASK: *v = o->umask; break;
	case SL_F_NFDS: *v = o->nfds; break;
	case SL_F_PUID: *v = o->uid; break;
	case SL_F_PGID_GID: *v = o->gid; break;
	case SL_F_DEVTTY_ERRNO:
		if (o->devtty_errno < 0)
			return -1; /* not probed: a found process answers no questions */
		*v = o->devtty_errno;
		break;
	case SL_F_SIG_IGNORED: *v = in_signal_set(o->sig_ignored, arg); break;
	case SL_F_SIG_CAUGHT: *v = in_signal_set(o->sig_caught, arg); break;
	case SL_F_SIG_PENDING: *v = in_signal_set(o->sig_pending, arg); break;
	default: return -1;
	}
	return 0;
}

const char *sl_observed_text(const struct sl_process_obs *o, enum sl_field f, int fd)
{
	if (f == SL_F_CWD)
		return o->cwd;
	if (f == SL_F_COMM)
		return o->alive ? o->comm : NULL;
	for (int i = 0; f == SL_F_FD && i < o->nfds && i < SL_MAX_FDS; i++)
		if (o->fds[i].fd == fd)
			return o->fds[i].target;
	return NULL;
}

int sl_observed_text_cut(const struct sl_process_obs *o, enum sl_field f, int fd)
{
	if (f == SL_F_CWD)
		return o->cwd_cut != 0;
	for (int i = 0; f == SL_F_FD && i < o->nfds && i < SL_MAX_FDS; i++)
		if (o->fds[i].fd == fd)
			return o->fds[i].target_cut != 0;
	return 0; /* comm: the kernel's is at most 15 characters, the record keeps 16 */
}

int sl_shmctl_kind(int cmd)
{
	switch (cmd) {
	case IPC_STAT: case SHM_STAT: case SHM_STAT_ANY: return SL_SHMCTL_STAT;
	case IPC_INFO: return SL_SHMCTL_IPC_INFO;
	case SHM_INFO: return SL_SHMCTL_SHM_INFO;
	default: return SL_SHMCTL_NONE;
	}
}

const char *sl_shmctl_cmd_name(long long cmd)
{
	switch (cmd) {
	case IPC_RMID: return "IPC_RMID";
	case IPC_SET: return "IPC_SET";
	case IPC_STAT: return "IPC_STAT";
	case IPC_INFO: return "IPC_INFO";
	case SHM_LOCK: return "SHM_LOCK";
	case SHM_UNLOCK: return "SHM_UNLOCK";
	case SHM_STAT: return "SHM_STAT";
	case SHM_INFO: return "SHM_INFO";
	case SHM_STAT_ANY: return "SHM_STAT_ANY";
	default: return NULL;
	}
}

int sl_shmctl_has_field(int kind, enum sl_field f)
{
	switch (kind) {
	case SL_SHMCTL_STAT:
		return sl_field_target(f) == SL_TARGET_SEGMENT && f != SL_F_GONE && f != SL_F_EXISTS && f != SL_F_RSS &&
		       f != SL_F_SWAP && f != SL_F_IPCS_KEY && f != SL_F_IPCS_NATTCH && f != SL_F_IPCS_DEST;
	case SL_SHMCTL_IPC_INFO:
		return f == SL_F_SHMMAX || f == SL_F_SHMMIN || f == SL_F_SHMMNI || f == SL_F_SHMSEG || f == SL_F_SHMALL;
	case SL_SHMCTL_SHM_INFO:
		return f == SL_F_USED_IDS || f == SL_F_SHM_TOT || f == SL_F_SHM_RSS || f == SL_F_SHM_SWP ||
		       f == SL_F_SWAP_ATTEMPTS || f == SL_F_SWAP_SUCCESSES;
	default:
		return 0;
	}
}

static int shmctl_field(const struct sl_shmctl_obs *o, enum sl_field f, long long *v)
{
	if (!sl_shmctl_has_field(o->kind, f))
		return -1;
	if (o->kind == SL_SHMCTL_STAT) {
		struct sl_segment_obs seg = { .shmid = o->stat.shmid, .stat = o->stat };
		return segment_field(&seg, f, v);
	}
	switch (f) {
	case SL_F_SHMMAX: *v = (long long)o->shmmax; break;
	case SL_F_SHMMIN: *v = (long long)o->shmmin; break;
	case SL_F_SHMMNI: *v = (long long)o->shmmni; break;
	case SL_F_SHMSEG: *v = (long long)o->shmseg; break;
	case SL_F_SHMALL: *v = (long long)o->shmall; break;
	case SL_F_USED_IDS: *v = (long long)o->used_ids; break;
	case SL_F_SHM_TOT: *v = (long long)o->shm_tot; break;
	case SL_F_SHM_RSS: *v = (long long)o->shm_rss; break;
	case SL_F_SHM_SWP: *v = (long long)o->shm_swp; break;
	case SL_F_SWAP_ATTEMPTS: *v = (long long)o->swap_attempts; break;
	case SL_F_SWAP_SUCCESSES: *v = (long long)o->swap_successes; break;
	default: return -1;
	}
	return 0;
}

int sl_observed_field(const struct sl_trace_entry *e, enum sl_field f, long long arg, long long *v)
{
	switch (e->obs_kind) {
	case SL_OBS_SEGMENT: return segment_field(&e->obs.seg, f, v);
	case SL_OBS_NAMESPACE: return namespace_field(&e->obs.ns, f, v);
	case SL_OBS_MAPS: return maps_field(&e->obs.maps, f, arg, v);
	case SL_OBS_PROCESS: return process_field(&e->obs.proc, f, arg, v);
	case SL_OBS_SHMCTL: return shmctl_field(&e->obs.shmctl, f, v);
	default: return -1;
	}
}

static int is_flag(enum sl_field f)
{
	return f == SL_F_GONE || f == SL_F_EXISTS || f == SL_F_DEST || f == SL_F_LOCKED || f == SL_F_IPCS_DEST ||
	       f == SL_F_ALIVE || f == SL_F_DEAD;
}

void sl_observed_format(enum sl_field f, long long v, char *buf, size_t len)
{
	const char *name = sl_field_name(f);
	if (is_flag(f))
		snprintf(buf, len, "%s%s", v ? "" : "!", name);
	else if (f == SL_F_KEY || f == SL_F_IPCS_KEY || f == SL_F_MAPPED_KEY)
		snprintf(buf, len, "%s=0x%08x", name, (unsigned)(int32_t)v);
	else if (f == SL_F_PERMS || f == SL_F_UMASK)
		snprintf(buf, len, "%s=%04llo", name, v);
	else if (f == SL_F_MODE)
		snprintf(buf, len, "%s=0%llo", name, v);
	else if (f == SL_F_KILLED_BY)
		snprintf(buf, len, "%s=%s", name, v ? sl_signal_name((int)v) : "0");
	else if (f == SL_F_DEVTTY_ERRNO)
		snprintf(buf, len, "%s=%s", name, v > 0 ? sl_errno_name((int)v) : "0");
	else if (sl_field_is_u64(f))
		snprintf(buf, len, "%s=%llu", name, (unsigned long long)v);
	else
		snprintf(buf, len, "%s=%lld", name, v);
}
