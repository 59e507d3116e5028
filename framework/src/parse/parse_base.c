/* parse_base.c - what every part of the grammar shares, below all of them
 * (so that none calls another back): diagnostics at a token, the words of
 * tokens, names (actors, bound slots, what is reserved), a pending step, the
 * headers given once, and the words that end an argument list. */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_diag.h"
#include "parse_internal.h"

/* ---- diagnostics and tokens ---------------------------------------------- */

void slp_report_oom(struct slp_parser *p)
{
	if (p->d)
		p->d->own_failure = 1;
	slp_report(p, 1, "out of memory");
}

void slp_report(struct slp_parser *p, int col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	/* The analyzer loses the va_start above when it inlines this function
	 * into its callers in this file: a known false positive. */
	vsnprintf(msg, sizeof(msg), fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
	va_end(ap);
	p->errors++;
	if (p->errors <= SLP_MAX_ERRORS)
		slp_diag_add(p->d, p->file, p->ln.lineno, col, msg);
	if (p->errors == SLP_MAX_ERRORS)
		slp_diag_addf(p->d, p->file, p->ln.lineno, col, "too many errors (%d); stopping here",
			      SLP_MAX_ERRORS);
}

void slp_report_quiet(struct slp_parser *p)
{
	if (p->errors == 0)
		slp_report(p, 1, "internal error: a name with an error is used");
}

const char *slp_tok_show(const struct slp_token *t, char *buf, size_t len)
{
	if (t->kind == TK_WORD) {
		if (t->len > 40)
			snprintf(buf, len, "'%.40s...'", t->text);
		else
			snprintf(buf, len, "'%s'", t->text);
	} else {
		snprintf(buf, len, "%s", slp_tok_kind_text(t->kind));
	}
	return buf;
}

int slp_is_word(const struct slp_token *t, const char *w)
{
	return t->kind == TK_WORD && strcmp(t->text, w) == 0;
}

void slp_report_expected(struct slp_parser *p, const char *what)
{
	char show[SLP_SHOW];
	const struct slp_token *t = slp_peek(p);
	slp_report(p, t->col, "expected %s, found %s", what, slp_tok_show(t, show, sizeof(show)));
}

/* ---- names --------------------------------------------------------------- */

int slp_valid_name(const char *name)
{
	if (!isalpha((unsigned char)name[0]) && name[0] != '_')
		return 0;
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-')
			return 0;
	return 1;
}

static const char *const reserved_words[] = {
	"scenario", "claim", "expect", "sysctl", "wait", "hangup", "key", "namespace", "maps",
	"not", "fails", "dies", "exits", "any", "returns", "auto", "env", "inject", "time",
	"ftok", "find", "invariant", "keep-going", "terminal", NULL,
};

int slp_is_reserved(const char *name)
{
	for (int i = 0; reserved_words[i]; i++)
		if (strcmp(reserved_words[i], name) == 0)
			return 1;
	return 0;
}

int slp_check_new_name(struct slp_parser *p, const char *name, int col)
{
	if (!slp_valid_name(name))
		return slp_error(p, col,
				 "bad name '%.40s': a name is a letter or '_', then letters, digits, '_' or '-'",
				 name);
	if (slp_is_reserved(name))
		return slp_error(p, col, "'%s' is a reserved word; choose another name", name);
	if (slp_const_by_name(name) || slp_errno_by_name(name) >= 0 ||
	    slp_signal_by_name(name) >= 0)
		return slp_error(p, col, "'%s' is a constant; choose another name", name);
	const struct slp_sym *s = slp_sym_find(&p->names, name);
	if (!s)
		return 0;
	switch (s->kind) {
	case SYM_ACTOR:
	case SYM_GROUP:
		return slp_error(p, col, "'%s' is already an actor (line %d)", name, s->line);
	case SYM_SLOT:
	case SYM_GROUP_SLOT:
		return slp_error(p, col, "'%s' is already bound on line %d", name, s->line);
	default:
		return slp_quiet_fail(p);
	}
}

int slp_add_actor(struct slp_parser *p, const char *name, int col)
{
	if (p->s->nactors >= SLP_MAX_ACTORS)
		return slp_error(p, col, "too many actors (the limit is %d)", SLP_MAX_ACTORS);
	if (p->s->nactors >= p->ai_cap) {
		int ncap = p->ai_cap ? p->ai_cap * 2 : 16;
		struct slp_actor_info *n = realloc(p->ai, (size_t)ncap * sizeof(*n));
		if (!n)
			return slp_oom(p);
		p->ai = n;
		p->ai_cap = ncap;
	}
	int a = sl_scenario_add_actor(p->s, name);
	if (a < 0)
		return slp_oom(p);
	p->ai[a].count = 1;
	p->ai[a].parent_group = -1;
	return a;
}

int slp_add_slot(struct slp_parser *p, const char *name)
{
	if (p->s->nslots >= p->slot_cap) {
		int ncap = p->slot_cap ? p->slot_cap * 2 : 16;
		int *n = realloc(p->slot_step, (size_t)ncap * sizeof(*n));
		if (!n)
			return slp_oom(p);
		p->slot_step = n;
		p->slot_cap = ncap;
	}
	int slot = sl_scenario_add_slot(p->s, name);
	if (slot < 0)
		return slp_oom(p);
	p->slot_step[slot] = -1;
	return slot;
}

void slp_member_of_actor(const struct slp_parser *p, int actor, struct slp_member *m)
{
	int g = p->s->actors[actor].group;
	m->group = g;
	m->index = actor - g;
	m->count = p->ai[g].count;
	m->expanded = 0;
}

/* ---- steps being built ----------------------------------------------------- */

void slp_pstep_init(struct slp_pstep *ps, int actor, enum sl_op op, int line, int col)
{
	memset(ps, 0, sizeof(*ps));
	ps->st.op = op;
	ps->st.actor = actor;
	ps->st.bind = SL_NO_SLOT;
	ps->st.new_actor = -1;
	ps->st.claim = -1;
	ps->st.line = line;
	ps->st.col = col;
}

void slp_pstep_free(struct slp_pstep *ps)
{
	sl_step_release(&ps->st);
}

/* A header that may be given once: 0 the first time. */
int slp_header_once(struct slp_parser *p, int *line, const char *key, int col)
{
	if (*line)
		return slp_error(p, col, "'%s' is given twice (first on line %d)", key, *line);
	*line = p->ln.lineno;
	return 0;
}

/* Letters, digits, '-', '_', '.': scenario names, claim ids, sysctl parts. */
int slp_plain_id(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
			return 0;
	return 1;
}

/* The words that start a trailing clause of a step (parse_step.c parses
 * each); they end an argument list, as `->`, `=` and `[claim`, `[libc` do. */
static const char *const clause_words[] = { "fails", "dies", "exits", "any", "returns", "inject" };

int slp_is_clause_word(const char *w)
{
	for (size_t i = 0; i < sizeof(clause_words) / sizeof(clause_words[0]); i++)
		if (strcmp(clause_words[i], w) == 0)
			return 1;
	return 0;
}

int slp_is_clause_start(const struct slp_parser *p, int pos)
{
	const struct slp_token *t = &p->ln.tok[pos];
	if (t->kind == TK_ARROW || t->kind == TK_EQ)
		return 1;
	if (t->kind == TK_LBRACK && pos + 1 < p->ln.ntok && (slp_is_word(t + 1, "claim") || slp_is_word(t + 1, "libc")))
		return 1;
	return t->kind == TK_WORD && slp_is_clause_word(t->text);
}
