/* observe_segment.c - one segment as IPC_STAT and /proc/sysvipc/shm report it
 * (observe_segment, observe_segment_brief), the parser of one row of
 * /proc/sysvipc/shm, and the comparison of two views (observe.h).
 *
 * On Linux both views carry SHM_DEST (01000) and SHM_LOCKED (02000) in the
 * mode, so the modes are compared whole.  The two views are read one after
 * the other, not atomically: a process acting on the segment between the two
 * reads can make them differ for a moment, so observe_segment() reads them
 * in rounds until one agrees, and calls a disagreement only one the kernel
 * keeps through every round.
 *
 * Both are read with raw system calls (observe_raw.h), never through libc:
 * a libc that lies to the actors lies to the conductor too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "observe_raw.h"
#include "shmlife/observe.h"

#define SYSVIPC_SHM_PATH "/proc/sysvipc/shm"

/* ---- parsing one row of /proc/sysvipc/shm -------------------------------- */

/* Reads one unsigned number in `base` at *p (after blanks), ending at a blank
 * or the end of the text.  0 and *p past it on success, -1 if there is none. */
static int next_u64(const char **p, int base, uint64_t *out)
{
	const char *s = *p;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s < '0' || *s > '9')
		return -1; /* no sign, no blank: strtoull would accept both */
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, base);
	if (errno || end == s)
		return -1;
	if (*end != '\0' && *end != ' ' && *end != '\t' && *end != '\n')
		return -1;
	*out = v;
	*p = end;
	return 0;
}

/* The same for a signed number between lo and hi. */
static int next_s64(const char **p, long long lo, long long hi, long long *out)
{
	const char *s = *p;
	while (*s == ' ' || *s == '\t')
		s++;
	const char *digits = (*s == '-') ? s + 1 : s;
	if (*digits < '0' || *digits > '9')
		return -1;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || v < lo || v > hi)
		return -1;
	if (*end != '\0' && *end != ' ' && *end != '\t' && *end != '\n')
		return -1;
	*out = v;
	*p = end;
	return 0;
}

static int next_u32(const char **p, unsigned *out)
{
	uint64_t v;
	if (next_u64(p, 10, &v) || v > UINT_MAX)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int next_time(const char **p, int64_t *out)
{
	uint64_t v; /* printed %llu by the kernel */
	if (next_u64(p, 10, &v) || v > (uint64_t)INT64_MAX)
		return -1;
	*out = (int64_t)v;
	return 0;
}

static int rest_is_blank(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return *p == '\0';
}

/* Columns: key shmid perms size cpid lpid nattch uid gid cuid cgid atime
 * dtime ctime rss swap.  rss and swap (since Linux 4.?) may be missing. */
int sl_parse_sysvipc_shm_line(const char *line, struct sl_segment_view *v)
{
	struct sl_segment_view r;
	long long key, shmid, cpid, lpid;
	uint64_t perms;
	const char *p = line;

	if (!line || !v)
		return -1;
	memset(&r, 0, sizeof(r));
	if (next_s64(&p, INT32_MIN, INT32_MAX, &key) || next_s64(&p, 0, INT_MAX, &shmid) ||
	    next_u64(&p, 8, &perms) || perms > 07777 || next_u64(&p, 10, &r.size) ||
	    next_s64(&p, 0, INT_MAX, &cpid) || next_s64(&p, 0, INT_MAX, &lpid) ||
	    next_u64(&p, 10, &r.nattch) || next_u32(&p, &r.uid) || next_u32(&p, &r.gid) ||
	    next_u32(&p, &r.cuid) || next_u32(&p, &r.cgid) || next_time(&p, &r.atime) ||
	    next_time(&p, &r.dtime) || next_time(&p, &r.ctime))
		return -1;
	if (!rest_is_blank(p) && (next_u64(&p, 10, &r.rss) || next_u64(&p, 10, &r.swap) ||
				  !rest_is_blank(p)))
		return -1;
	r.present = 1;
	r.key = (int32_t)key;
	r.shmid = (int)shmid;
	r.mode = (unsigned)perms;
	r.cpid = (int)cpid;
	r.lpid = (int)lpid;
	*v = r;
	return 0;
}

/* Finds the row of `shmid` in /proc/sysvipc/shm.  0 (v->present says whether
 * it was there), -1 with errno if the file cannot be read. */
static int proc_row(int shmid, struct sl_segment_view *v)
{
	char line[512];

	memset(v, 0, sizeof(*v));
	char *text = sl_raw_read_file(SYSVIPC_SHM_PATH, NULL);
	if (!text)
		return -1;
	const char *pos = text;
	while (sl_raw_next_line(&pos, line, sizeof(line))) {
		struct sl_segment_view row;
		if (sl_parse_sysvipc_shm_line(line, &row) == 0 && row.shmid == shmid) {
			*v = row;
			break;
		}
	}
	free(text);
	return 0;
}

/* ---- IPC_STAT ------------------------------------------------------------- */

static void view_from_stat(int shmid, const struct shmid_ds *ds, struct sl_segment_view *v)
{
	memset(v, 0, sizeof(*v));
	v->present = 1;
	v->shmid = shmid;
	v->key = (int32_t)ds->shm_perm.__key;
	v->mode = (unsigned)ds->shm_perm.mode & 07777u;
	v->size = (uint64_t)ds->shm_segsz;
	v->cpid = (int)ds->shm_cpid;
	v->lpid = (int)ds->shm_lpid;
	v->nattch = (uint64_t)ds->shm_nattch;
	v->uid = (unsigned)ds->shm_perm.uid;
	v->gid = (unsigned)ds->shm_perm.gid;
	v->cuid = (unsigned)ds->shm_perm.cuid;
	v->cgid = (unsigned)ds->shm_perm.cgid;
	v->atime = (int64_t)ds->shm_atime;
	v->dtime = (int64_t)ds->shm_dtime;
	v->ctime = (int64_t)ds->shm_ctime;
}

int observe_segment_brief(int shmid, struct sl_segment_brief *out, struct sl_segment_view *full)
{
	struct shmid_ds ds;

	if (!out) {
		errno = EINVAL;
		return -1;
	}
	memset(out, 0, sizeof(*out));
	out->slot = -1;
	out->shmid = shmid;
	if (full)
		memset(full, 0, sizeof(*full));
	if (sl_raw_shmctl(shmid, IPC_STAT, &ds) == -1)
		return 0; /* gone: present = 0 */
	if (full)
		view_from_stat(shmid, &ds, full);
	out->present = 1;
	out->key = (int32_t)ds.shm_perm.__key;
	out->nattch = (uint64_t)ds.shm_nattch;
	out->dest = (ds.shm_perm.mode & SHM_DEST) != 0;
	return 0;
}

/* IPC_STAT of shmid into v (present = 0 and *err set if it failed). */
static void stat_view(int shmid, struct sl_segment_view *v, int *err)
{
	struct shmid_ds ds;
	*err = 0;
	memset(v, 0, sizeof(*v));
	if (sl_raw_shmctl(shmid, IPC_STAT, &ds) == -1)
		*err = errno;
	else
		view_from_stat(shmid, &ds, v);
}

/* The views are read one after the other, not atomically: a process that
 * attaches or detaches between two reads changes nattch, lpid, atime and
 * dtime (and shmat counts itself twice for a moment: do_shmat() holds an
 * extra nattch while it maps).  So they are read in rounds, the order of the
 * two reads swapped each round, until one round agrees; only views that
 * disagree in every one of SL_SNAPSHOT_ROUNDS rounds are a disagreement the
 * kernel keeps (result.h).  Two rounds alike prove nothing: a process
 * attaching in a loop can keep pace with the rounds. */
int observe_segment(int shmid, struct sl_segment_obs *out)
{
	struct sl_segment_obs cur;

	if (!out) {
		errno = EINVAL;
		return -1;
	}
	for (int round = 0; round < SL_SNAPSHOT_ROUNDS; round++) {
		memset(&cur, 0, sizeof(cur));
		cur.shmid = shmid;
		if (round % 2 == 0)
			stat_view(shmid, &cur.stat, &cur.stat_errno);
		if (proc_row(shmid, &cur.proc) == -1)
			return -1;
		if (round % 2 == 1)
			stat_view(shmid, &cur.stat, &cur.stat_errno);
		cur.disagree = sl_segment_views_differ(&cur.stat, &cur.proc, cur.disagreement,
						       sizeof(cur.disagreement));
		if (!cur.disagree)
			break;
	}
	*out = cur; /* the agreeing round, or the last of those that all disagreed */
	return 0;
}

/* ---- comparing two views -------------------------------------------------- */

/* Appends to a fixed buffer; once it is full, ends it with "..." and drops
 * the rest. */
struct note {
	char *buf;
	size_t len, used;
	int full;
};

static void note_put(struct note *n, const char *text)
{
	if (!n->buf || n->len == 0 || n->full)
		return;
	size_t room = n->len - n->used;
	int w = snprintf(n->buf + n->used, room, "%s%s", n->used ? "; " : "", text);
	if (w < 0) {
		n->buf[n->used] = '\0';
		n->full = 1;
	} else if ((size_t)w >= room) {
		n->full = 1;
		if (n->len >= 4)
			memcpy(n->buf + n->len - 4, "...", 4);
	} else {
		n->used += (size_t)w;
	}
}

static void diff_u(struct note *n, const char *name, uint64_t x, uint64_t y)
{
	char text[96];
	if (x == y)
		return;
	snprintf(text, sizeof(text), "%s: IPC_STAT %" PRIu64 ", /proc %" PRIu64, name, x, y);
	note_put(n, text);
}

static void diff_s(struct note *n, const char *name, int64_t x, int64_t y)
{
	char text[96];
	if (x == y)
		return;
	snprintf(text, sizeof(text), "%s: IPC_STAT %" PRId64 ", /proc %" PRId64, name, x, y);
	note_put(n, text);
}

static void diff_mode(struct note *n, unsigned x, unsigned y)
{
	char text[96];
	if (x == y)
		return;
	snprintf(text, sizeof(text), "mode: IPC_STAT 0%o, /proc 0%o", x, y);
	note_put(n, text);
}

static int same_fields(const struct sl_segment_view *a, const struct sl_segment_view *b)
{
	return a->shmid == b->shmid && a->key == b->key && a->mode == b->mode &&
	       a->size == b->size && a->cpid == b->cpid && a->lpid == b->lpid &&
	       a->nattch == b->nattch && a->uid == b->uid && a->gid == b->gid &&
	       a->cuid == b->cuid && a->cgid == b->cgid && a->atime == b->atime &&
	       a->dtime == b->dtime && a->ctime == b->ctime;
}

/* `a` is written as the IPC_STAT view and `b` as the /proc view.  rss and
 * swap are not compared: only /proc reports them. */
int sl_segment_views_differ(const struct sl_segment_view *a, const struct sl_segment_view *b,
			    char *buf, size_t len)
{
	struct note n = { buf, len, 0, 0 };

	if (buf && len)
		buf[0] = '\0';
	if (!a || !b)
		return 0;
	if (a->present != b->present) {
		char text[48];
		snprintf(text, sizeof(text), "present: IPC_STAT %d, /proc %d", a->present, b->present);
		note_put(&n, text);
		return 1;
	}
	if (!a->present)
		return 0; /* gone from both: they agree */
	if (same_fields(a, b))
		return 0;
	diff_s(&n, "shmid", a->shmid, b->shmid);
	diff_s(&n, "key", a->key, b->key);
	diff_mode(&n, a->mode, b->mode);
	diff_u(&n, "size", a->size, b->size);
	diff_s(&n, "cpid", a->cpid, b->cpid);
	diff_s(&n, "lpid", a->lpid, b->lpid);
	diff_u(&n, "nattch", a->nattch, b->nattch);
	diff_u(&n, "uid", a->uid, b->uid);
	diff_u(&n, "gid", a->gid, b->gid);
	diff_u(&n, "cuid", a->cuid, b->cuid);
	diff_u(&n, "cgid", a->cgid, b->cgid);
	diff_s(&n, "atime", a->atime, b->atime);
	diff_s(&n, "dtime", a->dtime, b->dtime);
	diff_s(&n, "ctime", a->ctime, b->ctime);
	return 1;
}
