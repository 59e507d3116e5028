/* invariants.c - a scenario's invariants as data (scenario.h): adding one,
 * and materializing them as steps at the end of the scenario (what `shmlife
 * run` judges; `shmlife explore` judges them after every crash point).
 * Pure data: no system call.  Used by the parser (parse_inject.c) and by
 * the exploration (explore.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "invariants.h"
#include "shmlife/scenario.h"

/* ---- invariants ---------------------------------------------------------------- */

struct sl_step *sl_scenario_add_invariant(struct sl_scenario *s, const char *name, int actor, enum sl_op op)
{
	struct sl_invariant *v = realloc(s->invariants, (size_t)(s->ninvariants + 1) * sizeof(*v));
	if (!v)
		return NULL;
	s->invariants = v;
	struct sl_step *st = calloc(1, sizeof(*st));
	char *n = strdup(name);
	if (!st || !n) {
		free(st);
		free(n);
		return NULL;
	}
	st->op = op;
	st->actor = actor;
	st->bind = SL_NO_SLOT;
	st->new_actor = -1;
	st->claim = -1;
	v[s->ninvariants].name = n;
	v[s->ninvariants].expect = st;
	s->ninvariants++;
	return st;
}

static char *dup_or_null(const char *p, int *oom)
{
	if (!p)
		return NULL;
	char *d = strdup(p);
	if (!d)
		*oom = 1;
	return d;
}

static void *dup_mem(const void *p, size_t n, int *oom)
{
	if (!p)
		return NULL;
	void *d = malloc(n ? n : 1);
	if (!d)
		*oom = 1;
	else
		memcpy(d, p, n);
	return d;
}

static char **dup_strv(char **v, int *oom)
{
	if (!v)
		return NULL;
	size_t n = 0;
	while (v[n])
		n++;
	char **d = calloc(n + 1, sizeof(char *));
	if (!d) {
		*oom = 1;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		d[i] = dup_or_null(v[i], oom);
	return d;
}

/* A deep copy of `from` into `to` (which the scenario then owns). */
static int copy_step(struct sl_step *to, const struct sl_step *from)
{
	int oom = 0;
	*to = *from;
	to->str = dup_or_null(from->str, &oom);
	to->str2 = dup_or_null(from->str2, &oom);
	to->text = dup_or_null(from->text, &oom);
	to->bytes = dup_mem(from->bytes, from->nbytes, &oom);
	to->argv = dup_strv(from->argv, &oom);
	to->envp = dup_strv(from->envp, &oom);
	to->faults = dup_mem(from->faults, (size_t)from->nfaults * sizeof(*from->faults), &oom);
	to->preds = dup_mem(from->preds, (size_t)from->npreds * sizeof(*from->preds), &oom);
	for (int i = 0; to->preds && i < from->npreds; i++)
		to->preds[i].str = dup_or_null(from->preds[i].str, &oom);
	/* the values put into the text (`expect a stdout ~ "{{seg}}"`) and find's
	 * filters are the step's own too: shared, they were freed twice */
	to->substs = dup_mem(from->substs, (size_t)from->nsubsts * sizeof(*from->substs), &oom);
	to->find = dup_mem(from->find, sizeof(*from->find), &oom);
	if (to->find) {
		to->find->exe = dup_or_null(from->find->exe, &oom);
		to->find->args = dup_or_null(from->find->args, &oom);
		to->find->pidfile = dup_or_null(from->find->pidfile, &oom);
	}
	return oom ? -1 : 0;
}

int sl_invariants_materialized(const struct sl_scenario *s)
{
	for (int i = 0; i < s->nsteps; i++)
		if (s->steps[i].invariant)
			return 1;
	return 0;
}

int sl_scenario_materialize_invariants(struct sl_scenario *s)
{
	if (sl_invariants_materialized(s))
		return 0;
	for (int i = 0; i < s->ninvariants; i++) {
		const struct sl_step *inv = s->invariants[i].expect;
		struct sl_step *st = sl_scenario_add_step(s, inv->actor, inv->op);
		if (!st || copy_step(st, inv) < 0)
			return -1;
		st->invariant = i + 1;
	}
	return 0;
}

