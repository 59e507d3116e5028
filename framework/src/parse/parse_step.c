/* parse_step.c - step lines: `ACTOR OP ARGS... [-> NAME] [OUTCOME] [[claim ID]]`
 * and the conductor's steps (sysctl, wait, hangup, key, expect).  A step on
 * a group is parsed once per member, giving one step each.  Arguments are
 * positional or NAME=VALUE; each operation's entry in parse_ops.c says which
 * it takes and how its step is built. */
#include <assert.h>
#include <string.h>

#include "parse_internal.h"

/* ---- collecting arguments ------------------------------------------------------ */

/* End of the value starting at token i: WORD[N](...), "string", joined by | or +. */
static int primary_end(const struct slp_parser *p, int i)
{
	const struct slp_token *t = p->ln.tok;
	if (t[i].kind == TK_STRING)
		return i + 1;
	if (t[i].kind != TK_WORD)
		return i;
	i++;
	if (t[i].kind == TK_LBRACK && !t[i].spaced && !slp_is_word(&t[i + 1], "claim") && !slp_is_word(&t[i + 1], "libc")) {
		while (t[i].kind != TK_EOL && t[i].kind != TK_RBRACK)
			i++;
		if (t[i].kind == TK_RBRACK)
			i++;
	}
	if (t[i].kind == TK_LPAREN) {
		int depth = 0;
		do {
			depth += (t[i].kind == TK_LPAREN) - (t[i].kind == TK_RPAREN);
			i++;
		} while (depth > 0 && t[i].kind != TK_EOL);
	}
	return i;
}

static int value_end(const struct slp_parser *p, int i)
{
	int j = primary_end(p, i);
	if (j == i)
		return i;
	while (p->ln.tok[j].kind == TK_PIPE || p->ln.tok[j].kind == TK_PLUS) {
		int k = primary_end(p, j + 1);
		if (k == j + 1)
			return j + 1;
		j = k;
	}
	return j;
}

static int param_index(const struct slp_op_def *od, const char *name)
{
	for (int i = 0; i < SLP_MAX_PARAMS && od->params[i].name; i++)
		if (strcmp(od->params[i].name, name) == 0)
			return i;
	return -1;
}

static int unknown_param(struct slp_parser *p, const struct slp_op_def *od, enum sl_op op,
			 const struct slp_token *t)
{
	struct slp_suggest sg;
	slp_suggest_init(&sg, t->text);
	for (int i = 0; i < SLP_MAX_PARAMS && od->params[i].name; i++)
		slp_suggest_add(&sg, od->params[i].name);
	if (!od->params[0].name)
		return slp_error(p, t->col, "%s takes no arguments", sl_op_name(op));
	if (slp_suggest_best(&sg))
		return slp_error(p, t->col, "%s has no argument '%.40s'; did you mean '%s'?",
				 sl_op_name(op), t->text, slp_suggest_best(&sg));
	return slp_error(p, t->col, "%s has no argument '%.40s'", sl_op_name(op), t->text);
}

static int keyword_arg(struct slp_parser *p, const struct slp_op_def *od, enum sl_op op,
		       struct slp_arg *args)
{
	const struct slp_token *t = slp_peek(p);
	int k = param_index(od, t->text);
	if (k < 0)
		return unknown_param(p, od, op, t);
	if (args[k].pos >= 0)
		return slp_error(p, t->col, "'%s' is given twice", t->text);
	slp_next(p);
	slp_next(p); /* = */
	if (slp_peek(p)->kind == TK_EOL || slp_is_clause_start(p, p->pos))
		return slp_error(p, slp_peek(p)->col, "missing value after '%s='", t->text);
	int end = value_end(p, p->pos);
	if (end == p->pos)
		return slp_expected(p, "a value");
	args[k] = (struct slp_arg){ p->pos, end, t->col };
	p->pos = end;
	return 0;
}

static int positional_arg(struct slp_parser *p, const struct slp_op_def *od, enum sl_op op,
			  struct slp_arg *args, int *npos)
{
	const struct slp_token *t = slp_peek(p);
	char show[SLP_SHOW];
	int k = -1, seen = 0, max = 0;
	for (int i = 0; i < SLP_MAX_PARAMS && od->params[i].name; i++) {
		if (od->params[i].kwonly)
			continue;
		max++;
		if (seen++ == *npos)
			k = i;
	}
	slp_tok_show(t, show, sizeof(show));
	if (k < 0 && max == 0)
		return slp_error(p, t->col, "%s takes no arguments; unexpected %s", sl_op_name(op), show);
	if (k < 0)
		return slp_error(p, t->col, "%s takes at most %d argument%s; unexpected %s",
				 sl_op_name(op), max, max == 1 ? "" : "s", show);
	int end = value_end(p, p->pos);
	if (end == p->pos)
		return slp_error(p, t->col, "unexpected %s", show);
	if (args[k].pos >= 0)
		return slp_error(p, t->col, "'%s' is given twice", od->params[k].name);
	args[k] = (struct slp_arg){ p->pos, end, t->col };
	p->pos = end;
	(*npos)++;
	return 0;
}

static int collect_args(struct slp_parser *p, const struct slp_op_def *od, enum sl_op op,
			struct slp_arg *args)
{
	int npos = 0;
	for (int i = 0; i < SLP_MAX_PARAMS; i++)
		args[i] = (struct slp_arg){ -1, -1, 0 };
	while (slp_peek(p)->kind != TK_EOL && !slp_is_clause_start(p, p->pos)) {
		const struct slp_token *t = slp_peek(p), *n = slp_peek_at(p, 1);
		int rc;
		if (t->kind == TK_WORD && n->kind == TK_EQ &&
		    (param_index(od, t->text) >= 0 || !n->spaced))
			rc = keyword_arg(p, od, op, args);
		else
			rc = positional_arg(p, od, op, args, &npos);
		if (rc)
			return -1;
	}
	return 0;
}

/* ---- clauses: -> NAME, outcomes, [claim ID] ------------------------------------ */

static int not_an_outcome(struct slp_parser *p, const struct slp_token *t, enum sl_op op)
{
	char show[SLP_SHOW];
	return slp_error(p, t->col, "%s is not an outcome of %s", slp_tok_show(t, show, sizeof(show)),
			 sl_op_name(op));
}

static int outcome_once(struct slp_parser *p, struct slp_pstep *ps, const struct slp_op_def *od,
			unsigned flag, const struct slp_token *t)
{
	if (!(od->flags & flag))
		return not_an_outcome(p, t, ps->st.op);
	if (ps->outcome_word)
		return slp_error(p, t->col, "a step has one outcome; '%s' is given already",
				 ps->outcome_word);
	ps->outcome_word = t->kind == TK_EQ ? "=" : t->text;
	ps->outcome_col = t->col;
	slp_next(p);
	return 0;
}

static int clause_fails(struct slp_parser *p, const struct slp_op_def *od, struct slp_pstep *ps)
{
	if (outcome_once(p, ps, od, OPF_FAILS, slp_peek(p)))
		return -1;
	ps->st.outcome.kind = SL_EXPECT_FAILS;
	for (;;) {
		int col = slp_peek(p)->col, err;
		if (slp_errno(p, &err))
			return -1;
		if (ps->st.outcome.n_errnos >= SL_MAX_ERRNOS)
			return slp_error(p, col, "at most %d errnos", SL_MAX_ERRNOS);
		sl_step_expect_errno(&ps->st, err);
		if (slp_peek(p)->kind != TK_PIPE)
			return 0;
		slp_next(p);
	}
}

static int clause_dies(struct slp_parser *p, const struct slp_op_def *od, struct slp_pstep *ps)
{
	int sig = 0;
	if (outcome_once(p, ps, od, OPF_DIES, slp_peek(p)))
		return -1;
	if (slp_peek(p)->kind == TK_WORD && !slp_is_clause_start(p, p->pos) && slp_signal(p, 1, &sig))
		return -1;
	sl_step_expect_signal(&ps->st, sig);
	return 0;
}

static int clause_exits(struct slp_parser *p, const struct slp_op_def *od, struct slp_pstep *ps)
{
	struct sl_value v;
	if (outcome_once(p, ps, od, OPF_EXITS, slp_peek(p)) ||
	    slp_value_range(p, V_NUM, 0, "an exit status", 0, 255, &v))
		return -1;
	ps->st.outcome.kind = SL_EXPECT_EXITS;
	ps->st.outcome.status = (int)v.num;
	return 0;
}

static int clause_any(struct slp_parser *p, const struct slp_op_def *od, struct slp_pstep *ps)
{
	if (outcome_once(p, ps, od, OPF_ANY, slp_peek(p)))
		return -1;
	ps->st.outcome.kind = SL_EXPECT_ANY;
	return 0;
}

static int clause_returns(struct slp_parser *p, const struct slp_op_def *od, struct slp_pstep *ps)
{
	if (outcome_once(p, ps, od, OPF_RETURNS, slp_peek(p)) ||
	    slp_value(p, V_NUM | V_NEG | V_OR | V_SLOT | V_ACTOR | V_AUTO, ~0u, "a value",
		      &ps->st.outcome.value))
		return -1;
	ps->st.outcome.has_value = 1;
	return 0;
}

static int clause_bind(struct slp_parser *p, const struct slp_op_def *od, struct slp_pstep *ps)
{
	const struct slp_token *arrow = slp_next(p), *t = slp_peek(p);
	if (!(od->flags & OPF_BINDS))
		return slp_error(p, arrow->col, "%s gives no value to bind", sl_op_name(ps->st.op));
	if (ps->bind)
		return slp_error(p, arrow->col, "a step binds one name; '%s' is bound already", ps->bind);
	if (t->kind != TK_WORD)
		return slp_expected(p, "a name after '->'");
	if (slp_peek_at(p, 1)->kind == TK_LBRACK && !slp_peek_at(p, 1)->spaced)
		return slp_error(p, t->col, "bind a plain name; a group step binds %s[0], %s[1]... itself",
				 t->text, t->text);
	if ((!p->m.expanded || p->m.index == 0) && slp_check_new_name(p, t->text, t->col))
		return -1;
	ps->bind = t->text;
	ps->bind_col = t->col;
	slp_next(p);
	return 0;
}

/* `[libc NAME]`: the step is for actors of that libc only (docs/libc.md). */
static int libc_clause(struct slp_parser *p, struct slp_pstep *ps)
{
	const struct slp_token *open = slp_next(p);
	slp_next(p); /* libc */
	const struct slp_token *name = slp_peek(p);
	enum sl_libc libc;
	if (name->kind != TK_WORD || sl_libc_from_name(name->text, &libc) < 0) {
		char show[SLP_SHOW];
		return slp_error(p, name->col, "[libc NAME] names glibc or musl, not %s",
				 slp_tok_show(name, show, sizeof(show)));
	}
	if (ps->st.only_libc)
		return slp_error(p, open->col, "a step is for one libc");
	ps->st.only_libc = 1 + (int)libc;
	slp_next(p);
	if (slp_peek(p)->kind != TK_RBRACK)
		return slp_expected(p, "']'");
	slp_next(p);
	return 0;
}

int slp_claim_clause(struct slp_parser *p, struct slp_pstep *ps)
{
	const struct slp_token *open = slp_next(p);
	slp_next(p); /* claim */
	const struct slp_token *id = slp_peek(p);
	if (id->kind != TK_WORD)
		return slp_expected(p, "a claim id");
	if (ps->st.claim >= 0)
		return slp_error(p, open->col, "a step is evidence for one claim");
	const struct slp_sym *c = slp_sym_find(&p->claims, id->text);
	if (!c) {
		struct slp_suggest sg;
		slp_suggest_init(&sg, id->text);
		for (int i = 0; i < p->s->nclaims; i++)
			slp_suggest_add(&sg, p->s->claims[i].id);
		if (slp_suggest_best(&sg))
			return slp_error(p, id->col, "unknown claim '%.40s'; did you mean '%s'?", id->text,
					 slp_suggest_best(&sg));
		return slp_error(p, id->col, "unknown claim '%.40s'", id->text);
	}
	if (c->kind == SYM_POISON)
		return slp_quiet_fail(p);
	ps->st.claim = c->index;
	slp_next(p);
	if (slp_peek(p)->kind != TK_RBRACK)
		return slp_expected(p, "']'");
	slp_next(p);
	return 0;
}

static int clause_inject(struct slp_parser *p, const struct slp_op_def *od, struct slp_pstep *ps)
{
	(void)od;
	return slp_inject_clause(p, ps); /* parse_inject.c */
}

/* Trailing clauses.  `inject` (fault injection, parse_inject.c) fills
 * ps->st.faults; the word is reserved and ends argument lists. */
static const struct {
	const char *word;
	int (*parse)(struct slp_parser *p, const struct slp_op_def *od, struct slp_pstep *ps);
} clause_words[] = {
	{ "fails", clause_fails },
	{ "dies", clause_dies },
	{ "exits", clause_exits },
	{ "any", clause_any },
	{ "returns", clause_returns },
	{ "inject", clause_inject },
};
#define N_CLAUSE_WORDS ((int)(sizeof(clause_words) / sizeof(clause_words[0])))

static int clause_word(const struct slp_token *t)
{
	if (t->kind != TK_WORD)
		return -1;
	for (int i = 0; i < N_CLAUSE_WORDS; i++)
		if (strcmp(clause_words[i].word, t->text) == 0) {
			/* every clause here ends an argument list (parse_base.c) */
			assert(slp_is_clause_word(t->text));
			return i;
		}
	return -1;
}

static int clauses(struct slp_parser *p, const struct slp_op_def *od, struct slp_pstep *ps)
{
	int expect = ps->st.op == SL_OP_EXPECT;
	while (slp_peek(p)->kind != TK_EOL) {
		const struct slp_token *t = slp_peek(p);
		int w = clause_word(t), rc;
		char show[SLP_SHOW];
		if (t->kind == TK_LBRACK && slp_is_word(slp_peek_at(p, 1), "claim"))
			rc = slp_claim_clause(p, ps);
		else if (t->kind == TK_LBRACK && slp_is_word(slp_peek_at(p, 1), "libc"))
			rc = libc_clause(p, ps);
		else if (expect)
			rc = slp_error(p, t->col, "unexpected %s; an expectation has no outcome",
				       slp_tok_show(t, show, sizeof(show)));
		else if (t->kind == TK_ARROW)
			rc = clause_bind(p, od, ps);
		else if (t->kind == TK_EQ)
			rc = clause_returns(p, od, ps);
		else if (w >= 0)
			rc = clause_words[w].parse(p, od, ps);
		else
			rc = slp_error(p, t->col, "unexpected %s", slp_tok_show(t, show, sizeof(show)));
		if (rc)
			return -1;
	}
	return 0;
}

/* A time(...) of a step, or a name bound by a step, that runs only with one
 * libc's actors, used in a step that runs with others too, would be judged
 * against a time never taken, or a name never bound (read as 0 and -1:
 * `ctime > time(line 5)` and `expect seg gone` passed). */
static int value_of_other_libc(struct slp_parser *p, const struct slp_pstep *ps, const struct sl_value *v, int col)
{
	int step = -1;
	if (v->kind == SL_VAL_STEP_TIME && v->num >= 0 && v->num < p->s->nsteps)
		step = (int)v->num;
	else if (v->kind == SL_VAL_SLOT && v->slot >= 0 && v->slot < p->s->nslots)
		step = p->slot_step[v->slot];
	if (step < 0 || step >= p->s->nsteps)
		return 0;
	const struct sl_step *ref = &p->s->steps[step];
	if (!ref->only_libc || ref->only_libc == ps->st.only_libc)
		return 0;
	const char *libc = sl_libc_name((enum sl_libc)(ref->only_libc - 1));
	if (v->kind == SL_VAL_SLOT)
		return slp_error(p, col, "'%s' is bound on line %d, which runs only with %s's actors; end this line "
				 "with [libc %s] too", p->s->slots[v->slot], ref->line, libc, libc);
	return slp_error(p, col, "time(line %d) is the time of a step run only with %s's actors; end this line "
			 "with [libc %s] too", ref->line, libc, libc);
}

/* Checks and defaults once the whole step is read. */
static int finish_step(struct slp_parser *p, struct slp_pstep *ps, int op_col)
{
	struct sl_outcome_spec *o = &ps->st.outcome;
	for (int i = 0; i < ps->st.nargs; i++)
		if (value_of_other_libc(p, ps, &ps->st.args[i], op_col))
			return -1;
	for (int i = 0; i < ps->st.npreds; i++)
		if (value_of_other_libc(p, ps, &ps->st.preds[i].value, ps->st.preds[i].col))
			return -1;
	for (int i = 0; i < ps->st.nsubsts; i++)
		if (value_of_other_libc(p, ps, &ps->st.substs[i].value, op_col))
			return -1;
	if (value_of_other_libc(p, ps, &ps->st.subject, op_col) ||
	    (ps->st.outcome.has_value && value_of_other_libc(p, ps, &ps->st.outcome.value, ps->outcome_col)))
		return -1;
	if (ps->bind && (o->kind == SL_EXPECT_FAILS || o->kind == SL_EXPECT_DIES ||
			 o->kind == SL_EXPECT_EXITS))
		return slp_error(p, ps->bind_col, "a step expected to %s binds nothing; remove '-> %s'",
				 o->kind == SL_EXPECT_FAILS ? "fail" : o->kind == SL_EXPECT_DIES ? "die" : "exit",
				 ps->bind);
	switch (ps->st.op) {
	case SL_OP_FORK:
		if (!ps->bind && o->kind != SL_EXPECT_FAILS)
			return slp_error(p, op_col, "fork needs '-> NAME' to name the child");
		break;
	case SL_OP_EXIT:
		if (o->kind == SL_EXPECT_SUCCESS) {
			o->kind = SL_EXPECT_EXITS;
			o->status = (int)ps->st.args[0].num;
		} else if (o->kind == SL_EXPECT_EXITS && o->status != ps->st.args[0].num) {
			return slp_error(p, ps->outcome_col, "exit %lld cannot exit with status %d",
					 ps->st.args[0].num, o->status);
		}
		break;
	case SL_OP_CRASH:
		if (o->kind == SL_EXPECT_SUCCESS)
			sl_step_expect_signal(&ps->st, (int)ps->st.args[0].num);
		break;
	case SL_OP_EXEC:
		if (o->kind == SL_EXPECT_SUCCESS) {
			o->kind = SL_EXPECT_EXITS;
			o->status = 0;
		}
		break;
	case SL_OP_FIND:
		if (!ps->bind)
			return slp_error(p, op_col, "find needs '-> NAME' to name the process it finds");
		break;
	case SL_OP_FIND_SEGMENT:
		if (!ps->bind)
			return slp_error(p, op_col, "find segment needs '-> NAME' to name the segment it finds");
		break;
	default:
		break;
	}
	return 0;
}

/* ---- one step, and a line expanded over a group ---------------------------------- */

static int one_step(struct slp_parser *p, enum sl_op op, int op_col)
{
	const struct slp_op_def *od = slp_op_def(op);
	struct slp_pstep *ps = &p->pl.main;
	slp_pstep_init(ps, p->actor, op, p->ln.lineno, p->ln.tok[0].col);
	p->pl.has_main = 1;
	struct slp_arg args[SLP_MAX_PARAMS];
	int rc;
	if (op == SL_OP_EXPECT) {
		rc = slp_expect_body(p, ps);
	} else if (od->flags & OPF_RAW) {
		rc = od->build(p, ps, args, op_col);
	} else {
		rc = collect_args(p, od, op, args);
		if (!rc) {
			int after = p->pos;
			rc = od->build(p, ps, args, op_col);
			p->pos = after;
		}
	}
	if (rc || clauses(p, od, ps))
		return -1;
	return finish_step(p, ps, op_col);
}

/* Parses the line from token `start` once (group < 0: by `actor`, or the
 * conductor), or once per member of the group whose first actor is `group`
 * (by each member, or by the conductor about each), committing each. */
static int run_line(struct slp_parser *p, enum sl_op op, int actor, int group, int count,
		    int start, int op_col)
{
	int conductor = slp_op_is_conductor(op);
	if (group < 0) {
		p->actor = actor;
		if (actor >= 0)
			slp_member_of_actor(p, actor, &p->m);
		else
			p->m = (struct slp_member){ -1, 0, 1, 0 };
		p->pos = start;
		return one_step(p, op, op_col) || slp_commit(p) ? -1 : 0;
	}
	for (int i = 0; i < count; i++) {
		p->m = (struct slp_member){ group, i, count, 1 };
		p->actor = conductor ? SL_CONDUCTOR : group + i;
		p->pos = start;
		if (one_step(p, op, op_col) || slp_commit(p))
			return -1;
	}
	return 0;
}

/* The first word is not an actor: say what it might have been. */
static int unknown_head(struct slp_parser *p, const struct slp_token *t)
{
	static const char *const keywords[] = { "expect", "sysctl", "wait", "hangup", "key", "find", NULL };
	int op = slp_op_by_name(t->text);
	if (op >= 0 && !slp_op_is_conductor((enum sl_op)op))
		return slp_error(p, t->col, "'%s' needs an actor first: write 'ACTOR %s ...'", t->text,
				 t->text);
	const struct slp_sym *f = slp_sym_find(&p->future, t->text);
	if (f && f->line >= p->ln.lineno)
		return slp_error(p, t->col, "actor '%s' does not exist yet: line %d creates it", t->text,
				 f->line);
	struct slp_suggest sg;
	slp_suggest_init(&sg, t->text);
	for (size_t i = 0; i < p->names.cap; i++) {
		const struct slp_sym *s = &p->names.v[i];
		if (s->name && (s->kind == SYM_ACTOR || s->kind == SYM_GROUP))
			slp_suggest_add(&sg, s->name);
	}
	slp_suggest_list(&sg, keywords);
	char show[SLP_SHOW];
	slp_tok_show(t, show, sizeof(show));
	if (slp_suggest_best(&sg))
		return slp_error(p, t->col, "unknown actor %s; did you mean '%s'?", show,
				 slp_suggest_best(&sg));
	return slp_error(p, t->col, "unknown actor %s", show);
}

static int actor_op(struct slp_parser *p, const struct slp_token *actor_tok, int *op)
{
	const struct slp_token *t = slp_peek(p);
	if (t->kind == TK_EOL)
		return slp_error(p, t->col, "missing operation after '%s'", actor_tok->text);
	if (t->kind != TK_WORD)
		return slp_expected(p, "an operation");
	*op = slp_op_by_name(t->text);
	if (*op >= 0 && slp_op_is_conductor((enum sl_op)*op))
		return slp_error(p, t->col, "'%s' is a conductor step; write it without an actor",
				 t->text);
	if (*op < 0) {
		struct slp_suggest sg;
		slp_suggest_init(&sg, t->text);
		slp_suggest_ops(&sg, 0);
		if (slp_suggest_best(&sg))
			return slp_error(p, t->col, "unknown operation '%.40s'; did you mean '%s'?",
					 t->text, slp_suggest_best(&sg));
		return slp_error(p, t->col, "unknown operation '%.40s'", t->text);
	}
	slp_next(p);
	return 0;
}

static int actor_line(struct slp_parser *p)
{
	const struct slp_token *t0 = slp_peek(p);
	if (t0->kind != TK_WORD)
		return slp_expected(p, "an actor or a step keyword");
	const struct slp_sym *s = slp_sym_find(&p->names, t0->text);
	if (!s)
		return unknown_head(p, t0);
	if (s->kind == SYM_POISON)
		return slp_quiet_fail(p);
	if (s->kind != SYM_ACTOR && s->kind != SYM_GROUP)
		return slp_error(p, t0->col, "'%s' is a bound name, not an actor", t0->text);
	int actor = -1, group = -1, count = 0, op;
	const struct slp_token *b = slp_peek_at(p, 1);
	if (s->kind == SYM_GROUP && (b->kind != TK_LBRACK || b->spaced)) {
		group = s->index;
		count = s->count;
		slp_next(p);
	} else {
		p->m = (struct slp_member){ -1, 0, 1, 0 };
		if (slp_actor_value(p, "an actor", &actor))
			return -1;
		if (p->s->actors[actor].found)
			return slp_error(p, t0->col,
					 "'%s' was found by 'find', not started by shmlife: it performs no "
					 "steps (expect, wait and kill it)", t0->text);
	}
	int op_col = slp_peek(p)->col;
	if (actor_op(p, t0, &op))
		return -1;
	return run_line(p, (enum sl_op)op, actor, group, count, p->pos, op_col);
}

int slp_step_line(struct slp_parser *p)
{
	const struct slp_token *t0 = slp_peek(p);
	int op = t0->kind == TK_WORD ? slp_op_by_name(t0->text) : -1;
	if (op < 0 || !slp_op_is_conductor((enum sl_op)op))
		return actor_line(p);
	slp_next(p);
	int group = -1, count = 0;
	if (op == SL_OP_EXPECT) {
		slp_expect_subject_group(p, &group, &count);
	} else if (op == SL_OP_WAIT) {
		const struct slp_token *t = slp_peek(p), *b = slp_peek_at(p, 1);
		const struct slp_sym *s = t->kind == TK_WORD ? slp_sym_find(&p->names, t->text) : NULL;
		if (s && s->kind == SYM_GROUP && (b->kind != TK_LBRACK || b->spaced) && !slp_is_word(b, "time")) {
			group = s->index;
			count = s->count;
		}
	}
	return run_line(p, (enum sl_op)op, SL_CONDUCTOR, group, count, p->pos, t0->col);
}
