/* build.c - short builders for scenarios written in C (build.h). */
#include <stdlib.h>
#include <string.h>

#include "shmlife/build.h"

static struct sl_step *op(struct sl_scenario *s, int actor, enum sl_op o, int nargs,
			  struct sl_value a0, struct sl_value a1, struct sl_value a2)
{
	struct sl_step *st = sl_scenario_add_step(s, actor, o);
	if (!st)
		return NULL;
	st->nargs = nargs;
	st->args[0] = a0;
	st->args[1] = a1;
	st->args[2] = a2;
	return st;
}

static const struct sl_value none;

struct sl_step *sl_add_shmget(struct sl_scenario *s, int actor, struct sl_value key, long long size,
			      int flags, int bind)
{
	struct sl_step *st = op(s, actor, SL_OP_SHMGET, 3, key, sl_num(size), sl_num(flags));
	if (st)
		st->bind = bind;
	return st;
}

struct sl_step *sl_add_shmat(struct sl_scenario *s, int actor, int seg_slot, int flags, int bind)
{
	struct sl_step *st = op(s, actor, SL_OP_SHMAT, 2, sl_slot(seg_slot), sl_num(flags), none);
	if (st)
		st->bind = bind;
	return st;
}

struct sl_step *sl_add_shmdt(struct sl_scenario *s, int actor, int addr_slot)
{
	return op(s, actor, SL_OP_SHMDT, 1, sl_slot(addr_slot), none, none);
}

struct sl_step *sl_add_shmctl(struct sl_scenario *s, int actor, int seg_slot, int cmd)
{
	return op(s, actor, SL_OP_SHMCTL, 2, sl_slot(seg_slot), sl_num(cmd), none);
}

static struct sl_step *with_bytes(struct sl_step *st, const void *bytes, size_t n)
{
	if (!st)
		return NULL;
	st->bytes = malloc(n ? n : 1);
	if (!st->bytes)
		return NULL;
	memcpy(st->bytes, bytes, n);
	st->nbytes = n;
	return st;
}

struct sl_step *sl_add_write(struct sl_scenario *s, int actor, int addr_slot, long long offset,
			     const void *bytes, size_t n)
{
	return with_bytes(op(s, actor, SL_OP_WRITE, 2, sl_slot(addr_slot), sl_num(offset), none), bytes, n);
}

struct sl_step *sl_add_read(struct sl_scenario *s, int actor, int addr_slot, long long offset,
			    const void *expected, size_t n)
{
	return with_bytes(op(s, actor, SL_OP_READ, 2, sl_slot(addr_slot), sl_num(offset), none), expected, n);
}

struct sl_step *sl_add_fork(struct sl_scenario *s, int actor, const char *child, int *child_actor)
{
	int idx = sl_scenario_add_actor(s, child);
	if (idx < 0)
		return NULL;
	s->actors[idx].spawned = 1;
	struct sl_step *st = op(s, actor, SL_OP_FORK, 0, none, none, none);
	if (!st)
		return NULL;
	st->new_actor = idx;
	if (child_actor)
		*child_actor = idx;
	return st;
}

struct sl_step *sl_add_exit(struct sl_scenario *s, int actor, int status)
{
	struct sl_step *st = op(s, actor, SL_OP_EXIT, 1, sl_num(status), none, none);
	if (st) {
		st->outcome.kind = SL_EXPECT_EXITS;
		st->outcome.status = status;
	}
	return st;
}

struct sl_step *sl_add_crash(struct sl_scenario *s, int actor, int sig)
{
	struct sl_step *st = op(s, actor, SL_OP_CRASH, 1, sl_num(sig), none, none);
	if (st)
		sl_step_expect_signal(st, sig);
	return st;
}

static char **copy_strv(const char *const v[])
{
	size_t n = 0;
	while (v[n])
		n++;
	char **c = calloc(n + 1, sizeof(char *));
	for (size_t i = 0; c && i < n; i++)
		if (!(c[i] = strdup(v[i]))) {
			for (size_t k = 0; k < i; k++)
				free(c[k]);
			free(c);
			return NULL;
		}
	return c;
}

struct sl_step *sl_add_exec(struct sl_scenario *s, int actor, const char *const argv[])
{
	struct sl_step *st = op(s, actor, SL_OP_EXEC, 0, none, none, none);
	if (st && !(st->argv = copy_strv(argv)))
		return NULL;
	return st;
}

struct sl_step *sl_add_sysctl(struct sl_scenario *s, const char *name, const char *value)
{
	struct sl_step *st = op(s, SL_CONDUCTOR, SL_OP_SYSCTL, 0, none, none, none);
	if (!st)
		return NULL;
	st->str = strdup(name);
	st->str2 = strdup(value);
	return st->str && st->str2 ? st : NULL;
}

struct sl_step *sl_add_expect(struct sl_scenario *s, enum sl_target_kind target, struct sl_value subject)
{
	struct sl_step *st = op(s, SL_CONDUCTOR, SL_OP_EXPECT, 0, none, none, none);
	if (st) {
		st->target = target;
		st->subject = subject;
	}
	return st;
}
