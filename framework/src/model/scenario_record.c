/* scenario_record.c - a scenario written as a versioned record of bytes
 * (scenario_record.h): every field of scenario.h, in its order.  Reading it
 * back is scenario_record_read.c's.  Pure data: no system call. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_record.h"

/* A field added to one of these structs must be written below and read in
 * scenario_record_read.c: these sizes (x86-64) make the build say so. */
#if defined(__x86_64__) && defined(__LP64__)
_Static_assert(sizeof(struct sl_value) == 24, "sl_value changed: update scenario_record.c and scenario_record_read.c");
_Static_assert(sizeof(struct sl_outcome_spec) == 80, "sl_outcome_spec changed: update scenario_record.c and scenario_record_read.c");
_Static_assert(sizeof(struct sl_predicate) == 56, "sl_predicate changed: update scenario_record.c and scenario_record_read.c");
_Static_assert(sizeof(struct sl_fault) == 40, "sl_fault changed: update scenario_record.c and scenario_record_read.c");
_Static_assert(sizeof(struct sl_subst) == 88, "sl_subst changed: update scenario_record.c and scenario_record_read.c");
_Static_assert(sizeof(struct sl_find_filter) == 56, "sl_find_filter changed: update scenario_record.c and scenario_record_read.c");
_Static_assert(sizeof(struct sl_step) == 424, "sl_step changed: update scenario_record.c and scenario_record_read.c");
_Static_assert(sizeof(struct sl_actor_def) == 72, "sl_actor_def changed: update scenario_record.c and scenario_record_read.c");
_Static_assert(sizeof(struct sl_claim) == 40, "sl_claim changed: update scenario_record.c and scenario_record_read.c");
_Static_assert(sizeof(struct sl_scenario) == 200, "sl_scenario changed: update scenario_record.c and scenario_record_read.c");
#endif

/* ---- writing ---------------------------------------------------------------- */

struct out {
	char *buf;
	size_t len, cap;
	int oom;
};

static void put_mem(struct out *o, const void *p, size_t n)
{
	if (o->oom)
		return;
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		while (cap < o->len + n)
			cap *= 2;
		char *b = realloc(o->buf, cap);
		if (!b) {
			o->oom = 1;
			return;
		}
		o->buf = b;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static void put_int(struct out *o, long long v)
{
	unsigned char b[8];
	uint64_t u = (uint64_t)v;
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(u >> (8 * i));
	put_mem(o, b, sizeof(b));
}

/* A length (-1: NULL) and the bytes. */
static void put_bytes(struct out *o, const void *p, size_t n)
{
	put_int(o, p ? (long long)n : -1);
	if (p)
		put_mem(o, p, n);
}

static void put_str(struct out *o, const char *s)
{
	put_bytes(o, s, s ? strlen(s) : 0);
}

/* A NULL-terminated vector: its count (-1: NULL) and each string. */
static void put_strv(struct out *o, char *const *v)
{
	long long n = 0;
	while (v && v[n])
		n++;
	put_int(o, v ? n : -1);
	for (long long i = 0; i < n; i++)
		put_str(o, v[i]);
}

static void put_value(struct out *o, const struct sl_value *v)
{
	put_int(o, v->kind);
	put_int(o, v->num);
	put_int(o, v->slot);
	put_int(o, v->actor);
}

static void put_outcome(struct out *o, const struct sl_outcome_spec *e)
{
	put_int(o, e->kind);
	for (int i = 0; i < SL_MAX_ERRNOS; i++)
		put_int(o, e->errnos[i]);
	put_int(o, e->n_errnos);
	put_int(o, e->signal);
	put_int(o, e->status);
	put_int(o, e->has_value);
	put_value(o, &e->value);
}

static void put_step(struct out *o, const struct sl_step *st)
{
	put_int(o, st->op);
	put_int(o, st->actor);
	for (int i = 0; i < SL_MAX_ARGS; i++)
		put_value(o, &st->args[i]);
	put_int(o, st->nargs);
	put_str(o, st->str);
	put_str(o, st->str2);
	put_bytes(o, st->bytes, st->nbytes);
	put_strv(o, st->argv);
	put_strv(o, st->envp);
	put_int(o, st->bind);
	put_int(o, st->new_actor);
	put_outcome(o, &st->outcome);
	put_int(o, st->target);
	put_value(o, &st->subject);
	put_int(o, st->npreds);
	for (int i = 0; i < st->npreds; i++) {
		const struct sl_predicate *p = &st->preds[i];
		put_int(o, p->field);
		put_int(o, p->cmp);
		put_int(o, p->negated);
		put_value(o, &p->value);
		put_str(o, p->str);
		put_int(o, p->fd);
		put_int(o, p->col);
	}
	put_int(o, st->nfaults);
	for (int i = 0; i < st->nfaults; i++) {
		const struct sl_fault *f = &st->faults[i];
		put_int(o, f->kind);
		put_int(o, f->syscall_nr);
		put_int(o, f->first);
		put_int(o, f->last);
		put_int(o, f->err);
		put_int(o, f->signal);
		put_bytes(o, f->comm, sizeof(f->comm));
	}
	put_int(o, st->claim);
	put_int(o, st->only_libc);
	put_int(o, st->line);
	put_int(o, st->col);
	put_str(o, st->text);
	put_int(o, st->invariant);
	put_int(o, st->nsubsts);
	for (int i = 0; i < st->nsubsts; i++) {
		const struct sl_subst *x = &st->substs[i];
		put_int(o, x->word);
		put_int(o, x->at);
		put_int(o, x->len);
		put_value(o, &x->value);
		put_int(o, x->format);
		put_bytes(o, x->env, sizeof(x->env));
	}
	put_int(o, st->find != NULL);
	if (st->find) {
		put_value(o, &st->find->ppid);
		put_str(o, st->find->exe);
		put_str(o, st->find->args);
		put_str(o, st->find->pidfile);
		put_int(o, st->find->pick);
	}
	put_int(o, st->within_ms);
}

static void put_actor(struct out *o, const struct sl_actor_def *a)
{
	put_str(o, a->name);
	put_int(o, a->group);
	put_int(o, a->spawned);
	put_int(o, a->uid);
	put_int(o, a->gid);
	put_int(o, a->has_ids);
	put_int(o, a->rlimit_as);
	put_int(o, a->rlimit_nofile);
	put_int(o, a->rlimit_memlock);
	put_int(o, a->has_rlimit_memlock);
	put_int(o, a->found);
	put_str(o, a->user);
}

static void put_claim(struct out *o, const struct sl_claim *c)
{
	put_str(o, c->id);
	put_str(o, c->text);
	put_str(o, c->source);
	put_int(o, c->kernel_agrees);
	for (int i = 0; i < SL_LIBC__COUNT; i++)
		put_int(o, c->agrees_with_libc[i]);
}

int sl_scenario_encode(const struct sl_scenario *s, char **rec, size_t *len)
{
	struct out o = { 0 };
	put_mem(&o, SL_SCENARIO_RECORD_MAGIC, 4);
	put_int(&o, SL_SCENARIO_RECORD_VERSION);
	put_str(&o, s->name);
	put_str(&o, s->description);
	put_str(&o, s->file);
	put_int(&o, s->ntags);
	for (int i = 0; i < s->ntags; i++)
		put_str(&o, s->tags[i]);
	put_int(&o, s->needs_root);
	put_int(&o, s->min_kernel_major);
	put_int(&o, s->min_kernel_minor);
	put_int(&o, s->nprograms);
	for (int i = 0; i < s->nprograms; i++) { /* "NAME\0PACKAGE" */
		put_str(&o, s->programs[i]);
		put_str(&o, s->programs[i] + strlen(s->programs[i]) + 1);
	}
	put_int(&o, s->nrequires);
	for (int i = 0; i < s->nrequires; i++) {
		put_str(&o, s->requires[i].name);
		put_str(&o, s->requires[i].value);
	}
	put_int(&o, s->terminal);
	put_int(&o, s->host_network);
	put_int(&o, s->nsysctls);
	for (int i = 0; i < s->nsysctls; i++) {
		put_str(&o, s->sysctls[i].name);
		put_str(&o, s->sysctls[i].value);
	}
	put_int(&o, s->nactors);
	for (int i = 0; i < s->nactors; i++)
		put_actor(&o, &s->actors[i]);
	put_int(&o, s->nsteps);
	for (int i = 0; i < s->nsteps; i++)
		put_step(&o, &s->steps[i]);
	put_int(&o, s->nslots);
	for (int i = 0; i < s->nslots; i++)
		put_str(&o, s->slots[i]);
	put_int(&o, s->nclaims);
	for (int i = 0; i < s->nclaims; i++)
		put_claim(&o, &s->claims[i]);
	put_int(&o, s->ninvariants);
	for (int i = 0; i < s->ninvariants; i++) {
		put_str(&o, s->invariants[i].name);
		put_step(&o, s->invariants[i].expect);
	}
	put_int(&o, s->leak_expected);
	put_int(&o, s->timeout_ms);
	put_int(&o, s->line);
	put_int(&o, s->keep_going);
	put_mem(&o, SL_SCENARIO_RECORD_TRAILER, 4);
	if (o.oom) {
		free(o.buf);
		*rec = NULL;
		errno = ENOMEM;
		return -1;
	}
	*rec = o.buf;
	*len = o.len;
	return 0;
}
