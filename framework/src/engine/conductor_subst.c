/* conductor_subst.c - what a value stands for now (conductor_value: a
 * number, a slot's binding, an actor's pid ...), and the values a step puts
 * into its text when it runs:
 * each `{{NAME}}` (struct sl_subst, parsed by parse_ops.c) of an `exec`
 * argument or `env` value, and of an output expectation's text or regex,
 * becomes the value NAME is bound to now (decimal, 0x hex, or a key as
 * ipcs shows it) or the scenario's environment variable; in a regex, put
 * in with its special characters escaped, so that it matches as written.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conductor.h"

/* The number a value stands for now (conductor.h). */
long long conductor_value(const struct conductor *c, const struct sl_value *v)
{
	switch (v->kind) {
	case SL_VAL_NUM: return v->num;
	case SL_VAL_SLOT:
		return v->slot >= 0 && v->slot < c->s->nslots && c->slot_set[v->slot] ? c->slots[v->slot] : -1;
	case SL_VAL_AUTO_KEY: return c->auto_key;
	case SL_VAL_ACTOR:
		return v->actor >= 0 && v->actor < c->s->nactors ? c->actors[v->actor].pid : -1;
	case SL_VAL_STEP_TIME:
		/* Every step a time() names has run: an earlier line, and one of
		 * another libc's actors only is refused by the parser (a time
		 * never taken read 0, and `ctime > time(line N)` passed). */
		assert(v->num < 0 || v->num >= c->s->nsteps || c->step_wall[v->num] != 0);
		return v->num >= 0 && v->num < c->s->nsteps ? c->step_wall[v->num] : -1;
	case SL_VAL_NONE: break;
	}
	return 0;
}

/* The value of a {{NAME}} now, as the program gets it (an environment
 * variable's may be long: the caller's buffer is PATH_MAX). */
static void subst_text(const struct conductor *c, const struct sl_subst *x, char *buf, size_t len)
{
	if (x->env[0]) {
		const char *v = getenv(x->env);
		snprintf(buf, len, "%s", v ? v : "");
		return;
	}
	long long v = conductor_value(c, &x->value);
	if (x->format == SL_SUBST_KEY)
		snprintf(buf, len, "0x%08x", (unsigned)(int32_t)v);
	else if (x->format == SL_SUBST_HEX)
		snprintf(buf, len, "0x%llx", (unsigned long long)v);
	else
		snprintf(buf, len, "%lld", v);
}

/* text with every character special to a POSIX ERE behind a backslash */
static void regex_escape(const char *text, char *buf, size_t len)
{
	size_t n = 0;
	for (const char *t = text; *t && n + 3 <= len; t++) {
		if (strchr("\\^$.[]|()*+?{}", *t))
			buf[n++] = '\\';
		buf[n++] = *t;
	}
	buf[n] = '\0';
}

size_t conductor_put_word(const struct conductor *c, const struct sl_step *st, const char *word, int index, char *w,
			  int escape)
{
	size_t n = 0, from = 0;
	for (int k = 0; k < st->nsubsts; k++) {
		const struct sl_subst *x = &st->substs[k];
		if (x->word != index || x->at < from || x->at + x->len > strlen(word))
			continue;
		char v[4096], e[2 * sizeof(v) + 1];
		subst_text(c, x, v, sizeof(v));
		const char *put = v;
		if (escape) {
			regex_escape(v, e, sizeof(e));
			put = e;
		}
		if (w) {
			memcpy(w + n, word + from, x->at - from);
			memcpy(w + n + (x->at - from), put, strlen(put));
		}
		n += (x->at - from) + strlen(put);
		from = x->at + x->len;
	}
	if (w)
		memcpy(w + n, word + from, strlen(word + from) + 1);
	return n + strlen(word + from);
}

char *conductor_expand(const struct conductor *c, const struct sl_step *st, const char *text, int index, int escape)
{
	size_t n = conductor_put_word(c, st, text, index, NULL, escape);
	char *w = malloc(n + 1);
	if (w)
		conductor_put_word(c, st, text, index, w, escape);
	return w;
}

/* A name (a slot) no step has bound a value to yet. */
static int unbound(const struct conductor *c, const struct sl_value *v)
{
	return v->kind == SL_VAL_SLOT && (v->slot < 0 || v->slot >= c->s->nslots || !c->slot_set[v->slot]);
}

const struct sl_subst *conductor_unbound_subst(const struct conductor *c, const struct sl_step *st, int index)
{
	for (int k = 0; k < st->nsubsts; k++) {
		const struct sl_subst *x = &st->substs[k];
		const struct sl_value *v = &x->value;
		if (index != INT_MIN && x->word != index)
			continue;
		if (unbound(c, v) || (v->kind == SL_VAL_ACTOR && c->actors[v->actor].pid <= 0))
			return x;
	}
	return NULL;
}

int conductor_unbound_name(const struct conductor *c, const struct sl_step *st)
{
	for (int k = 0; k < st->nargs; k++)
		if (unbound(c, &st->args[k]))
			return st->args[k].slot;
	if (st->target != SL_TARGET_RESULT && unbound(c, &st->subject)) /* a result's: expect_result says so */
		return st->subject.slot;
	for (int k = 0; k < st->npreds; k++)
		if (unbound(c, &st->preds[k].value))
			return st->preds[k].value.slot;
	if (st->outcome.has_value && unbound(c, &st->outcome.value))
		return st->outcome.value.slot;
	return -1;
}
