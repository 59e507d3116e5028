/* parse_refs.c - names in values: a name bound by an earlier step (`seg`,
 * `a`), an actor or a member of a group (`workers[3]`), resolved against the
 * symbol table as the script is read, with the errors that say what the
 * name is not (unknown, not bound yet, bound only on some paths, an index
 * out of range) and what it might have been. */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_internal.h"

/* ---- names ------------------------------------------------------------- */

int slp_parse_ref(struct slp_parser *p, struct slp_ref *r)
{
	memset(r, 0, sizeof(*r));
	r->tok = slp_next(p);
	const struct slp_token *b = slp_peek(p);
	if (b->kind != TK_LBRACK || b->spaced || slp_is_word(slp_peek_at(p, 1), "claim") ||
	    slp_is_word(slp_peek_at(p, 1), "libc"))
		return 0;
	slp_next(p);
	const struct slp_token *n = slp_peek(p);
	if (n->kind != TK_WORD || !slp_is_number_word(n->text))
		return slp_expected(p, "an index");
	int dec, rc = slp_number(n->text, &r->index, &dec);
	if (rc)
		return slp_number_error(p, n, rc);
	r->has_index = 1;
	r->index_col = n->col;
	slp_next(p);
	if (slp_peek(p)->kind != TK_RBRACK)
		return slp_expected(p, "']'");
	slp_next(p);
	return 0;
}

/* The name of a group, from the name of its first member "workers[0]". */
static int group_name_len(const struct slp_parser *p, int first)
{
	const char *n = p->s->actors[first].name;
	return (int)strcspn(n, "[");
}

/* 1 if the line's member context is group `first`, or a group forked from it. */
static int in_lineage(const struct slp_parser *p, int first)
{
	if (p->m.group < 0)
		return 0;
	for (int g = p->m.group; g >= 0; g = p->ai[g].parent_group)
		if (g == first)
			return 1;
	return 0;
}

static int index_error(struct slp_parser *p, const struct slp_ref *r, int count)
{
	return slp_error(p, r->index_col, "index %lld is out of range: '%s' has %d member%s (0 to %d)",
			 r->index, r->tok->text, count, count == 1 ? "" : "s", count - 1);
}

static int resolve_actor(struct slp_parser *p, const struct slp_sym *s, const struct slp_ref *r,
			 int *actor)
{
	if (s->kind == SYM_ACTOR) {
		if (r->has_index)
			return slp_error(p, r->index_col, "'%s' is not a group; it has no members",
					 r->tok->text);
		*actor = s->index;
		return 0;
	}
	if (r->has_index) {
		if (r->index < 0 || r->index >= s->count)
			return index_error(p, r, s->count);
		*actor = s->index + (int)r->index;
		return 0;
	}
	if (in_lineage(p, s->index) && p->m.index < s->count) {
		*actor = s->index + p->m.index;
		return 0;
	}
	return slp_error(p, r->tok->col, "'%s' is a group of %d actors; name one member, as %s[0]",
			 r->tok->text, s->count, r->tok->text);
}

static int resolve_slot(struct slp_parser *p, const struct slp_sym *s, const struct slp_ref *r,
			int *slot)
{
	if (s->kind == SYM_SLOT) {
		if (r->has_index)
			return slp_error(p, r->index_col, "'%s' holds one value; it takes no index",
					 r->tok->text);
		*slot = s->index;
		return 0;
	}
	int i;
	if (r->has_index) {
		if (r->index < 0 || r->index >= s->count)
			return index_error(p, r, s->count);
		i = (int)r->index;
	} else if (in_lineage(p, s->group) && p->m.index < s->count) {
		i = p->m.index;
	} else {
		int gl = group_name_len(p, s->group);
		const char *g = p->s->actors[s->group].name;
		return slp_error(p, r->tok->col,
				 "'%s' holds one value per member of '%.*s'; write %s[N], or use it in a '%.*s' step",
				 r->tok->text, gl, g, r->tok->text, gl, g);
	}
	if (s->slots[i] < 0)
		return slp_quiet_fail(p);
	*slot = s->slots[i];
	return 0;
}

static int is_constant_like(const char *w)
{
	if (!isupper((unsigned char)w[0]))
		return 0;
	for (const char *c = w; *c; c++)
		if (!isupper((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '_')
			return 0;
	return 1;
}

void slp_report_unknown_name(struct slp_parser *p, const struct slp_token *t, const char *noun,
			     unsigned accept, unsigned cls)
{
	struct slp_suggest sg;
	slp_suggest_init(&sg, t->text);
	for (size_t i = 0; i < p->names.cap; i++) {
		const struct slp_sym *s = &p->names.v[i];
		if (!s->name)
			continue;
		int actor = s->kind == SYM_ACTOR || s->kind == SYM_GROUP;
		int slot = s->kind == SYM_SLOT || s->kind == SYM_GROUP_SLOT;
		if ((actor && (accept & V_ACTOR)) || (slot && (accept & V_SLOT)))
			slp_suggest_add(&sg, s->name);
	}
	if (accept & V_NUM)
		slp_suggest_consts(&sg, cls);
	if (accept & V_AUTO)
		slp_suggest_add(&sg, "auto");
	if (!noun) {
		if ((accept & V_NUM) && is_constant_like(t->text))
			noun = "constant";
		else if ((accept & (V_SLOT | V_ACTOR)) == V_ACTOR)
			noun = "actor";
		else
			noun = "name";
	}
	char show[SLP_SHOW];
	slp_tok_show(t, show, sizeof(show));
	const char *best = slp_suggest_best(&sg);
	if (best)
		slp_report(p, t->col, "unknown %s %s; did you mean '%s'?", noun, show, best);
	else
		slp_report(p, t->col, "unknown %s %s", noun, show);
}

/* A name that is not bound yet: used before a later line binds it? */
static int unbound_name(struct slp_parser *p, const struct slp_token *t, const char *noun,
			unsigned accept, unsigned cls)
{
	const struct slp_sym *f = slp_sym_find(&p->future, t->text);
	if (f && f->line >= p->ln.lineno)
		return slp_error(p, t->col, "'%s' is used before it is bound on line %d", t->text,
				 f->line);
	return slp_unknown_name(p, t, noun, accept, cls);
}

int slp_name_value_cls(struct slp_parser *p, unsigned accept, unsigned cls, const char *what,
		       struct sl_value *out)
{
	struct slp_ref r;
	if (slp_parse_ref(p, &r))
		return -1;
	const struct slp_sym *s = slp_sym_find(&p->names, r.tok->text);
	if (!s)
		return unbound_name(p, r.tok, (accept & (V_SLOT | V_ACTOR)) ? NULL : slp_strip_article(what),
				    accept, cls);
	switch (s->kind) {
	case SYM_ACTOR:
	case SYM_GROUP: {
		if (!(accept & V_ACTOR))
			return slp_error(p, r.tok->col, "'%s' is an actor, not %s", r.tok->text, what);
		int a = -1; /* set unless an error is returned (gcc -O3 cannot tell) */
		if (resolve_actor(p, s, &r, &a))
			return -1;
		*out = sl_actor(a);
		return 0;
	}
	case SYM_SLOT:
	case SYM_GROUP_SLOT: {
		if (!(accept & V_SLOT))
			return slp_error(p, r.tok->col, "'%s' is a bound name, not %s", r.tok->text, what);
		int slot = -1; /* likewise */
		if (resolve_slot(p, s, &r, &slot))
			return -1;
		*out = sl_slot(slot);
		return 0;
	}
	default:
		return slp_quiet_fail(p);
	}
}

int slp_text_name_value(struct slp_parser *p, const char *name, int has_index, long long index, int col,
			unsigned accept, struct sl_value *out)
{
	struct slp_token t;
	memset(&t, 0, sizeof(t));
	t.kind = TK_WORD;
	t.col = col;
	t.len = (int)strlen(name);
	t.text = (char *)name;
	t.slen = strlen(name);
	struct slp_ref r = { &t, has_index, index, col };
	const struct slp_sym *s = slp_sym_find(&p->names, name);
	if (!s)
		return unbound_name(p, &t, NULL, accept, 0);
	int k = -1;
	switch (s->kind) {
	case SYM_ACTOR:
	case SYM_GROUP:
		if (resolve_actor(p, s, &r, &k))
			return -1;
		*out = sl_actor(k);
		return 0;
	case SYM_SLOT:
	case SYM_GROUP_SLOT:
		if (resolve_slot(p, s, &r, &k))
			return -1;
		*out = sl_slot(k);
		return 0;
	default:
		return slp_quiet_fail(p);
	}
}

int slp_name_value(struct slp_parser *p, unsigned accept, const char *what, struct sl_value *out)
{
	const struct slp_token *t = slp_peek(p);
	if (t->kind != TK_WORD || slp_is_number_word(t->text))
		return slp_expected(p, what);
	return slp_name_value_cls(p, accept, 0, what, out);
}

int slp_actor_value(struct slp_parser *p, const char *what, int *actor)
{
	const struct slp_token *t = slp_peek(p);
	if (t->kind != TK_WORD)
		return slp_expected(p, what);
	struct sl_value v;
	if (slp_is_number_word(t->text))
		return slp_expected(p, what);
	if (slp_name_value_cls(p, V_ACTOR, 0, what, &v))
		return -1;
	*actor = v.actor;
	return 0;
}
