/* parse_inject.c - the script syntax of fault injection and exploration
 * (docs/fault-injection.md), hooked into the grammar at three points:
 *
 *   a step's clause   inject [CALL] [call=N | calls=N..M | calls=N.. | every]
 *                            [comm=NAME] (errno=E | signal=S [before|after] | count)
 *   a line            invariant NAME: STEP-OR-EXPECTATION
 *   a header          keep-going
 *
 * An invariant's body is parsed as a step line and then moved out of the
 * steps into the scenario's invariants; at the end of the script every
 * invariant is appended after the last step again, marked, so that every
 * run judges it after the last step (scenario.h, model/invariants.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_internal.h"
#include "shmlife/scenario.h"

/* ---- inject ------------------------------------------------------------------ */

/* The call a built-in operation makes, for `inject` without a call name. */
static const char *own_call(enum sl_op op)
{
	switch (op) {
	case SL_OP_SHMGET: return "shmget";
	case SL_OP_SHMAT: return "shmat";
	case SL_OP_SHMDT: return "shmdt";
	case SL_OP_SHMCTL: return "shmctl";
	case SL_OP_FTOK: return "ftok";
	case SL_OP_FORK:
	case SL_OP_FORK_DETACH:
	case SL_OP_DAEMON: return "fork";
	case SL_OP_SETSID: return "setsid";
	case SL_OP_OPEN: return "open";
	default: return NULL;
	}
}

/* `N..M`, `N..` or `N` (a whole word): 0, or -1 if it is none of them. */
static int call_range(const char *w, int *first, int *last)
{
	char *end;
	long a = strtol(w, &end, 10);
	if (end == w || a < 1 || a > 1000000)
		return -1;
	*first = (int)a;
	if (*end == '\0') {
		*last = (int)a;
		return 0;
	}
	if (strncmp(end, "..", 2) != 0)
		return -1;
	if (end[2] == '\0') {
		*last = 0;
		return 0;
	}
	const char *m = end + 2;
	long b = strtol(m, &end, 10);
	if (end == m || *end != '\0' || b < a || b > 1000000)
		return -1;
	*last = (int)b;
	return 0;
}

/* `KEY =` at the parser's position: consumes both. */
static int key_eq(struct slp_parser *p, const char *key)
{
	if (!slp_is_word(slp_peek(p), key) || slp_peek_at(p, 1)->kind != TK_EQ)
		return 0;
	slp_next(p);
	slp_next(p);
	return 1;
}

static int inject_range(struct slp_parser *p, struct sl_fault *f)
{
	if (slp_is_word(slp_peek(p), "every")) {
		slp_next(p);
		f->first = 1;
		f->last = 0;
		return 0;
	}
	int many = slp_is_word(slp_peek(p), "calls");
	key_eq(p, many ? "calls" : "call");
	const struct slp_token *t = slp_peek(p);
	if (t->kind != TK_WORD || call_range(t->text, &f->first, &f->last) < 0 ||
	    (!many && f->first != f->last))
		return slp_expected(p, many ? "calls N..M or N.. (from 1)" : "a call number, from 1");
	slp_next(p);
	return 0;
}

/* comm=NAME (after `comm =`): only in processes of that name, as
 * /proc/PID/comm has it: 1 to 15 bytes. */
static int inject_comm(struct slp_parser *p, struct sl_fault *f)
{
	const struct slp_token *t = slp_peek(p);
	if ((t->kind != TK_WORD && t->kind != TK_STRING) || slp_peek_at(p, 1)->kind == TK_EQ)
		return slp_expected(p, "a process name: comm=postgres");
	size_t n = strlen(t->text);
	if (n == 0 || n > 15)
		return slp_error(p, t->col, "a comm is 1 to 15 bytes (the kernel keeps the first 15 of a "
				 "program's name), not %zu: comm=%.15s", n, t->text);
	memcpy(f->comm, t->text, n + 1);
	slp_next(p);
	return 0;
}

static int inject_effect(struct slp_parser *p, struct sl_fault *f)
{
	if (key_eq(p, "errno")) {
		f->kind = SL_FAULT_ERRNO;
		return slp_errno(p, &f->err);
	}
	if (key_eq(p, "signal")) {
		f->kind = SL_FAULT_SIGNAL_BEFORE;
		if (slp_signal(p, 1, &f->signal))
			return -1;
		if (slp_is_word(slp_peek(p), "after"))
			f->kind = SL_FAULT_SIGNAL_AFTER;
		if (slp_is_word(slp_peek(p), "after") || slp_is_word(slp_peek(p), "before"))
			slp_next(p);
		return 0;
	}
	if (slp_is_word(slp_peek(p), "count")) {
		slp_next(p);
		f->kind = SL_FAULT_TRACE;
		return 0;
	}
	return slp_expected(p, "errno=E, signal=S [before|after] or count");
}

int slp_inject_clause(struct slp_parser *p, struct slp_pstep *ps)
{
	const struct slp_token *kw = slp_next(p); /* inject */
	const char *call = own_call(ps->st.op);
	const struct slp_token *t = slp_peek(p);
	if (t->kind == TK_WORD && sl_fault_call_number(t->text) >= 0 && slp_peek_at(p, 1)->kind != TK_EQ) {
		call = t->text;
		slp_next(p);
	}
	if (!call)
		return slp_error(p, t->col, "inject on %s names the call: inject shmat|shmget|shmdt|shmctl|ftok|"
				 "fork|setsid|open|mmap ...", sl_op_name(ps->st.op));
	struct sl_fault f;
	memset(&f, 0, sizeof(f));
	f.first = f.last = 1;
	f.syscall_nr = sl_fault_call_number(call);
	const struct slp_token *at = slp_peek(p);
	if ((slp_is_word(at, "call") || slp_is_word(at, "calls") || slp_is_word(at, "every")) && inject_range(p, &f))
		return -1;
	if (key_eq(p, "comm") && inject_comm(p, &f))
		return -1;
	if (inject_effect(p, &f))
		return -1;
	if (!f.comm[0] && key_eq(p, "comm") && inject_comm(p, &f))
		return -1;
	char why[200];
	if (sl_fault_invalid(&f, why, sizeof(why)))
		return slp_error(p, kw->col, "%s", why);
	struct sl_fault *nf = realloc(ps->st.faults, (size_t)(ps->st.nfaults + 1) * sizeof(*nf));
	if (!nf)
		return slp_oom(p);
	ps->st.faults = nf;
	nf[ps->st.nfaults++] = f;
	return 0;
}

/* ---- invariant NAME: ..., keep-going ------------------------------------------------ */

int slp_inject_is_header(const struct slp_parser *p)
{
	const struct slp_token *t0 = &p->ln.tok[0];
	return slp_is_word(t0, "invariant") || (slp_is_word(t0, "keep-going") && p->ln.tok[1].kind == TK_EOL);
}

/* Moves the steps the line appended (from `first` on) into invariants. */
static int take_invariants(struct slp_parser *p, const char *name, int first)
{
	struct sl_scenario *s = p->s;
	int n = s->nsteps - first;
	for (int k = first; k < s->nsteps; k++)
		if (s->steps[k].bind != SL_NO_SLOT)
			return slp_error(p, p->ln.tok[0].col, "an invariant binds no name (nor uses ftok(...))");
	for (int k = first; k < s->nsteps; k++) {
		char label[128];
		if (n > 1)
			snprintf(label, sizeof(label), "%s[%d]", name, k - first);
		else
			snprintf(label, sizeof(label), "%s", name);
		struct sl_step *st = sl_scenario_add_invariant(s, label, s->steps[k].actor, s->steps[k].op);
		if (!st)
			return slp_oom(p);
		*st = s->steps[k]; /* the scenario's strings move with it */
	}
	s->nsteps = first;
	return 0;
}

static int declared(const struct sl_scenario *s, const char *name)
{
	size_t n = strlen(name);
	for (int i = 0; i < s->ninvariants; i++) {
		const char *have = s->invariants[i].name;
		if (strncmp(have, name, n) == 0 && (have[n] == '\0' || have[n] == '['))
			return 1;
	}
	return 0;
}

static int header_invariant(struct slp_parser *p)
{
	const struct slp_token *name = &p->ln.tok[1];
	if (name->kind != TK_WORD || !slp_valid_name(name->text)) {
		p->pos = 1;
		return slp_expected(p, "an invariant's name: invariant NAME: STEP");
	}
	if (declared(p->s, name->text))
		return slp_error(p, name->col, "invariant '%s' is declared twice", name->text);
	if (p->ln.tok[2].kind != TK_COLON) {
		p->pos = 2;
		return slp_expected(p, "':' after the invariant's name");
	}
	p->pos = 3;
	if (slp_peek(p)->kind == TK_EOL)
		return slp_expected(p, "a step or an expectation");
	int first = p->s->nsteps, errors = p->errors;
	if (slp_step_line(p) || p->errors > errors)
		return -1; /* the scenario is discarded, with what the line committed */
	return take_invariants(p, name->text, first);
}

int slp_inject_header(struct slp_parser *p)
{
	const struct slp_token *t0 = &p->ln.tok[0];
	if (slp_is_word(t0, "invariant"))
		return header_invariant(p);
	if (p->first_step_line)
		return slp_error(p, t0->col, "header 'keep-going' must come before the first step (line %d)",
				 p->first_step_line);
	if (p->s->keep_going)
		return slp_error(p, t0->col, "'keep-going' is given twice");
	p->s->keep_going = 1;
	return 0;
}

int slp_inject_finish(struct slp_parser *p)
{
	if (p->errors || !p->s || sl_scenario_materialize_invariants(p->s) == 0)
		return 0;
	return slp_oom(p);
}
