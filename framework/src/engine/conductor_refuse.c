/* conductor_refuse.c - a step that cannot be performed as written, because
 * what it is about is not there: an actor without a process (never born,
 * or ended as the target of a kill), or a name without a value (the step
 * that binds it did not succeed: a run that keeps going goes on after it,
 * explore crashes an actor before it).  No pid 0 (kill(0) is the whole
 * process group) or -1 ever reaches the kernel or a comparison: a name's
 * -1 made `expect seg gone` pass of no segment at all, and a failed ftok's
 * -1 was a key a shmget used. */
#define _GNU_SOURCE
#include <string.h>

#include "conductor.h"
#include "util.h"

static int is_actor_value(const struct conductor *c, const struct sl_value *v)
{
	return v->kind == SL_VAL_ACTOR && v->actor >= 0 && v->actor < c->s->nactors;
}

/* An actor the step names (in an argument, its outcome, the subject or a
 * predicate of an expectation) that has no process to name: never born, or
 * ended as the target of a kill (its pid names no process, or a zombie, or,
 * once reaped, whatever process gets the number next).  An ended actor's
 * pid stays a valid value otherwise: the id of a process group or session
 * it led (setpgid 0 lead), the cpid of a segment.  Its index, or -1. */
static int actor_without_process(struct conductor *c, const struct sl_step *st)
{
	if (st->op == SL_OP_KILL && st->nargs > 0 && is_actor_value(c, &st->args[0])) {
		conductor_poll_ends(c); /* the kernel's word, not the last one heard */
		if (c->actors[st->args[0].actor].state == ACTOR_ENDED)
			return st->args[0].actor;
	}
	for (int k = 0; k < st->nargs; k++)
		if (is_actor_value(c, &st->args[k]) && c->actors[st->args[k].actor].state == ACTOR_UNBORN)
			return st->args[k].actor;
	if (st->outcome.has_value && is_actor_value(c, &st->outcome.value) &&
	    c->actors[st->outcome.value.actor].state == ACTOR_UNBORN)
		return st->outcome.value.actor;
	if (st->op != SL_OP_EXPECT)
		return -1;
	if ((st->target == SL_TARGET_PROCESS || st->target == SL_TARGET_MAPS) && st->subject.actor >= 0 &&
	    st->subject.actor < c->s->nactors && c->actors[st->subject.actor].state == ACTOR_UNBORN)
		return st->subject.actor;
	for (int k = 0; k < st->npreds; k++)
		if (is_actor_value(c, &st->preds[k].value) && c->actors[st->preds[k].value.actor].state == ACTOR_UNBORN)
			return st->preds[k].value.actor;
	return -1;
}

int conductor_refuse_what_is_not_there(struct conductor *c, const struct sl_step *st, struct sl_trace_entry *e)
{
	int idx = actor_without_process(c, st), own = st->actor < 0 || c->actors[st->actor].state == ACTOR_RUNNING;
	int slot = idx < 0 && own ? conductor_unbound_name(c, st) : -1; /* else actor_cannot() says why */
	if (idx < 0 && slot < 0)
		return 0;
	e->verdict = c->s->keep_going && slot < 0 ? SL_SKIP : SL_FAIL;
	if (slot >= 0 && strchr(c->s->slots[slot], '#')) /* ftok(...)'s hidden step's */
		sl_setf(e->detail, sizeof(e->detail), "the key of ftok() has no value now (its ftok failed)");
	else if (slot >= 0)
		sl_setf(e->detail, sizeof(e->detail), "%s has no value now (the step that binds it did not succeed)",
			 c->s->slots[slot]);
	else if (c->actors[idx].state == ACTOR_UNBORN)
		sl_setf(e->detail, sizeof(e->detail), "actor %s was never born: it has no pid for this step",
			 conductor_actor_name(c, idx));
	else
		sl_setf(e->detail, sizeof(e->detail),
			 "actor %s has ended (it was pid %d): there is no process to signal",
			 conductor_actor_name(c, idx), (int)c->actors[idx].pid);
	return 1;
}
