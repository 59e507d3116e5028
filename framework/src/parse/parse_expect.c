/* parse_expect.c - `expect` lines: a subject (a bound segment, an actor,
 * `ACTOR maps`, or `namespace`) and predicates on it: flags (dest, !dest,
 * not alive), maps conditions (attached SEG) and comparisons (nattch=2,
 * atime >= time(a), cwd=/, fd0=/dev/null, killed=SIGKILL, devtty=ENXIO). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse_internal.h"
#include "shmlife/observed.h"
#include "util.h"

/* What a field's value is. */
enum fclass {
	FC_FLAG,    /* no value: dest, !dest                        */
	FC_SEGREF,  /* a segment without '=': attached SEG          */
	FC_KEY,     /* a key: number, IPC_PRIVATE, auto, bound key  */
	FC_NUM,     /* a number                                     */
	FC_U64,     /* an unsigned 64-bit number: shmmax, size      */
	FC_SHMID,   /* a number or a bound shmid                    */
	FC_MODE,    /* permission bits, in octal                    */
	FC_PID,     /* a number, an actor or a bound pid            */
	FC_TIME,    /* a number or time(...)                        */
	FC_SIGNAL,  /* a signal name or number                      */
	FC_ERRNO,   /* 0 or an errno name                           */
	FC_STRING,  /* text: cwd=/, fd0=/dev/null                   */
	FC_OUTPUT,  /* a program's output: stdout ~ "regex", stderr = "" */
};

static enum fclass field_class(enum sl_field f)
{
	switch (f) {
	case SL_F_GONE: case SL_F_EXISTS: case SL_F_DEST: case SL_F_LOCKED: case SL_F_IPCS_DEST:
	case SL_F_ALIVE: case SL_F_DEAD:
		return FC_FLAG;
	case SL_F_ATTACHED: case SL_F_DETACHED: case SL_F_MAPPED_DELETED:
		return FC_SEGREF;
	case SL_F_KEY: case SL_F_IPCS_KEY: case SL_F_MAPPED_KEY:
		return FC_KEY;
	case SL_F_SHMID:
		return FC_SHMID;
	case SL_F_PERMS: case SL_F_MODE: case SL_F_UMASK:
		return FC_MODE;
	case SL_F_CPID: case SL_F_LPID: case SL_F_PID: case SL_F_PPID: case SL_F_PGID: case SL_F_SID:
	case SL_F_TPGID: /* a process group's id: tpgid=shell */
		return FC_PID;
	case SL_F_ATIME: case SL_F_DTIME: case SL_F_CTIME:
		return FC_TIME;
	case SL_F_KILLED_BY: case SL_F_SIG_IGNORED: case SL_F_SIG_CAUGHT: case SL_F_SIG_RECEIVED:
	case SL_F_SIG_PENDING:
		return FC_SIGNAL;
	case SL_F_DEVTTY_ERRNO:
		return FC_ERRNO;
	case SL_F_CWD: case SL_F_FD: case SL_F_COMM:
		return FC_STRING;
	case SL_F_STDOUT: case SL_F_STDERR: case SL_F_TERMINAL:
		return FC_OUTPUT;
	default:
		return sl_field_is_u64(f) ? FC_U64 : FC_NUM;
	}
}

/* ---- the subject ------------------------------------------------------------- */

int slp_expect_subject_group(struct slp_parser *p, int *group, int *count)
{
	const struct slp_token *t = slp_peek(p), *b = slp_peek_at(p, 1);
	*group = -1;
	*count = 0;
	if (t->kind != TK_WORD || (b->kind == TK_LBRACK && !b->spaced))
		return 0;
	const struct slp_sym *s = slp_sym_find(&p->names, t->text);
	if (s && s->kind == SYM_GROUP) {
		*group = s->index;
		*count = s->count;
	} else if (s && s->kind == SYM_GROUP_SLOT) {
		*group = s->group;
		*count = s->count;
	}
	return 0;
}

static int unknown_subject(struct slp_parser *p, const struct slp_token *t)
{
	const struct slp_sym *f = slp_sym_find(&p->future, t->text);
	if (f && f->line >= p->ln.lineno)
		return slp_error(p, t->col, "'%s' is used before it is bound on line %d", t->text,
				 f->line);
	struct slp_suggest sg;
	slp_suggest_init(&sg, t->text);
	for (size_t i = 0; i < p->names.cap; i++)
		if (p->names.v[i].name && p->names.v[i].kind != SYM_POISON)
			slp_suggest_add(&sg, p->names.v[i].name);
	slp_suggest_add(&sg, "namespace");
	char show[SLP_SHOW];
	slp_tok_show(t, show, sizeof(show));
	if (slp_suggest_best(&sg))
		return slp_error(p, t->col, "unknown subject %s; did you mean '%s'?", show,
				 slp_suggest_best(&sg));
	return slp_error(p, t->col,
			 "unknown subject %s: expect a bound segment, an actor or 'namespace'", show);
}

/* The kind of shmctl record (enum sl_shmctl_kind) the step that bound
 * `slot` last filled in: `a shmctl seg IPC_STAT -> st`; NONE if another
 * kind of step bound it. */
static int result_kind(const struct slp_parser *p, int slot)
{
	for (int i = p->s->nsteps - 1; i >= 0; i--) {
		const struct sl_step *st = &p->s->steps[i];
		if (st->bind != slot)
			continue;
		if (st->op != SL_OP_SHMCTL || st->nargs < 2 || st->args[1].kind != SL_VAL_NUM)
			return SL_SHMCTL_NONE;
		return sl_shmctl_kind((int)st->args[1].num);
	}
	return SL_SHMCTL_NONE;
}

static int subject(struct slp_parser *p, struct slp_pstep *ps)
{
	const struct slp_token *t = slp_peek(p);
	if (t->kind == TK_EOL)
		return slp_error(p, t->col, "expect needs a subject: a bound segment, an actor or 'namespace'");
	if (slp_is_word(t, "namespace")) {
		ps->st.target = SL_TARGET_NAMESPACE;
		slp_next(p);
		return 0;
	}
	if (slp_is_word(t, "terminal")) { /* `expect terminal ~ "regex"`: the word is also the field */
		if (!p->s->terminal)
			return slp_error(p, t->col, "this scenario has no terminal: add 'terminal: pty' to its header");
		ps->st.target = SL_TARGET_NAMESPACE;
		return 0;
	}
	if (t->kind == TK_WORD && !slp_is_number_word(t->text) && !slp_sym_find(&p->names, t->text))
		return unknown_subject(p, t);
	if (slp_name_value(p, V_SLOT | V_ACTOR, "a subject", &ps->st.subject))
		return -1;
	if (ps->st.subject.kind == SL_VAL_SLOT &&
	    (ps->result_kind = result_kind(p, ps->st.subject.slot)) != SL_SHMCTL_NONE) {
		ps->st.target = SL_TARGET_RESULT; /* what the actor's shmctl filled in */
		if (slp_is_word(slp_peek(p), "maps"))
			return slp_error(p, slp_peek(p)->col, "'maps' follows an actor; '%s' is a shmctl result",
					 t->text);
		return 0;
	}
	if (ps->st.subject.kind == SL_VAL_SLOT) {
		ps->st.target = SL_TARGET_SEGMENT;
		if (slp_is_word(slp_peek(p), "maps"))
			return slp_error(p, slp_peek(p)->col, "'maps' follows an actor; '%s' is a segment",
					 t->text);
		return 0;
	}
	ps->st.target = SL_TARGET_PROCESS;
	if (!p->m.expanded)
		slp_member_of_actor(p, ps->st.subject.actor, &p->m);
	if (slp_is_word(slp_peek(p), "maps")) {
		ps->st.target = SL_TARGET_MAPS;
		slp_next(p);
	}
	return 0;
}

/* ---- predicates --------------------------------------------------------------- */

static int is_cmp(enum slp_tok k)
{
	return k == TK_EQ || k == TK_NE || k == TK_LT || k == TK_LE || k == TK_GT || k == TK_GE;
}

static enum sl_cmp cmp_of(enum slp_tok k)
{
	switch (k) {
	case TK_NE: return SL_CMP_NE;
	case TK_LT: return SL_CMP_LT;
	case TK_LE: return SL_CMP_LE;
	case TK_GT: return SL_CMP_GT;
	case TK_GE: return SL_CMP_GE;
	default: return SL_CMP_EQ;
	}
}

/* fd0, fd12: the SL_F_FD field and its descriptor. */
static int fd_field(const char *w, int *fd)
{
	if (strncmp(w, "fd", 2) != 0 || !w[2] || strspn(w + 2, "0123456789") != strlen(w + 2) ||
	    strlen(w + 2) > 6)
		return 0;
	*fd = atoi(w + 2);
	return 1;
}

static const char *const result_kinds[] = {
	[SL_SHMCTL_STAT] = "IPC_STAT's shmid_ds", [SL_SHMCTL_IPC_INFO] = "IPC_INFO's shminfo",
	[SL_SHMCTL_SHM_INFO] = "SHM_INFO's shm_info",
};

static int unknown_field(struct slp_parser *p, const struct slp_token *t, enum sl_target_kind target, int kind)
{
	struct slp_suggest sg;
	slp_suggest_init(&sg, t->text);
	if (target == SL_TARGET_RESULT) {
		for (int f = 0; f < SL_F__COUNT; f++)
			if (sl_shmctl_has_field(kind, (enum sl_field)f))
				slp_suggest_add(&sg, sl_field_name((enum sl_field)f));
		char show[SLP_SHOW];
		slp_tok_show(t, show, sizeof(show));
		if (slp_suggest_best(&sg))
			return slp_error(p, t->col, "%s has no field %s; did you mean '%s'?", result_kinds[kind], show,
					 slp_suggest_best(&sg));
		return slp_error(p, t->col, "%s has no field %s", result_kinds[kind], show);
	}
	slp_suggest_fields(&sg, target);
	if (!slp_suggest_best(&sg))
		for (int k = SL_TARGET_SEGMENT; k <= SL_TARGET_PROCESS; k++)
			slp_suggest_fields(&sg, (enum sl_target_kind)k);
	char show[SLP_SHOW];
	slp_tok_show(t, show, sizeof(show));
	if (slp_suggest_best(&sg))
		return slp_error(p, t->col, "unknown field %s; did you mean '%s'?", show,
				 slp_suggest_best(&sg));
	return slp_error(p, t->col, "unknown field %s", show);
}

/* What only the process itself can tell (devtty, sig-received) is not
 * observable in a process that `find` named: it answers no questions. */
static int found_field(struct slp_parser *p, const struct slp_pstep *ps, const struct slp_token *t,
		       enum sl_field f)
{
	const struct sl_actor_def *a = &p->s->actors[ps->st.subject.actor];
	if (!a->found || (f != SL_F_DEVTTY_ERRNO && f != SL_F_SIG_RECEIVED))
		return 0;
	if (f == SL_F_DEVTTY_ERRNO)
		return slp_error(p, t->col,
				 "devtty is probed from inside the process, and '%s' was found, not started "
				 "by shmlife; write tty_nr=0 and sid!=%s instead", a->name, a->name);
	return slp_error(p, t->col,
			 "sig-received is what an actor's 'catch' recorded, and '%s' was found, not "
			 "started by shmlife; write sig-pending=SIG or sig-caught=SIG instead", a->name);
}

static int field_of(struct slp_parser *p, const struct slp_pstep *ps, const struct slp_token *t,
		    int *field, int *fd)
{
	enum sl_target_kind target = ps->st.target;
	if (t->kind != TK_WORD)
		return slp_expected(p, "a condition");
	*fd = 0;
	*field = fd_field(t->text, fd) ? (int)SL_F_FD : slp_field_by_name(t->text);
	if (*field == SL_F_FD && !fd_field(t->text, fd))
		return slp_error(p, t->col, "write the descriptor's number: fd0=/dev/null");
	int kind = target == SL_TARGET_RESULT ? ps->result_kind : SL_SHMCTL_NONE;
	if (*field < 0 || (kind && !sl_shmctl_has_field(kind, (enum sl_field)*field)))
		return unknown_field(p, t, target, kind);
	if (kind)
		return 0;
	enum sl_target_kind ft = sl_field_target((enum sl_field)*field);
	if (*field == SL_F_TERMINAL && (target != SL_TARGET_NAMESPACE || !p->s->terminal))
		return slp_error(p, t->col, "the terminal is the scenario's, not an actor's: write "
				 "'expect terminal ~ \"regex\"' in a scenario with 'terminal: pty'");
	if (ft == target)
		return target == SL_TARGET_PROCESS ? found_field(p, ps, t, (enum sl_field)*field) : 0;
	if (ft == SL_TARGET_RESULT)
		return slp_error(p, t->col, "'%s' is a field of what %s fills in: bind it with 'ACTOR shmctl 0 %s -> r' "
				 "and write 'expect r %s=...'", t->text,
				 sl_shmctl_has_field(SL_SHMCTL_IPC_INFO, (enum sl_field)*field) ? "IPC_INFO" : "SHM_INFO",
				 sl_shmctl_has_field(SL_SHMCTL_IPC_INFO, (enum sl_field)*field) ? "IPC_INFO" : "SHM_INFO",
				 t->text);
	if (ft == SL_TARGET_MAPS && target == SL_TARGET_PROCESS)
		return slp_error(p, t->col, "'%s' is a maps field: write 'expect %s maps %s ...'", t->text,
				 p->s->actors[ps->st.subject.actor].name, t->text);
	return slp_error(p, t->col, "'%s' is a %s field, not a %s field", t->text,
			 slp_target_text(ft), slp_target_text(target));
}

/* The value of a comparison, by the field's class. */
/* 0 to 18446744073709551615 (the bit pattern is kept in v->num), or a bound
 * name; never negative: the kernel keeps these unsigned. */
static int u64_value(struct slp_parser *p, enum sl_field f, struct sl_value *v)
{
	const struct slp_token *t = slp_peek(p);
	if (t->kind != TK_WORD || !slp_is_number_word(t->text))
		return slp_value(p, V_NUM | V_SLOT, 0, "a number", v);
	int neg, decimal = 0;
	unsigned long long mag;
	int rc = slp_number_u(t->text, &neg, &mag, &decimal);
	if (rc) {
		slp_report_number(p, t, rc);
		return -1;
	}
	if (neg && mag)
		return slp_error(p, t->col, "%s cannot be negative: the kernel keeps it as an unsigned 64-bit number",
				 sl_field_name(f));
	slp_next(p);
	*v = sl_num((long long)mag); /* the bit pattern: compared unsigned */
	return 0;
}

static int pred_value(struct slp_parser *p, enum sl_field f, struct sl_value *v, char **str)
{
	int n;
	*v = sl_num(0);
	switch (field_class(f)) {
	case FC_KEY:
		if (slp_value_range(p, V_NUM | V_NEG | V_SLOT | V_AUTO, SLC_KEY, "a key", INT32_MIN,
				    UINT32_MAX, v))
			return -1;
		if (v->kind == SL_VAL_NUM)
			v->num = (int32_t)(uint32_t)v->num;
		return 0;
	case FC_SHMID:
		return slp_value(p, V_NUM | V_NEG | V_SLOT, 0, "a segment id", v);
	case FC_MODE:
		return slp_value(p, V_NUM | V_OR | V_OCTAL, SLC_MODE, "a mode", v);
	case FC_PID:
		return slp_value(p, V_NUM | V_NEG | V_ACTOR | V_SLOT, 0, "a pid or an actor", v);
	case FC_TIME:
		return slp_value(p, V_NUM | V_TIME, 0, "a time", v);
	case FC_SIGNAL:
		if (slp_signal(p, 0, &n))
			return -1;
		*v = sl_num(n);
		return 0;
	case FC_ERRNO:
		if (slp_is_word(slp_peek(p), "0")) {
			slp_next(p);
			return 0;
		}
		if (slp_errno(p, &n))
			return -1;
		*v = sl_num(n);
		return 0;
	case FC_STRING:
		return slp_text_arg(p, f == SL_F_COMM ? "a process name" : "a path", str);
	case FC_U64:
		return u64_value(p, f, v);
	default:
		return slp_value(p, V_NUM | V_NEG, 0, "a number", v);
	}
}

static int add_pred(struct slp_parser *p, struct slp_pstep *ps, enum sl_field f, enum sl_cmp cmp,
		    struct sl_value v, int negated, int col, int fd, char *str)
{
	struct sl_predicate *pr = sl_step_add_pred(&ps->st, f, cmp, v);
	if (!pr) {
		free(str);
		return slp_oom(p);
	}
	pr->negated = negated;
	pr->col = col;
	pr->fd = fd;
	pr->str = str;
	return 0;
}

/* The text with each {{...}} as "0": what the regex checked at parse time
 * looks like once values are put in (a number, or a variable's text,
 * which goes in escaped). */
static char *placeholder_text(const char *text)
{
	char *t = strdup(text);
	if (!t)
		return NULL;
	for (char *at = strstr(t, "{{"); at; at = strstr(at + 1, "{{")) {
		char *end = strstr(at + 2, "}}");
		if (!end)
			break;
		*at = '0';
		memmove(at + 1, end + 2, strlen(end + 2) + 1);
	}
	return t;
}

/* stdout ~ "regex", stdout !~ "regex", stdout = "text", stdout != "text"
 * (and stderr, terminal): the regex is compiled now, so that a bad one is
 * an error of the script; {{NAME}} in it is a value put in when judged. */
static int output_predicate(struct slp_parser *p, struct slp_pstep *ps, enum sl_field f,
			    const struct slp_token *name)
{
	const struct slp_token *c = slp_peek(p);
	enum sl_cmp cmp;
	if (slp_is_word(c, "~"))
		cmp = SL_CMP_MATCH;
	else if (c->kind == TK_BANG && slp_is_word(slp_peek_at(p, 1), "~") && !slp_peek_at(p, 1)->spaced) {
		cmp = SL_CMP_NOMATCH;
		slp_next(p); /* the '!' */
	}
	else if (c->kind == TK_EQ || c->kind == TK_NE)
		cmp = c->kind == TK_EQ ? SL_CMP_EQ : SL_CMP_NE;
	else
		return slp_error(p, c->col, "'%s' is %s: write %s ~ \"regex\", %s !~ \"regex\", "
				 "%s = \"text\" or %s != \"text\"", name->text,
				 f == SL_F_TERMINAL ? "what was written to the terminal" : "a program's output",
				 name->text, name->text, name->text, name->text);
	slp_next(p);
	const struct slp_token *v = slp_peek(p);
	if (v->kind != TK_STRING && v->kind != TK_WORD)
		return slp_expected(p, cmp >= SL_CMP_MATCH ? "a regular expression in quotes" : "text in quotes");
	if (slp_substs(p, ps, v->text, ps->st.npreds, v->col))
		return -1;
	if (cmp >= SL_CMP_MATCH) {
		char why[160];
		char *checked = placeholder_text(v->text);
		if (!checked)
			return slp_oom(p);
		int bad = sl_regex_check(checked, why, sizeof(why)) < 0;
		free(checked);
		if (bad)
			return slp_error(p, v->col, "not a POSIX extended regular expression: %s", why);
	}
	char *str = strdup(v->text);
	if (!str)
		return slp_oom(p);
	slp_next(p);
	return add_pred(p, ps, f, cmp, (struct sl_value){ SL_VAL_NONE, 0, 0, 0 }, 0, name->col, 0, str);
}

static int predicate(struct slp_parser *p, struct slp_pstep *ps)
{
	const struct slp_token *t = slp_peek(p);
	int neg_col = 0, field, fd;
	if (t->kind == TK_BANG || (slp_is_word(t, "not") && slp_peek_at(p, 1)->kind == TK_WORD)) {
		neg_col = t->col;
		slp_next(p);
		t = slp_peek(p);
	}
	if (field_of(p, ps, t, &field, &fd))
		return -1;
	enum sl_field f = (enum sl_field)field;
	enum fclass cls = field_class(f);
	slp_next(p);
	const struct slp_token *c = slp_peek(p);
	struct sl_value v = { SL_VAL_NONE, 0, 0, 0 };
	if (cls == FC_FLAG) {
		if (is_cmp(c->kind))
			return slp_error(p, c->col, "'%s' is a flag: write '%s' or '!%s'", t->text, t->text,
					 t->text);
		return add_pred(p, ps, f, SL_CMP_TRUE, v, neg_col != 0, t->col, 0, NULL);
	}
	if (cls == FC_SEGREF) {
		if (is_cmp(c->kind))
			return slp_error(p, c->col, "write '%s SEG', without a comparison", t->text);
		if (slp_value(p, V_SLOT | V_NUM, 0, "a segment", &v))
			return -1;
		return add_pred(p, ps, f, SL_CMP_TRUE, v, neg_col != 0, t->col, 0, NULL);
	}
	if (neg_col)
		return slp_error(p, neg_col, "'%s' is not a flag; '!' and 'not' apply to flags only",
				 t->text);
	if (cls == FC_OUTPUT)
		return output_predicate(p, ps, f, t);
	if (!is_cmp(c->kind))
		return slp_error(p, c->col, "'%s' needs a comparison: = != < <= > >=", t->text);
	if (cls == FC_STRING && c->kind != TK_EQ && c->kind != TK_NE)
		return slp_error(p, c->col, "'%s' compares text: use = or !=", t->text);
	if (cls == FC_SIGNAL && f != SL_F_KILLED_BY && c->kind != TK_EQ && c->kind != TK_NE)
		return slp_error(p, c->col, "'%s' says whether a signal is in a set: use = or !=", t->text);
	slp_next(p);
	char *str = NULL;
	if (pred_value(p, f, &v, &str))
		return -1;
	if (str)
		v.kind = SL_VAL_NONE;
	return add_pred(p, ps, f, cmp_of(c->kind), v, 0, t->col, fd, str);
}

/* At a step's trailing clause: [claim ID] or [libc NAME]. */
static int at_claim(const struct slp_parser *p)
{
	return slp_peek(p)->kind == TK_LBRACK &&
	       (slp_is_word(slp_peek_at(p, 1), "claim") || slp_is_word(slp_peek_at(p, 1), "libc"));
}

int slp_expect_body(struct slp_parser *p, struct slp_pstep *ps)
{
	if (subject(p, ps))
		return -1;
	while (slp_peek(p)->kind != TK_EOL && !at_claim(p)) {
		if (slp_is_word(slp_peek(p), "within") && slp_peek_at(p, 1)->kind != TK_EQ) {
			const struct slp_token *w = slp_next(p);
			if (ps->st.within_ms)
				return slp_error(p, w->col, "one 'within' an expectation");
			if (slp_duration_ms(p, "within", &ps->st.within_ms))
				return -1;
			continue;
		}
		if (predicate(p, ps))
			return -1;
		if (slp_peek(p)->kind == TK_COMMA) {
			slp_next(p);
			if (slp_peek(p)->kind == TK_EOL || at_claim(p))
				return slp_expected(p, "a condition after ','");
		}
	}
	if (ps->st.npreds == 0)
		return slp_error(p, slp_peek(p)->col,
				 "expect needs at least one condition, as in 'expect seg nattch=1'");
	return 0;
}
