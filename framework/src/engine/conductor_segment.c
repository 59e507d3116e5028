/* conductor_segment.c - the segment a name stands for: its state after each
 * step (the brief the sequence diagrams draw), and what tells it from a
 * later segment given the same id.
 *
 * An id is a segment's only name in the kernel, and a removed segment's id
 * can be handed out again (`sysctl kernel.shm_next_id`, or its sequence
 * number wrapping after 65 536 segments): `expect seg exists size=8192` then
 * passed of another segment, and `expect seg gone` failed.  So when a step
 * binds a name to a segment (shmget, find segment), what IPC_STAT says of it
 * that never changes is kept: its creator's pid, uid and gid, and its size
 * (not its key, which reads 0 once it is marked for removal).  A segment at
 * that id that differs in one of them is another one, and the name's own is
 * gone.  One made again by the same process, with the same size, cannot be
 * told apart: the kernel gives segments nothing else to tell them by. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "conductor.h"
#include "shmlife/observe.h"
#include "util.h"

static int step_segment_slot(const struct conductor *c, const struct sl_step *st)
{
	switch (st->op) {
	case SL_OP_SHMGET:
	case SL_OP_FIND_SEGMENT: return st->bind;
	case SL_OP_SHMAT:
	case SL_OP_SHMCTL: return st->args[0].kind == SL_VAL_SLOT ? st->args[0].slot : -1;
	case SL_OP_SHMDT:
	case SL_OP_WRITE:
	case SL_OP_READ: return st->args[0].kind == SL_VAL_SLOT ? c->slot_segment[st->args[0].slot] : -1;
	case SL_OP_EXPECT:
		return st->target == SL_TARGET_SEGMENT && st->subject.kind == SL_VAL_SLOT ? st->subject.slot : -1;
	default: return -1;
	}
}

/* 1 if the view is of another segment than the one the name was bound to
 * (why says how it differs), else 0. */
static int other_segment(const struct conductor *c, int slot, const struct sl_segment_view *v, char *why, size_t len)
{
	const struct conductor_segment_ident *k = &c->slot_ident[slot];
	if (!k->known || !v->present)
		return 0;
	if (v->cpid == k->cpid && v->cuid == k->cuid && v->cgid == k->cgid && v->size == k->size)
		return 0;
	snprintf(why, len, "id %d names another segment now (size %llu, creator pid %d, cuid %u; %s's: size %llu, creator pid %d, "
		 "cuid %u): %s is gone", v->shmid, (unsigned long long)v->size, v->cpid, v->cuid, c->s->slots[slot],
		 (unsigned long long)k->size, k->cpid, k->cuid, c->s->slots[slot]);
	return 1;
}

void conductor_brief_after(struct conductor *c, const struct sl_step *st, struct sl_trace_entry *e)
{
	int slot = step_segment_slot(c, st);
	if (slot >= 0)
		c->last_segment = slot;
	else
		slot = c->last_segment;
	e->brief.slot = slot;
	if (slot < 0 || !c->slot_set[slot])
		return;
	struct sl_segment_view full;
	char why[200];
	int shmid = (int)c->slots[slot];
	observe_segment_brief(shmid, &e->brief, &full);
	if (st->bind == slot && (st->op == SL_OP_SHMGET || st->op == SL_OP_FIND_SEGMENT) && full.present)
		c->slot_ident[slot] = (struct conductor_segment_ident){ 1, full.cpid, full.cuid, full.cgid, full.size };
	else if (other_segment(c, slot, &full, why, sizeof(why))) {
		memset(&e->brief, 0, sizeof(e->brief)); /* the name's own is gone */
		e->brief.shmid = shmid;
	}
	e->brief.slot = slot;
}

int conductor_segment_replaced(const struct conductor *c, int slot, struct sl_segment_obs *o, char *why, size_t len)
{
	if (slot < 0 || slot >= c->s->nslots ||
	    !other_segment(c, slot, o->stat.present ? &o->stat : &o->proc, why, len))
		return 0;
	int shmid = o->shmid;
	memset(o, 0, sizeof(*o));
	o->shmid = shmid;
	return 1;
}

int conductor_segment_other_now(const struct conductor *c, int slot, char *why, size_t len)
{
	if (slot < 0 || slot >= c->s->nslots || !c->slot_set[slot] || !c->slot_ident[slot].known)
		return 0;
	struct sl_segment_brief brief;
	struct sl_segment_view full;
	observe_segment_brief((int)c->slots[slot], &brief, &full);
	return other_segment(c, slot, &full, why, len);
}
