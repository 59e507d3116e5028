/* model_query.c - what the reference model (model.h) says of an operation
 * without applying it: whether it can be written at this point of a
 * scenario (fz_model_applies: the generator and the shrinker ask), and
 * which segments it may change (fz_model_touched: what is checked after
 * it).  Reads the model; never changes it. */
#include <stdlib.h>

#include "model.h"

/* An address is safe to use after its detach only in the process that had
 * it, and only while that process has attached nothing since: a later shmat
 * may be given the same address (mmap's choice, unspecified). */
static int dangling_safe(const struct fz_proc *p, int att)
{
	return p->had[att] && !p->att[att] && p->detached_at[att] == p->shmats;
}

static int alive(const struct fz_model *m, int proc)
{
	return proc >= 0 && proc < FZ_MAX_PROCS && m->procs[proc].state == FZ_ALIVE;
}

static int ref_bound(const struct fz_model *m, int ref)
{
	return ref >= 0 && ref < FZ_MAX_REFS && m->ref_seg[ref] >= 0;
}

static int att_usable(const struct fz_model *m, const struct fz_op *op)
{
	if (op->att < 0 || op->att >= FZ_MAX_ATTS || m->att_seg[op->att] < 0)
		return 0;
	const struct fz_proc *p = &m->procs[op->proc];
	if (!p->att[op->att] && !dangling_safe(p, op->att))
		return 0;
	if (op->kind == FZ_SHMDT)
		return 1;
	return op->len >= 1 && op->len <= FZ_MAX_DATA && op->offset >= 0 &&
	       op->offset + op->len <= m->segs[m->att_seg[op->att]].size;
}

int fz_model_applies(const struct fz_model *m, const struct fz_op *op)
{
	switch (op->kind) {
	case FZ_CHECK_NS: return 1;
	case FZ_CHECK_PROC:
		return op->proc >= 0 && op->proc < FZ_MAX_PROCS && m->procs[op->proc].state != FZ_UNBORN;
	case FZ_CHECK_SEG: return ref_bound(m, op->ref);
	case FZ_CHECK_SESSION: return alive(m, op->proc);
	default: break;
	}
	if (!alive(m, op->proc))
		return 0;
	switch (op->kind) {
	case FZ_SHMGET: return op->ref >= 0 && op->ref < FZ_MAX_REFS && m->ref_seg[op->ref] < 0;
	case FZ_SHMAT:
		return ref_bound(m, op->ref) && op->att >= 0 && op->att < FZ_MAX_ATTS && m->att_seg[op->att] < 0;
	case FZ_SHMCTL: return ref_bound(m, op->ref);
	case FZ_SHMDT:
	case FZ_WRITE:
	case FZ_READ: return att_usable(m, op);
	case FZ_FORK:
	case FZ_DAEMON:
		return op->target >= 0 && op->target < FZ_MAX_PROCS && m->procs[op->target].state == FZ_UNBORN;
	case FZ_EXIT:
	case FZ_CRASH:
	case FZ_SETSID:
	case FZ_SETPGID:
	case FZ_GETSID: return 1;
	case FZ_FTOK: return op->flags == FZ_FTOK_MISSING || m->nftoks < FZ_MAX_FTOKS;
	case FZ_KILL: return op->target != op->proc && alive(m, op->target);
	default: return 0;
	}
}

static int add_seg(int *segs, int n, int max, int seg)
{
	for (int i = 0; i < n; i++)
		if (segs[i] == seg)
			return n;
	if (n < max)
		segs[n++] = seg;
	return n;
}

int fz_model_touched(const struct fz_model *m, const struct fz_op *op, int *segs, int max)
{
	int n = 0, proc = op->kind == FZ_KILL ? op->target : op->proc;
	switch (op->kind) {
	case FZ_SHMGET:
	case FZ_SHMAT:
	case FZ_SHMCTL:
		return ref_bound(m, op->ref) ? add_seg(segs, 0, max, m->ref_seg[op->ref]) : 0;
	case FZ_SHMDT:
	case FZ_WRITE:
	case FZ_READ:
		n = op->att >= 0 && op->att < FZ_MAX_ATTS && m->att_seg[op->att] >= 0
			    ? add_seg(segs, 0, max, m->att_seg[op->att]) : 0;
		if (op->kind == FZ_SHMDT || op->kind == FZ_READ)
			return n;
		/* a write that kills detaches everything */
		__attribute__((fallthrough));
	case FZ_FORK:
	case FZ_DAEMON:
	case FZ_EXIT:
	case FZ_CRASH:
	case FZ_KILL:
		for (int a = 0; proc >= 0 && proc < FZ_MAX_PROCS && a < FZ_MAX_ATTS; a++)
			if (m->procs[proc].att[a])
				n = add_seg(segs, n, max, m->att_seg[a]);
		/* exit_shm with shm_rmid_forced: what it created may go */
		for (int i = 0; m->sys.rmid_forced && op->kind != FZ_FORK && i < m->nsegs; i++)
			if (m->segs[i].live && m->segs[i].creator_listed && m->segs[i].cpid == proc)
				n = add_seg(segs, n, max, i);
		return n;
	default: return 0;
	}
}
