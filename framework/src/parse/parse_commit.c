/* parse_commit.c - a line's pending steps (struct slp_pline) committed to
 * the scenario: bound names become slots, a fork's child an actor, the
 * line's text kept for reports; or, after an error, the line's names
 * poisoned so that later lines do not report them again.  Used by the step
 * grammar (parse_step.c) and the line loop (parse_script.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_diag.h"
#include "parse_internal.h"

void slp_pline_reset(struct slp_parser *p)
{
	for (int i = 0; i < p->pl.npre; i++)
		slp_pstep_free(&p->pl.pre[i]);
	if (p->pl.has_main)
		slp_pstep_free(&p->pl.main);
	memset(&p->pl, 0, sizeof(p->pl));
}

/* ---- committing a line's steps --------------------------------------------- */

static char *member_name(const char *base, int index)
{
	size_t n = strlen(base) + 16;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s[%d]", base, index);
	return s;
}

/* The fork's child becomes an actor: `kid`, or kid[i] in a group step; so
 * does the process a `find` names, as a found actor. */
static int bind_child(struct slp_parser *p, struct slp_pstep *ps)
{
	char *name = p->m.expanded ? member_name(ps->bind, p->m.index) : strdup(ps->bind);
	if (!name)
		return slp_oom(p);
	int a = slp_add_actor(p, name, ps->bind_col);
	free(name);
	if (a < 0)
		return -1;
	p->s->actors[a].spawned = 1;
	p->s->actors[a].found = ps->st.op == SL_OP_FIND;
	struct slp_sym *s;
	if (!p->m.expanded) {
		if (!(s = slp_sym_add(&p->names, ps->bind, SYM_ACTOR, p->ln.lineno)))
			return slp_oom(p);
		s->index = a;
	} else if (p->m.index == 0) {
		if (!(s = slp_sym_add(&p->names, ps->bind, SYM_GROUP, p->ln.lineno)))
			return slp_oom(p);
		s->index = a;
		s->count = p->m.count;
		p->ai[a].count = p->m.count;
		p->ai[a].parent_group = p->m.group;
	} else {
		s = slp_sym_find(&p->names, ps->bind);
		if (!s || s->kind != SYM_GROUP)
			return slp_quiet_fail(p);
		p->s->actors[a].group = s->index;
		p->ai[a].count = p->m.count;
	}
	ps->st.new_actor = a;
	return 0;
}

/* The name after '->' becomes a slot: `a`, or a[i] in a group step. */
static int bind_slot(struct slp_parser *p, struct slp_pstep *ps)
{
	char *name = p->m.expanded ? member_name(ps->bind, p->m.index) : strdup(ps->bind);
	if (!name)
		return slp_oom(p);
	int slot = slp_add_slot(p, name);
	free(name);
	if (slot < 0)
		return -1;
	struct slp_sym *s;
	if (!p->m.expanded) {
		if (!(s = slp_sym_add(&p->names, ps->bind, SYM_SLOT, p->ln.lineno)))
			return slp_oom(p);
		s->index = slot;
	} else {
		if (p->m.index == 0) {
			int *slots = malloc((size_t)p->m.count * sizeof(int));
			if (!slots)
				return slp_oom(p);
			for (int i = 0; i < p->m.count; i++)
				slots[i] = -1;
			if (!(s = slp_sym_add(&p->names, ps->bind, SYM_GROUP_SLOT, p->ln.lineno))) {
				free(slots);
				return slp_oom(p);
			}
			s->slots = slots;
			s->count = p->m.count;
			s->group = p->m.group;
		} else {
			s = slp_sym_find(&p->names, ps->bind);
			if (!s || s->kind != SYM_GROUP_SLOT || p->m.index >= s->count)
				return slp_quiet_fail(p);
		}
		s->slots[p->m.index] = slot;
	}
	ps->st.bind = slot;
	return 0;
}

/* The line as written, without surrounding blanks and comment. */
static char *line_text(const struct slp_line *l)
{
	if (l->ntok < 2)
		return strdup("");
	const struct slp_token *first = &l->tok[0], *last = &l->tok[l->ntok - 2];
	size_t start = (size_t)first->col - 1, end = (size_t)(last->col - 1 + last->len);
	return strndup(l->src + start, end - start);
}

static int commit_one(struct slp_parser *p, struct slp_pstep *ps)
{
	if (p->s->nsteps >= SLP_MAX_STEPS) {
		if (p->limit_reported) {
			p->errors++;
			return -1;
		}
		p->limit_reported = 1;
		return slp_error(p, p->ln.tok[0].col, "too many steps (the limit is %d)", SLP_MAX_STEPS);
	}
	if (ps->bind && (ps->st.op == SL_OP_FORK || ps->st.op == SL_OP_FIND)) {
		if (bind_child(p, ps))
			return -1;
	} else if (ps->bind) {
		if (bind_slot(p, ps))
			return -1;
	}
	if (ps->st.bind >= 0)
		p->slot_step[ps->st.bind] = p->s->nsteps;
	char *text = line_text(&p->ln);
	if (!text)
		return slp_oom(p);
	struct sl_step *dst = sl_scenario_add_step(p->s, ps->st.actor, ps->st.op);
	if (!dst) {
		free(text);
		return slp_oom(p);
	}
	*dst = ps->st;
	dst->text = text;
	memset(&ps->st, 0, sizeof(ps->st));
	return 0;
}

int slp_commit(struct slp_parser *p)
{
	int rc = 0;
	for (int i = 0; i < p->pl.npre && !rc; i++)
		rc = commit_one(p, &p->pl.pre[i]);
	if (!rc && p->pl.has_main)
		rc = commit_one(p, &p->pl.main);
	slp_pline_reset(p);
	return rc;
}

/* After an error in a step line: the names it would have bound must not
 * cause more errors on later lines.  A bound name becomes a slot all the
 * same (the scenario is discarded anyway); a fork's child (or a found
 * process) is poisoned, so that lines of that actor are skipped quietly. */
void slp_poison_line(struct slp_parser *p)
{
	slp_pline_reset(p);
	int fork = 0;
	for (int i = 0; i + 1 < p->ln.ntok; i++) {
		const struct slp_token *t = &p->ln.tok[i], *n = &p->ln.tok[i + 1];
		fork |= slp_is_word(t, "fork") || slp_is_word(t, "find");
		if (t->kind != TK_ARROW || n->kind != TK_WORD || slp_sym_find(&p->names, n->text))
			continue;
		int slot = fork ? -1 : slp_add_slot(p, n->text);
		struct slp_sym *s = slp_sym_add(&p->names, n->text, slot < 0 ? SYM_POISON : SYM_SLOT,
						p->ln.lineno);
		if (s)
			s->index = slot;
	}
}
