/* parse_inject.c - the script syntax of fault injection
 * (docs/fault-injection.md), a step's clause:
 *
 *   inject [CALL] [call=N | calls=N..M | calls=N.. | every]
 *          [comm=NAME] (errno=E | signal=S [before|after] | count)
 *
 * The lines of exploration, `invariant` and `keep-going`, are
 * parse_invariants.c's.
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
