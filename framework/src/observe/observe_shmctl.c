/* observe_shmctl.c - what a shmctl call fills in, as a record (struct
 * sl_shmctl_obs): the actor's own call through its C library is turned
 * into one (observe_shmctl_fill), the kernel's answer to the same question
 * is read by the raw system call (observe_shmctl_kernel), and the two are
 * compared field by field (observe_shmctl_compare): a libc that rewrites
 * what the kernel said is seen where it lies, in the caller only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "observe_raw.h"
#include "shmlife/observe.h"
#include "shmlife/observed.h"
#include "util.h"

void observe_shmctl_fill(struct sl_shmctl_obs *o, int cmd, int id, long long ret, const void *buf)
{
	memset(o, 0, sizeof(*o));
	o->kind = sl_shmctl_kind(cmd);
	o->cmd = cmd;
	o->id = id;
	o->ret = ret;
	if (o->kind == SL_SHMCTL_STAT) {
		const struct shmid_ds *ds = buf;
		struct sl_segment_view *v = &o->stat;
		v->present = 1;
		v->shmid = cmd == IPC_STAT ? id : (int)ret; /* SHM_STAT*: the id of the index */
		v->key = (int32_t)ds->shm_perm.__key;
		v->mode = ds->shm_perm.mode;
		v->size = (uint64_t)ds->shm_segsz;
		v->cpid = ds->shm_cpid;
		v->lpid = ds->shm_lpid;
		v->nattch = (uint64_t)ds->shm_nattch;
		v->uid = ds->shm_perm.uid;
		v->gid = ds->shm_perm.gid;
		v->cuid = ds->shm_perm.cuid;
		v->cgid = ds->shm_perm.cgid;
		v->atime = ds->shm_atime;
		v->dtime = ds->shm_dtime;
		v->ctime = ds->shm_ctime;
	} else if (o->kind == SL_SHMCTL_IPC_INFO) {
		const struct shminfo *in = buf;
		o->shmmax = in->shmmax;
		o->shmmin = in->shmmin;
		o->shmmni = in->shmmni;
		o->shmseg = in->shmseg;
		o->shmall = in->shmall;
	} else if (o->kind == SL_SHMCTL_SHM_INFO) {
		const struct shm_info *in = buf;
		o->used_ids = (uint64_t)(unsigned)in->used_ids;
		o->shm_tot = in->shm_tot;
		o->shm_rss = in->shm_rss;
		o->shm_swp = in->shm_swp;
		o->swap_attempts = in->swap_attempts;
		o->swap_successes = in->swap_successes;
	}
}

int observe_shmctl_kernel(int cmd, int id, struct sl_shmctl_obs *out)
{
	union sl_shmctl_buf buf;
	memset(&buf, 0, sizeof(buf));
	if (sl_shmctl_kind(cmd) == SL_SHMCTL_NONE) {
		errno = EINVAL;
		return -1;
	}
	int ret = sl_raw_shmctl(id, cmd, &buf.ds);
	if (ret < 0)
		return -1;
	observe_shmctl_fill(out, cmd, id, ret, &buf);
	return 0;
}

static void differ(char *buf, size_t len, int *n, const char *name, unsigned long long libc, unsigned long long kernel,
		   int hex)
{
	if (libc == kernel)
		return;
	if (hex)
		sl_appendf(buf, len, "%s%s: libc says 0x%08llx, kernel says 0x%08llx", *n ? "; " : "", name, libc,
			   kernel);
	else
		sl_appendf(buf, len, "%s%s: libc says %lld, kernel says %lld", *n ? "; " : "", name, (long long)libc,
			   (long long)kernel);
	(*n)++;
}

int observe_shmctl_compare(const struct sl_shmctl_obs *libc, const struct sl_shmctl_obs *kernel, char *buf,
			   size_t len)
{
	int n = 0;
	buf[0] = '\0';
	if (libc->kind != kernel->kind)
		return 0;
	differ(buf, len, &n, "returned", (unsigned long long)libc->ret, (unsigned long long)kernel->ret, 0);
	if (libc->kind == SL_SHMCTL_STAT) {
		const struct sl_segment_view *a = &libc->stat, *b = &kernel->stat;
		differ(buf, len, &n, "key", (uint32_t)a->key, (uint32_t)b->key, 1);
		differ(buf, len, &n, "size", a->size, b->size, 0);
		differ(buf, len, &n, "nattch", a->nattch, b->nattch, 0);
		if (a->mode != b->mode)
			sl_appendf(buf, len, "%smode: libc says 0%o, kernel says 0%o", n++ ? "; " : "", a->mode, b->mode);
		differ(buf, len, &n, "cpid", (unsigned)a->cpid, (unsigned)b->cpid, 0);
		differ(buf, len, &n, "lpid", (unsigned)a->lpid, (unsigned)b->lpid, 0);
		differ(buf, len, &n, "uid", a->uid, b->uid, 0);
		differ(buf, len, &n, "gid", a->gid, b->gid, 0);
		differ(buf, len, &n, "cuid", a->cuid, b->cuid, 0);
		differ(buf, len, &n, "cgid", a->cgid, b->cgid, 0);
		differ(buf, len, &n, "atime", (unsigned long long)a->atime, (unsigned long long)b->atime, 0);
		differ(buf, len, &n, "dtime", (unsigned long long)a->dtime, (unsigned long long)b->dtime, 0);
		differ(buf, len, &n, "ctime", (unsigned long long)a->ctime, (unsigned long long)b->ctime, 0);
	} else if (libc->kind == SL_SHMCTL_IPC_INFO) {
		differ(buf, len, &n, "shmmax", libc->shmmax, kernel->shmmax, 0);
		differ(buf, len, &n, "shmmin", libc->shmmin, kernel->shmmin, 0);
		differ(buf, len, &n, "shmmni", libc->shmmni, kernel->shmmni, 0);
		differ(buf, len, &n, "shmseg", libc->shmseg, kernel->shmseg, 0);
		differ(buf, len, &n, "shmall", libc->shmall, kernel->shmall, 0);
	} else if (libc->kind == SL_SHMCTL_SHM_INFO) {
		/* shm_rss and shm_swp move with any process's page faults: not compared */
		differ(buf, len, &n, "used_ids", libc->used_ids, kernel->used_ids, 0);
		differ(buf, len, &n, "shm_tot", libc->shm_tot, kernel->shm_tot, 0);
		differ(buf, len, &n, "swap_attempts", libc->swap_attempts, kernel->swap_attempts, 0);
		differ(buf, len, &n, "swap_successes", libc->swap_successes, kernel->swap_successes, 0);
	}
	return n;
}
