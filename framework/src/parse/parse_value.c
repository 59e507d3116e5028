/* parse_value.c - values in scripts (the words of numbers are
 * parse_number.c's): constants, or-ed flags, auto, time(...), ftok(...) (a hidden
 * step), signals, errnos and texts; bound names and actors (with [N]
 * members) are parse_refs.c's; durations (2s, 500ms). */
#include <ctype.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_internal.h"

/* Plain decimal digits that read like octal permission bits: 600, 022. */
static int looks_octal(const char *w, long long n)
{
	return n >= 8 && strspn(w, "01234567") == strlen(w);
}

/* ---- time(...) and ftok(...) -------------------------------------------- */

/* The first step written on line `line` (binary search: steps are in line
 * order), skipping hidden ftok steps; -1 if none. */
static int first_step_of_line(const struct slp_parser *p, int line)
{
	const struct sl_scenario *s = p->s;
	int lo = 0, hi = s->nsteps;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (s->steps[mid].line < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (int i = lo; i < s->nsteps && s->steps[i].line == line; i++) {
		const struct sl_step *st = &s->steps[i];
		if (st->op == SL_OP_FTOK && st->bind >= 0 && strchr(s->slots[st->bind], '#'))
			continue;
		return i;
	}
	return -1;
}

static int call_time(struct slp_parser *p, struct sl_value *out)
{
	slp_next(p); /* time */
	slp_next(p); /* ( */
	const struct slp_token *t = slp_peek(p);
	int step;
	if (slp_is_word(t, "line") && slp_peek_at(p, 1)->kind == TK_WORD) {
		slp_next(p);
		const struct slp_token *n = slp_peek(p);
		long long line;
		int dec, rc = slp_number(n->text, &line, &dec);
		if (rc)
			return slp_number_error(p, n, rc);
		if (line < 1 || line >= p->ln.lineno)
			return slp_error(p, n->col, "time(line %lld) must name an earlier line", line);
		step = first_step_of_line(p, (int)line);
		if (step < 0)
			return slp_error(p, n->col, "line %lld has no step", line);
		slp_next(p);
	} else {
		if (t->kind != TK_WORD || slp_is_number_word(t->text))
			return slp_expected(p, "a bound name or 'line N'");
		const struct slp_sym *sym = slp_sym_find(&p->names, t->text);
		if (sym && sym->kind == SYM_ACTOR && sym->index >= 0 && sym->index < p->s->nactors &&
		    (p->s->actors[sym->index].spawned || p->s->actors[sym->index].found) && sym->line < p->ln.lineno) {
			/* an actor born of `fork -> c` or named by `find -> d`: the time of that step */
			step = first_step_of_line(p, sym->line);
			if (step < 0)
				return slp_error(p, t->col, "line %d has no step", sym->line);
			slp_next(p);
		} else if (sym && (sym->kind == SYM_ACTOR || sym->kind == SYM_GROUP)) {
			return slp_error(p, t->col, "'%s' is an actor of the actors: line, not a step's result: time() takes "
					 "a bound name, an actor born of fork or find, or 'line N'", t->text);
		} else {
			struct sl_value v;
			if (slp_name_value_cls(p, V_SLOT, 0, "a bound name", &v))
				return -1;
			step = p->slot_step[v.slot];
			if (step < 0)
				return slp_quiet_fail(p);
		}
	}
	if (slp_peek(p)->kind != TK_RPAREN)
		return slp_expected(p, "')'");
	slp_next(p);
	memset(out, 0, sizeof(*out));
	out->kind = SL_VAL_STEP_TIME;
	out->num = step;
	return 0;
}

static int call_ftok(struct slp_parser *p, struct sl_value *out)
{
	int col = slp_next(p)->col; /* ftok */
	slp_next(p);                /* ( */
	char *path = NULL;
	struct sl_value proj;
	if (slp_text_arg(p, "a path", &path))
		return -1;
	if (slp_peek(p)->kind != TK_COMMA) {
		free(path);
		return slp_expected(p, "',' and a project id");
	}
	slp_next(p);
	if (slp_value_range(p, V_NUM | V_NEG, 0, "a project id", INT_MIN, INT_MAX, &proj)) {
		free(path);
		return -1;
	}
	if (slp_peek(p)->kind != TK_RPAREN) {
		free(path);
		return slp_expected(p, "')'");
	}
	slp_next(p);
	if (p->pl.npre >= SLP_MAX_PRE) {
		free(path);
		return slp_error(p, col, "too many ftok() in one step");
	}
	char name[32];
	snprintf(name, sizeof(name), "ftok#%d", ++p->nhidden);
	int slot = slp_add_slot(p, name);
	if (slot < 0) {
		free(path);
		return -1;
	}
	struct slp_pstep *ps = &p->pl.pre[p->pl.npre++];
	slp_pstep_init(ps, p->actor, SL_OP_FTOK, p->ln.lineno, col);
	ps->st.str = path;
	ps->st.args[0] = proj;
	ps->st.nargs = 1;
	ps->st.bind = slot;
	*out = sl_slot(slot);
	return 0;
}

/* ---- values ------------------------------------------------------------ */

static int atom(struct slp_parser *p, unsigned accept, unsigned cls, const char *what,
		struct sl_value *out)
{
	const struct slp_token *t = slp_peek(p);
	if (t->kind != TK_WORD)
		return slp_expected(p, what);
	const char *w = t->text;
	if (slp_is_number_word(w)) {
		long long n;
		int dec, rc = slp_number(w, &n, &dec);
		if (rc)
			return slp_number_error(p, t, rc);
		if (!(accept & V_NUM))
			return slp_error(p, t->col, "expected %s, found the number '%s'", what, w);
		if (n < 0 && !(accept & V_NEG))
			return slp_error(p, t->col, "%s cannot be negative: '%s'", what, w);
		if ((accept & V_OCTAL) && dec && looks_octal(w, n))
			return slp_error(p, t->col,
					 "'%s' is decimal here; permission bits are written in octal: 0%s",
					 w, w);
		slp_next(p);
		*out = sl_num(n);
		return 0;
	}
	if (strcmp(w, "auto") == 0) {
		if (!(accept & V_AUTO))
			return slp_error(p, t->col, "'auto' is only for keys; expected %s", what);
		slp_next(p);
		*out = sl_auto_key();
		return 0;
	}
	if (slp_peek_at(p, 1)->kind == TK_LPAREN) {
		if (strcmp(w, "ftok") == 0) {
			if (!(accept & V_FTOK))
				return slp_error(p, t->col, "ftok() is only for shmget keys");
			return call_ftok(p, out);
		}
		if (strcmp(w, "time") == 0) {
			if (!(accept & V_TIME))
				return slp_error(p, t->col,
						 "time() is the time of a step; it is only for atime, dtime and ctime");
			return call_time(p, out);
		}
	}
	const struct slp_const *c = slp_const_by_name(w);
	if (c) {
		if (!(accept & V_NUM) || !(c->cls & cls))
			return slp_error(p, t->col, "'%s' is %s, not %s", w,
					 slp_const_class_text(c->cls), what);
		slp_next(p);
		*out = sl_num(c->value);
		return 0;
	}
	return slp_name_value_cls(p, accept, cls, what, out);
}

int slp_value(struct slp_parser *p, unsigned accept, unsigned cls, const char *what,
	      struct sl_value *out)
{
	int col = slp_peek(p)->col;
	struct sl_value v;
	if (atom(p, accept, cls, what, &v))
		return -1;
	if (slp_peek(p)->kind == TK_PIPE) {
		if (!(accept & V_OR))
			return slp_error(p, slp_peek(p)->col, "'|' combines flags; %s is a single value",
					 what);
		if (v.kind != SL_VAL_NUM)
			return slp_error(p, col, "only numbers and constants can be or-ed with '|'");
		while (slp_peek(p)->kind == TK_PIPE) {
			slp_next(p);
			struct sl_value w;
			int wcol = slp_peek(p)->col;
			if (atom(p, accept, cls, what, &w))
				return -1;
			if (w.kind != SL_VAL_NUM)
				return slp_error(p, wcol, "only numbers and constants can be or-ed with '|'");
			v.num |= w.num;
		}
	}
	*out = v;
	return 0;
}

int slp_value_range(struct slp_parser *p, unsigned accept, unsigned cls, const char *what,
		    long long min, long long max, struct sl_value *out)
{
	int col = slp_peek(p)->col;
	if (slp_value(p, accept, cls, what, out))
		return -1;
	if (out->kind == SL_VAL_NUM && (out->num < min || out->num > max))
		return slp_error(p, col, "%s must be %lld to %lld, not %lld", what, min, max, out->num);
	return 0;
}

/* ---- signals, errnos, texts --------------------------------------------- */

static int signal_range(struct slp_parser *p, int col, long long sig, int min, int *out)
{
	if (sig < min || sig > SLP_MAX_SIGNAL)
		return slp_error(p, col, "signal %lld is out of range (%d to %d)", sig, min,
				 SLP_MAX_SIGNAL);
	*out = (int)sig;
	return 0;
}

int slp_signal(struct slp_parser *p, int min, int *sig)
{
	const struct slp_token *t = slp_peek(p);
	if (t->kind != TK_WORD)
		return slp_expected(p, "a signal");
	long long n;
	int dec, rc;
	if (slp_is_number_word(t->text)) {
		if ((rc = slp_number(t->text, &n, &dec)))
			return slp_number_error(p, t, rc);
		slp_next(p);
		return signal_range(p, t->col, n, min, sig);
	}
	if (strncmp(t->text, "SIGRTMAX-", 9) == 0 && slp_is_number_word(t->text + 9)) {
		if ((rc = slp_number(t->text + 9, &n, &dec)))
			return slp_number_error(p, t, rc);
		slp_next(p);
		return signal_range(p, t->col, (long long)SIGRTMAX - n, min, sig);
	}
	int s = slp_signal_by_name(t->text);
	if (s < 0) {
		struct slp_suggest sg;
		slp_suggest_init(&sg, t->text);
		slp_suggest_signals(&sg);
		char show[SLP_SHOW];
		slp_tok_show(t, show, sizeof(show));
		if (slp_suggest_best(&sg))
			return slp_error(p, t->col, "unknown signal %s; did you mean '%s'?", show,
					 slp_suggest_best(&sg));
		return slp_error(p, t->col, "unknown signal %s", show);
	}
	slp_next(p);
	n = s;
	if (strcmp(t->text, "SIGRTMIN") == 0 && slp_peek(p)->kind == TK_PLUS) {
		slp_next(p);
		const struct slp_token *o = slp_peek(p);
		if (o->kind != TK_WORD || !slp_is_number_word(o->text))
			return slp_expected(p, "a number after SIGRTMIN+");
		long long off;
		if ((rc = slp_number(o->text, &off, &dec)))
			return slp_number_error(p, o, rc);
		if (off < 0 || off > SLP_MAX_SIGNAL)
			return signal_range(p, t->col, off, min, sig);
		n += off;
		slp_next(p);
	}
	return signal_range(p, t->col, n, min, sig);
}

int slp_errno(struct slp_parser *p, int *err)
{
	const struct slp_token *t = slp_peek(p);
	if (t->kind != TK_WORD)
		return slp_expected(p, "an errno name such as EINVAL");
	if (slp_is_number_word(t->text)) {
		long long n;
		int dec, rc = slp_number(t->text, &n, &dec);
		if (rc)
			return slp_number_error(p, t, rc);
		if (n < 1 || n > 4095)
			return slp_error(p, t->col, "errno %lld is out of range (1 to 4095)", n);
		*err = (int)n;
		slp_next(p);
		return 0;
	}
	int e = slp_errno_by_name(t->text);
	if (e < 0) {
		struct slp_suggest sg;
		slp_suggest_init(&sg, t->text);
		slp_suggest_errnos(&sg);
		char show[SLP_SHOW];
		slp_tok_show(t, show, sizeof(show));
		if (slp_suggest_best(&sg))
			return slp_error(p, t->col, "unknown errno %s; did you mean '%s'?", show,
					 slp_suggest_best(&sg));
		return slp_error(p, t->col, "unknown errno %s", show);
	}
	*err = e;
	slp_next(p);
	return 0;
}

int slp_text_arg(struct slp_parser *p, const char *what, char **out)
{
	const struct slp_token *t = slp_peek(p);
	if (t->kind != TK_WORD && t->kind != TK_STRING)
		return slp_expected(p, what);
	if (t->kind == TK_STRING && memchr(t->text, '\0', t->slen))
		return slp_error(p, t->col, "%s cannot contain \\0", what);
	if (t->slen == 0)
		return slp_error(p, t->col, "%s cannot be empty", what);
	*out = strdup(t->text);
	if (!*out)
		return slp_oom(p);
	slp_next(p);
	return 0;
}

/* ---- durations ------------------------------------------------------------- */

int slp_duration_ms(struct slp_parser *p, const char *what, int *out)
{
	const struct slp_token *t = slp_peek(p);
	char show[SLP_SHOW];
	if (t->kind != TK_WORD)
		return slp_expected(p, "a duration such as 2s or 500ms");
	size_t n = strspn(t->text, "0123456789");
	const char *unit = t->text + n;
	long long ms = 0;
	int scale = strcmp(unit, "ms") == 0 ? 1 : strcmp(unit, "s") == 0 ? 1000 : 0;
	if (n == 0 || n > 9 || !scale)
		return slp_error(p, t->col, "bad %s %s: write a duration such as 2s or 500ms", what,
				 slp_tok_show(t, show, sizeof(show)));
	ms = strtoll(t->text, NULL, 10) * scale;
	if (ms < 1 || ms > SLP_MAX_TIMEOUT_MS)
		return slp_error(p, t->col, "%s %s is out of range (1ms to %ds)", what,
				 slp_tok_show(t, show, sizeof(show)), SLP_MAX_TIMEOUT_MS / 1000);
	*out = (int)ms;
	slp_next(p);
	return 0;
}
