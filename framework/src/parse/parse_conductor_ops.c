/* parse_conductor_ops.c - the steps the conductor performs itself, as
 * parse_ops.c's table builds them: `sysctl` (in the scenario's IPC
 * namespace), `wait` (for an actor's end, or for the clock to pass a step's
 * second), `find` and `find-segment`
 * (processes and segments that shmlife did not start, by their filters), and
 * `key` (a keystroke on the terminal). */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>

#include "parse_internal.h"
#include "util.h"

/* ---- the conductor's steps ---------------------------------------------------- */

int slp_build_sysctl(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	(void)a;
	if (slp_peek(p)->kind == TK_EOL)
		return slp_error(p, op_col, "sysctl needs NAME = VALUE: sysctl kernel.shmmni = 8");
	return slp_sysctl_assignment(p, 1, 0, 0, &ps->st.str, &ps->st.str2);
}

/* wait ACTOR, or wait past time(NAME | line N): until the wall clock's whole
 * second (the one the kernel stamps a segment's times with) is later than
 * the second that step began in. */
int slp_build_wait(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	int actor;
	if (a[0].pos < 0)
		return slp_error(p, op_col, "wait needs an actor or a time: wait ACTOR, or wait past time(line N)");
	const struct slp_token *t = &p->ln.tok[a[0].pos];
	const struct slp_sym *sym = slp_sym_find(&p->names, t->text);
	int past = slp_is_word(t, "past") && a[0].end == a[0].pos + 1 &&
		   (a[1].pos >= 0 || !sym || (sym->kind != SYM_ACTOR && sym->kind != SYM_GROUP));
	if (!past) {
		if (a[1].pos >= 0)
			return slp_error(p, a[1].col, "wait takes one actor: wait ACTOR, or wait past time(line N)");
		if (slp_arg_actor(p, &a[0], "an actor", &actor))
			return -1;
		ps->st.args[0] = sl_actor(actor);
		ps->st.nargs = 1;
		return 0;
	}
	if (a[1].pos < 0)
		return slp_error(p, a[0].col, "wait past needs a time: wait past time(NAME) or wait past time(line N)");
	const struct slp_token *v = &p->ln.tok[a[1].pos];
	if (!slp_is_word(v, "time") || p->ln.tok[a[1].pos + 1].kind != TK_LPAREN)
		return slp_error(p, a[1].col, "wait past takes the time of a step: time(NAME) or time(line N)");
	if (slp_arg_value(p, &a[1], V_TIME, 0, "a time", LLONG_MIN, LLONG_MAX, &ps->st.args[0]))
		return -1;
	ps->st.nargs = 1;
	return 0;
}

/* find segment [key=KEY] [cpid=PID] -> seg: the one segment of the
 * namespace with that key and creator (a program made it). */
int slp_build_find_segment(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	ps->st.op = SL_OP_FIND_SEGMENT;
	for (int k = 3; k < 8; k++)
		if (a[k].pos >= 0)
			return slp_error(p, a[k].col, "find segment takes key= and cpid=; the other filters are a process's");
	struct sl_value key = { SL_VAL_NONE, 0, 0, 0 }, cpid = { SL_VAL_NONE, 0, 0, 0 };
	(void)op_col; /* neither key= nor cpid=: the one segment of the namespace */
	if (a[1].pos >= 0 && slp_arg_value(p, &a[1], V_NUM | V_NEG | V_SLOT | V_AUTO, SLC_KEY, "a key", INT32_MIN,
				       UINT32_MAX, &key))
		return -1;
	if (key.kind == SL_VAL_NUM)
		key.num = (int32_t)(uint32_t)key.num;
	if (a[2].pos >= 0 && slp_arg_value(p, &a[2], V_NUM | V_ACTOR | V_SLOT, 0, "a pid or an actor", 1, INT32_MAX, &cpid))
		return -1;
	ps->st.args[0] = key;
	ps->st.args[1] = cpid;
	ps->st.nargs = 2;
	return 0;
}

static struct sl_find_filter *find_filter(struct slp_parser *p, struct slp_pstep *ps)
{
	if (!ps->st.find && !(ps->st.find = calloc(1, sizeof(*ps->st.find))))
		slp_report_oom(p);
	return ps->st.find;
}

/* The filters after comm=NAME: ppid=PID, exe=PATH, args="regex",
 * pidfile=PATH, oldest | newest. */
static int find_filters(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a)
{
	struct sl_find_filter *f = NULL;
	if ((a[3].pos >= 0 || a[4].pos >= 0 || a[5].pos >= 0 || a[6].pos >= 0 || a[7].pos >= 0) &&
	    !(f = find_filter(p, ps)))
		return -1;
	if (a[3].pos >= 0 && slp_arg_value(p, &a[3], V_NUM | V_ACTOR | V_SLOT, 0, "a pid or an actor", 1, INT32_MAX, &f->ppid))
		return -1;
	if (a[4].pos >= 0 && slp_arg_text(p, &a[4], "a path", &f->exe))
		return -1;
	if (a[5].pos >= 0) {
		int col = a[5].col;
		char why[160];
		if (slp_arg_text(p, &a[5], "a regular expression", &f->args))
			return -1;
		if (sl_regex_check(f->args, why, sizeof(why)) < 0)
			return slp_error(p, col, "not a POSIX extended regular expression: %s", why);
	}
	if (a[6].pos >= 0 && slp_arg_text(p, &a[6], "a path", &f->pidfile))
		return -1;
	if (a[7].pos >= 0) {
		char *pick = NULL;
		int col = a[7].col;
		if (slp_arg_text(p, &a[7], "oldest or newest", &pick))
			return -1;
		f->pick = strcmp(pick, "oldest") == 0 ? SL_FIND_OLDEST : strcmp(pick, "newest") == 0 ? SL_FIND_NEWEST : -1;
		free(pick);
		if ((int)f->pick < 0)
			return slp_error(p, col, "pick=oldest or pick=newest: which of several to take");
	}
	return 0;
}

/* find comm=NAME [ppid=] [exe=] [args=] [pidfile=] [pick=] -> d: NAME as
 * /proc/PID/comm has it (at most 15 bytes). */
int slp_build_find(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	if (a[0].pos >= 0 && slp_is_word(&p->ln.tok[a[0].pos], "segment") && a[0].end == a[0].pos + 1)
		return slp_build_find_segment(p, ps, a, op_col);
	if (a[1].pos >= 0 || a[2].pos >= 0)
		return slp_error(p, a[1].pos >= 0 ? a[1].col : a[2].col, "key= and cpid= find a segment: "
				 "find segment key=0x1234 -> seg");
	if (a[0].pos < 0)
		return slp_error(p, op_col, "find needs a process name: find comm=mydaemon -> d");
	if (find_filters(p, ps, a))
		return -1;
	int col = a[0].col;
	if (slp_arg_text(p, &a[0], "a process name", &ps->st.str))
		return -1;
	size_t n = strlen(ps->st.str);
	if (n == 0 || n > 15)
		return slp_error(p, col, "a comm is 1 to 15 bytes (the kernel keeps the first 15 of a "
				 "program's name), not %zu", n);
	return 0;
}

/* ^C is 3, ^\ is 28, ^? is 127. */
static int caret_key(const char *w)
{
	if (w[0] != '^' || !w[1])
		return -1;
	if (strcmp(w + 1, "\\\\") == 0)
		return 28;
	if (w[2])
		return -1;
	if (w[1] == '?')
		return 127;
	int c = toupper((unsigned char)w[1]);
	return c >= '@' && c <= '_' ? c - '@' : -1;
}

int slp_build_key(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	if (a[0].pos < 0)
		return slp_error(p, op_col, "key needs a key: key ^C");
	p->pos = a[0].pos;
	const struct slp_token *t = slp_peek(p);
	ps->st.nargs = 1;
	if (t->kind == TK_WORD && t->text[0] == '^') {
		int k = caret_key(t->text);
		if (k < 0)
			return slp_error(p, t->col,
					 "unknown key '%.40s': write ^C, ^\\, ^Z, ^D, a character \"q\" or a number",
					 t->text);
		ps->st.args[0] = sl_num(k);
		slp_next(p);
		return slp_arg_end(p, &a[0]);
	}
	if (t->kind == TK_STRING) {
		if (t->slen != 1)
			return slp_error(p, t->col, "key types one character, not %zu", t->slen);
		ps->st.args[0] = sl_num((unsigned char)t->text[0]);
		slp_next(p);
		return slp_arg_end(p, &a[0]);
	}
	return slp_arg_value(p, &a[0], V_NUM, 0, "a key code", 0, 255, &ps->st.args[0]);
}
