/* parse_step.c - step lines: `ACTOR OP ARGS... [-> NAME] [OUTCOME] [[claim ID]]`
 * and the conductor's steps (sysctl, wait, hangup, key, expect).  A step on
 * a group is parsed once per member, giving one step each.  Arguments are
 * positional or NAME=VALUE; each operation's table entry says which. */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>

#include "parse_internal.h"

#define OPF_BINDS   0x01 /* '-> NAME' binds its result                  */
#define OPF_RETURNS 0x02 /* '= VALUE' / 'returns VALUE'                  */
#define OPF_FAILS   0x04 /* 'fails ERRNO'                                */
#define OPF_DIES    0x08 /* 'dies [SIGNAL]'                              */
#define OPF_EXITS   0x10 /* 'exits STATUS'                               */
#define OPF_ANY     0x20 /* 'any'                                        */
#define OPF_RAW     0x40 /* parses its own arguments (exec, sysctl)      */
#define OPF_CALL    (OPF_RETURNS | OPF_FAILS | OPF_DIES | OPF_ANY)

#define MAX_PARAMS 6

struct param {
	const char *name;
	int kwonly;          /* only as NAME=VALUE */
};

struct arg {
	int pos, end;        /* tokens of its value; pos -1: not given */
	int col;             /* where it was written */
};

struct op_def {
	unsigned flags;
	struct param params[MAX_PARAMS];
	int (*build)(struct slp_parser *p, struct slp_pstep *ps, struct arg *a, int op_col);
};

/* ---- reading one argument ---------------------------------------------------- */

static int arg_end(struct slp_parser *p, const struct arg *a)
{
	if (p->pos == a->end)
		return 0;
	char show[SLP_SHOW];
	const struct slp_token *t = slp_peek(p);
	return slp_error(p, t->col, "unexpected %s", slp_tok_show(t, show, sizeof(show)));
}

static int arg_value(struct slp_parser *p, const struct arg *a, unsigned accept, unsigned cls,
		     const char *what, long long min, long long max, struct sl_value *out)
{
	p->pos = a->pos;
	if (slp_value_range(p, accept, cls, what, min, max, out))
		return -1;
	return arg_end(p, a);
}

static int arg_text(struct slp_parser *p, const struct arg *a, const char *what, char **out)
{
	p->pos = a->pos;
	if (slp_text_arg(p, what, out))
		return -1;
	if (arg_end(p, a)) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

static int arg_signal(struct slp_parser *p, const struct arg *a, int min, int *sig)
{
	p->pos = a->pos;
	return slp_signal(p, min, sig) || arg_end(p, a) ? -1 : 0;
}

static int arg_actor(struct slp_parser *p, const struct arg *a, const char *what, int *actor)
{
	p->pos = a->pos;
	return slp_actor_value(p, what, actor) || arg_end(p, a) ? -1 : 0;
}

/* ---- shared memory ---------------------------------------------------------- */

static int build_shmget(struct slp_parser *p, struct slp_pstep *ps, struct arg *a, int op_col)
{
	struct sl_value key, size = sl_num(0), flags = sl_num(0);
	if (a[0].pos < 0)
		return slp_error(p, op_col,
				 "shmget needs a key: key=auto, key=IPC_PRIVATE, key=0x1234 or key=ftok(PATH, N)");
	if (arg_value(p, &a[0], V_NUM | V_NEG | V_SLOT | V_AUTO | V_FTOK, SLC_KEY, "a key",
		      INT32_MIN, UINT32_MAX, &key))
		return -1;
	if (key.kind == SL_VAL_NUM)
		key.num = (int32_t)(uint32_t)key.num; /* as key_t sees it */
	if (a[1].pos >= 0 && arg_value(p, &a[1], V_NUM | V_SLOT, 0, "a size", 0, LLONG_MAX, &size))
		return -1;
	if (a[2].pos >= 0 && arg_value(p, &a[2], V_NUM | V_OR | V_OCTAL, SLC_SHMGET, "a shmget flag",
				       0, UINT32_MAX, &flags))
		return -1;
	ps->st.args[0] = key;
	ps->st.args[1] = size;
	ps->st.args[2] = flags;
	ps->st.nargs = 3;
	return 0;
}

static int build_shmat(struct slp_parser *p, struct slp_pstep *ps, struct arg *a, int op_col)
{
	struct sl_value seg, flags = sl_num(0), addr;
	if (a[0].pos < 0)
		return slp_error(p, op_col, "shmat needs a segment: shmat SEG");
	if (arg_value(p, &a[0], V_NUM | V_NEG | V_SLOT, 0, "a segment", INT_MIN, INT_MAX, &seg))
		return -1;
	if (a[1].pos >= 0 && arg_value(p, &a[1], V_NUM | V_OR, SLC_SHMAT, "a shmat flag", 0,
				       UINT32_MAX, &flags))
		return -1;
	ps->st.args[0] = seg;
	ps->st.args[1] = flags;
	ps->st.nargs = 2;
	if (a[2].pos >= 0) {
		if (arg_value(p, &a[2], V_NUM | V_SLOT, 0, "an address", 0, LLONG_MAX, &addr))
			return -1;
		ps->st.args[2] = addr;
		ps->st.nargs = 3;
	}
	return 0;
}

static int build_shmdt(struct slp_parser *p, struct slp_pstep *ps, struct arg *a, int op_col)
{
	if (a[0].pos < 0)
		return slp_error(p, op_col, "shmdt needs an address: shmdt ADDR");
	p->pos = a[0].pos;
	if (slp_value_range(p, V_NUM | V_SLOT, 0, "an address", 0, LLONG_MAX, &ps->st.args[0]))
		return -1;
	if (slp_peek(p)->kind == TK_PLUS)
		return slp_error(p, slp_peek(p)->col,
				 "shmdt takes the address shmat returned; an offset is not allowed here");
	ps->st.nargs = 1;
	return arg_end(p, &a[0]);
}

static int build_shmctl(struct slp_parser *p, struct slp_pstep *ps, struct arg *a, int op_col)
{
	struct sl_value *v = ps->st.args;
	if (a[0].pos < 0)
		return slp_error(p, op_col, "shmctl needs a segment and a command: shmctl SEG IPC_RMID");
	if (a[1].pos < 0)
		return slp_error(p, op_col, "shmctl needs a command such as IPC_RMID or IPC_STAT");
	if (arg_value(p, &a[0], V_NUM | V_NEG | V_SLOT, 0, "a segment", INT_MIN, INT_MAX, &v[0]) ||
	    arg_value(p, &a[1], V_NUM | V_NEG, SLC_SHMCTL, "a shmctl command", INT_MIN, INT_MAX, &v[1]))
		return -1;
	ps->st.nargs = 2;
	v[2] = v[3] = v[4] = sl_num(-1);
	int set = v[1].num == IPC_SET;
	for (int i = 2; i <= 4; i++) {
		if (a[i].pos < 0)
			continue;
		if (!set)
			return slp_error(p, a[i].col, "mode=, uid= and gid= are for IPC_SET only");
		if (arg_value(p, &a[i], V_NUM | (i == 2 ? V_OCTAL : V_NEG), 0,
			      i == 2 ? "a mode" : i == 3 ? "a uid" : "a gid", i == 2 ? 0 : -1,
			      i == 2 ? 07777 : 4294967294LL, &v[i]))
			return -1;
	}
	if (set)
		ps->st.nargs = 5; /* -1: unchanged */
	return 0;
}

static int build_ftok(struct slp_parser *p, struct slp_pstep *ps, struct arg *a, int op_col)
{
	if (a[0].pos < 0 || a[1].pos < 0)
		return slp_error(p, op_col, "ftok needs a path and a project id: ftok PATH N");
	if (arg_text(p, &a[0], "a path", &ps->st.str) ||
	    arg_value(p, &a[1], V_NUM | V_NEG, 0, "a project id", INT_MIN, INT_MAX, &ps->st.args[0]))
		return -1;
	ps->st.nargs = 1;
	return 0;
}

/* ---- write and read ---------------------------------------------------------- */

/* "0xdeadbeef": the bytes de ad be ef, in that order. */
static int hex_bytes(struct slp_parser *p, const struct slp_token *t, unsigned char **out,
		     size_t *n)
{
	const char *h = t->text + 2;
	size_t len = strlen(h);
	if (len == 0 || strspn(h, "0123456789abcdefABCDEF") != len)
		return slp_error(p, t->col, "bad hex data '%.40s'", t->text);
	if (len % 2)
		return slp_error(p, t->col, "hex data needs an even number of digits: '%.40s'", t->text);
	*n = len / 2;
	if (!(*out = malloc(*n)))
		return slp_oom(p);
	for (size_t i = 0; i < *n; i++) {
		char pair[3] = { h[2 * i], h[2 * i + 1], '\0' };
		(*out)[i] = (unsigned char)strtoul(pair, NULL, 16);
	}
	return 0;
}

static int data_literal(struct slp_parser *p, const struct arg *a, unsigned char **out, size_t *n)
{
	p->pos = a->pos;
	const struct slp_token *t = slp_peek(p);
	if (t->kind == TK_STRING) {
		*n = t->slen;
		if (*n && !(*out = malloc(*n)))
			return slp_oom(p);
		if (*n)
			memcpy(*out, t->text, *n);
	} else if (t->kind == TK_WORD && t->text[0] == '0' && (t->text[1] == 'x' || t->text[1] == 'X')) {
		if (hex_bytes(p, t, out, n))
			return -1;
	} else {
		return slp_expected(p, "data: a string or 0x bytes");
	}
	slp_next(p);
	return arg_end(p, a);
}

/* bytes=N fill=B, or zeros=N. */
static int data_fill(struct slp_parser *p, const struct arg *count, const struct arg *fill,
		     unsigned char **out, size_t *n)
{
	struct sl_value c, f = sl_num(0);
	if (arg_value(p, count, V_NUM, 0, "a byte count", 1, SLP_MAX_DATA, &c))
		return -1;
	if (fill && fill->pos >= 0 && arg_value(p, fill, V_NUM, 0, "a fill byte", 0, 255, &f))
		return -1;
	*n = (size_t)c.num;
	if (p->data_total + *n > SLP_MAX_DATA_TOTAL)
		return 0; /* said by the caller, before anything is allocated */
	if (!(*out = malloc(*n)))
		return slp_oom(p);
	memset(*out, (int)f.num, *n);
	return 0;
}

/* write/read ADDR[+OFFSET] DATA; params: addr, data, bytes, fill, zeros. */
static int build_data(struct slp_parser *p, struct slp_pstep *ps, struct arg *a, int op_col)
{
	const char *op = sl_op_name(ps->st.op);
	struct sl_value addr, off = sl_num(0);
	if (a[0].pos < 0)
		return slp_error(p, op_col, "%s needs an address: %s ADDR DATA", op, op);
	p->pos = a[0].pos;
	if (slp_value_range(p, V_NUM | V_SLOT, 0, "an address", 0, LLONG_MAX, &addr))
		return -1;
	if (slp_peek(p)->kind == TK_PLUS) {
		slp_next(p);
		if (slp_value_range(p, V_NUM, 0, "an offset", 0, LLONG_MAX, &off))
			return -1;
	}
	if (arg_end(p, &a[0]))
		return -1;
	if (a[3].pos >= 0 && a[2].pos < 0)
		return slp_error(p, a[3].col, "fill= goes with bytes=N");
	int given = 0, second = 0;
	for (int i = 1; i <= 4; i += (i == 2 ? 2 : 1))
		if (a[i].pos >= 0 && given++ == 1)
			second = a[i].col;
	if (!given)
		return slp_error(p, op_col,
				 "%s needs data: a string, 0x bytes, bytes=N [fill=0xNN] or zeros=N", op);
	if (given > 1)
		return slp_error(p, second, "give the data once: a string, 0x bytes, bytes= or zeros=");
	unsigned char *bytes = NULL;
	size_t n = 0;
	int rc = a[1].pos >= 0 ? data_literal(p, &a[1], &bytes, &n)
		 : a[2].pos >= 0 ? data_fill(p, &a[2], &a[3], &bytes, &n)
				 : data_fill(p, &a[4], NULL, &bytes, &n);
	if (!rc && n == 0)
		rc = slp_error(p, a[1].col, "%s needs at least one byte", op);
	if (!rc && p->data_total + n > SLP_MAX_DATA_TOTAL)
		rc = slp_error(p, a[1].pos >= 0 ? a[1].col : a[2].pos >= 0 ? a[2].col : a[4].col,
			       "the data of the script's reads and writes is over %d MiB",
			       SLP_MAX_DATA_TOTAL >> 20);
	if (rc) {
		free(bytes);
		return -1;
	}
	p->data_total += n;
	ps->st.bytes = bytes;
	ps->st.nbytes = n;
	ps->st.args[0] = addr;
	ps->st.args[1] = off;
	ps->st.nargs = 2;
	return 0;
}

/* ---- processes ------------------------------------------------------------------ */

static int build_none(struct slp_parser *p, struct slp_pstep *ps, struct arg *a, int op_col)
{
	(void)p, (void)ps, (void)a, (void)op_col;
	return 0;
}

static int build_exit(struct slp_parser *p, struct slp_pstep *ps, struct arg *a, int op_col)
{
	(void)op_col;
	ps->st.args[0] = sl_num(0);
	ps->st.nargs = 1;
	if (a[0].pos >= 0)
		return arg_value(p, &a[0], V_NUM, 0, "an exit status", 0, 255, &ps->st.args[0]);
	return 0;
}

static int build_crash(struct slp_parser *p, struct slp_pstep *ps, struct arg *a, int op_col)
{
	int sig;
	if (a[0].pos < 0)
		return slp_error(p, op_col, "crash needs a signal: crash SIGKILL");
	if (arg_signal(p, &a[0], 1, &sig))
		return -1;
	ps->st.args[0] = sl_num(sig);
	ps->st.nargs = 1;
	return 0;
}

static int build_kill(struct slp_parser *p, struct slp_pstep *ps, struct arg *a, int op_col)
{
	int actor, sig;
	if (a[0].pos < 0 || a[1].pos < 0)
		return slp_error(p, op_col, "kill needs an actor and a signal: kill ACTOR SIGTERM");
	if (arg_actor(p, &a[0], "an actor", &actor) || arg_signal(p, &a[1], 0, &sig))
		return -1;
	ps->st.args[0] = sl_actor(actor);
	ps->st.args[1] = sl_num(sig);
	ps->st.nargs = 2;
	return 0;
}

/* A pid argument: 0 (self), a number, an actor, or a bound pid. */
static int pid_arg(struct slp_parser *p, const struct arg *a, struct sl_value *v)
{
	*v = sl_num(0);
	if (a->pos < 0)
		return 0;
	return arg_value(p, a, V_NUM | V_ACTOR | V_SLOT, 0, "a pid", 0, INT_MAX, v);
}

static int build_setpgid(struct slp_parser *p, struct slp_pstep *ps, struct arg *a, int op_col)
{
	(void)op_col;
	ps->st.nargs = 2;
	return pid_arg(p, &a[0], &ps->st.args[0]) || pid_arg(p, &a[1], &ps->st.args[1]) ? -1 : 0;
}

static int build_getsid(struct slp_parser *p, struct slp_pstep *ps, struct arg *a, int op_col)
{
	(void)op_col;
	ps->st.nargs = 1;
	return pid_arg(p, &a[0], &ps->st.args[0]);
}

static int build_umask(struct slp_parser *p, struct slp_pstep *ps, struct arg *a, int op_col)
{
	if (a[0].pos < 0)
		return slp_error(p, op_col, "umask needs a mask: umask 022");
	ps->st.nargs = 1;
	return arg_value(p, &a[0], V_NUM | V_OCTAL, 0, "a umask", 0, 0777, &ps->st.args[0]);
}

static int build_chdir(struct slp_parser *p, struct slp_pstep *ps, struct arg *a, int op_col)
{
	if (a[0].pos < 0)
		return slp_error(p, op_col, "chdir needs a path: chdir /");
	return arg_text(p, &a[0], "a path", &ps->st.str);
}

static int build_open(struct slp_parser *p, struct slp_pstep *ps, struct arg *a, int op_col)
{
	if (a[0].pos < 0)
		return slp_error(p, op_col, "open needs a path: open /dev/tty flags=O_RDWR");
	if (arg_text(p, &a[0], "a path", &ps->st.str))
		return -1;
	ps->st.args[0] = sl_num(0);
	ps->st.nargs = 1;
	if (a[1].pos >= 0 && arg_value(p, &a[1], V_NUM | V_OR, SLC_OPEN, "an open flag", 0,
				       INT_MAX, &ps->st.args[0]))
		return -1;
	if (a[2].pos >= 0) {
		ps->st.nargs = 2;
		return arg_value(p, &a[2], V_NUM | V_OCTAL, 0, "a mode", 0, 07777, &ps->st.args[1]);
	}
	return 0;
}

static int build_daemon(struct slp_parser *p, struct slp_pstep *ps, struct arg *a, int op_col)
{
	(void)op_col;
	ps->st.args[0] = ps->st.args[1] = sl_num(0);
	ps->st.nargs = 2;
	for (int i = 0; i < 2; i++)
		if (a[i].pos >= 0 && arg_value(p, &a[i], V_NUM, 0, i ? "noclose" : "nochdir", 0, 1,
					       &ps->st.args[i]))
			return -1;
	return 0;
}

/* ---- exec: arguments are words as in a shell ---------------------------------- */

static int exec_end(const struct slp_parser *p)
{
	const struct slp_token *t = slp_peek(p);
	if (t->kind == TK_EQ)
		return 0;
	return t->kind == TK_EOL || slp_is_clause_start(p, p->pos);
}

/* A run of adjacent tokens, strings decoded: -c, "exit 3", FOO="a b". */
static char *exec_word(struct slp_parser *p)
{
	size_t len = 0;
	int first = 1;
	for (int i = p->pos; p->ln.tok[i].kind != TK_EOL && p->ln.tok[i].kind != TK_ARROW &&
			     (first || !p->ln.tok[i].spaced); i++, first = 0)
		len += p->ln.tok[i].slen;
	char *w = malloc(len + 1);
	if (!w) {
		slp_oom(p);
		return NULL;
	}
	size_t n = 0;
	first = 1;
	while (slp_peek(p)->kind != TK_EOL && slp_peek(p)->kind != TK_ARROW &&
	       (first || !slp_peek(p)->spaced)) {
		const struct slp_token *t = slp_next(p);
		if (t->kind == TK_STRING && memchr(t->text, '\0', t->slen)) {
			free(w);
			slp_error(p, t->col, "an argument cannot contain \\0");
			return NULL;
		}
		memcpy(w + n, t->text, t->slen);
		n += t->slen;
		first = 0;
	}
	w[n] = '\0';
	return w;
}

static int push_word(char ***v, size_t *n, char *w)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(char *));
	if (!nv)
		return -1;
	nv[(*n)++] = w;
	nv[*n] = NULL;
	*v = nv;
	return 0;
}

static int env_entry_ok(const char *w)
{
	const char *eq = strchr(w, '=');
	if (!eq || eq == w || (!isalpha((unsigned char)w[0]) && w[0] != '_'))
		return 0;
	for (const char *c = w; c < eq; c++)
		if (!isalnum((unsigned char)*c) && *c != '_')
			return 0;
	return 1;
}

static int build_exec(struct slp_parser *p, struct slp_pstep *ps, struct arg *a, int op_col)
{
	(void)a;
	size_t argc = 0, envc = 0;
	int env_col = 0;
	while (!exec_end(p)) {
		const struct slp_token *t = slp_peek(p);
		if (!env_col && argc > 0 && slp_is_word(t, "env") && slp_peek_at(p, 1)->spaced) {
			env_col = t->col;
			slp_next(p);
			continue;
		}
		char *w = exec_word(p);
		if (!w)
			return -1;
		if (env_col && !env_entry_ok(w)) {
			free(w);
			return slp_error(p, t->col, "env takes NAME=VALUE, not '%.40s'", t->text);
		}
		if (push_word(env_col ? &ps->st.envp : &ps->st.argv, env_col ? &envc : &argc, w)) {
			free(w);
			return slp_oom(p);
		}
	}
	if (argc == 0)
		return slp_error(p, op_col, "exec needs a program: exec PATH ARGS...");
	if (env_col && envc == 0)
		return slp_error(p, env_col, "env needs NAME=VALUE");
	return 0;
}

/* ---- the conductor's steps ---------------------------------------------------- */

static int build_sysctl(struct slp_parser *p, struct slp_pstep *ps, struct arg *a, int op_col)
{
	(void)a;
	if (slp_peek(p)->kind == TK_EOL)
		return slp_error(p, op_col, "sysctl needs NAME = VALUE: sysctl kernel.shmmni = 8");
	return slp_sysctl_assignment(p, 1, 0, &ps->st.str, &ps->st.str2);
}

static int build_wait(struct slp_parser *p, struct slp_pstep *ps, struct arg *a, int op_col)
{
	int actor;
	if (a[0].pos < 0)
		return slp_error(p, op_col, "wait needs an actor: wait ACTOR");
	if (arg_actor(p, &a[0], "an actor", &actor))
		return -1;
	ps->st.args[0] = sl_actor(actor);
	ps->st.nargs = 1;
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

static int build_key(struct slp_parser *p, struct slp_pstep *ps, struct arg *a, int op_col)
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
		return arg_end(p, &a[0]);
	}
	if (t->kind == TK_STRING) {
		if (t->slen != 1)
			return slp_error(p, t->col, "key types one character, not %zu", t->slen);
		ps->st.args[0] = sl_num((unsigned char)t->text[0]);
		slp_next(p);
		return arg_end(p, &a[0]);
	}
	return arg_value(p, &a[0], V_NUM, 0, "a key code", 0, 255, &ps->st.args[0]);
}

/* ---- the table of operations ----------------------------------------------------- */

#define P(n) { n, 0 }
#define KW(n) { n, 1 }
static const struct op_def ops[SL_OP__COUNT] = {
	[SL_OP_SHMGET] = { OPF_BINDS | OPF_CALL, { P("key"), P("size"), P("flags") }, build_shmget },
	[SL_OP_SHMAT] = { OPF_BINDS | OPF_CALL, { P("seg"), P("flags"), P("addr") }, build_shmat },
	[SL_OP_SHMDT] = { OPF_CALL, { P("addr") }, build_shmdt },
	[SL_OP_SHMCTL] = { OPF_BINDS | OPF_CALL,
			   { P("seg"), P("cmd"), P("mode"), KW("uid"), KW("gid") }, build_shmctl },
	[SL_OP_FTOK] = { OPF_BINDS | OPF_CALL, { P("path"), P("proj") }, build_ftok },
	[SL_OP_WRITE] = { OPF_DIES | OPF_ANY,
			  { P("addr"), P("data"), KW("bytes"), KW("fill"), KW("zeros") }, build_data },
	[SL_OP_READ] = { OPF_DIES | OPF_ANY,
			 { P("addr"), P("data"), KW("bytes"), KW("fill"), KW("zeros") }, build_data },
	[SL_OP_FORK] = { OPF_BINDS | OPF_FAILS | OPF_DIES | OPF_ANY, { { 0, 0 } }, build_none },
	[SL_OP_EXIT] = { OPF_EXITS | OPF_ANY, { P("status") }, build_exit },
	[SL_OP_CRASH] = { OPF_DIES | OPF_ANY, { P("signal") }, build_crash },
	[SL_OP_KILL] = { OPF_CALL, { P("target"), P("signal") }, build_kill },
	[SL_OP_EXEC] = { OPF_RAW | OPF_EXITS | OPF_DIES | OPF_FAILS | OPF_ANY, { { 0, 0 } }, build_exec },
	[SL_OP_SETSID] = { OPF_BINDS | OPF_CALL, { { 0, 0 } }, build_none },
	[SL_OP_SETPGID] = { OPF_CALL, { P("pid"), P("pgid") }, build_setpgid },
	[SL_OP_GETSID] = { OPF_BINDS | OPF_CALL, { P("pid") }, build_getsid },
	[SL_OP_UMASK] = { OPF_BINDS | OPF_RETURNS | OPF_DIES | OPF_ANY, { P("mask") }, build_umask },
	[SL_OP_CHDIR] = { OPF_CALL, { P("path") }, build_chdir },
	[SL_OP_CLOSE_FDS] = { OPF_FAILS | OPF_DIES | OPF_ANY, { { 0, 0 } }, build_none },
	[SL_OP_NULL_STDIO] = { OPF_FAILS | OPF_DIES | OPF_ANY, { { 0, 0 } }, build_none },
	[SL_OP_OPEN] = { OPF_BINDS | OPF_CALL, { P("path"), P("flags"), P("mode") }, build_open },
	[SL_OP_FORK_DETACH] = { OPF_FAILS | OPF_DIES | OPF_ANY, { { 0, 0 } }, build_none },
	[SL_OP_DAEMON] = { OPF_FAILS | OPF_DIES | OPF_ANY, { P("nochdir"), P("noclose") }, build_daemon },
	[SL_OP_SYSCTL] = { OPF_RAW | OPF_FAILS | OPF_ANY, { { 0, 0 } }, build_sysctl },
	[SL_OP_WAIT] = { 0, { P("actor") }, build_wait },
	[SL_OP_HANGUP] = { 0, { { 0, 0 } }, build_none },
	[SL_OP_TTY_KEY] = { 0, { P("key") }, build_key },
	[SL_OP_EXPECT] = { OPF_RAW, { { 0, 0 } }, NULL },
};
#undef P
#undef KW

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
	if (t[i].kind == TK_LBRACK && !t[i].spaced && !slp_is_word(&t[i + 1], "claim")) {
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

static int param_index(const struct op_def *od, const char *name)
{
	for (int i = 0; i < MAX_PARAMS && od->params[i].name; i++)
		if (strcmp(od->params[i].name, name) == 0)
			return i;
	return -1;
}

static int unknown_param(struct slp_parser *p, const struct op_def *od, enum sl_op op,
			 const struct slp_token *t)
{
	struct slp_suggest sg;
	slp_suggest_init(&sg, t->text);
	for (int i = 0; i < MAX_PARAMS && od->params[i].name; i++)
		slp_suggest_add(&sg, od->params[i].name);
	if (!od->params[0].name)
		return slp_error(p, t->col, "%s takes no arguments", sl_op_name(op));
	if (slp_suggest_best(&sg))
		return slp_error(p, t->col, "%s has no argument '%.40s'; did you mean '%s'?",
				 sl_op_name(op), t->text, slp_suggest_best(&sg));
	return slp_error(p, t->col, "%s has no argument '%.40s'", sl_op_name(op), t->text);
}

static int keyword_arg(struct slp_parser *p, const struct op_def *od, enum sl_op op,
		       struct arg *args)
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
	args[k] = (struct arg){ p->pos, end, t->col };
	p->pos = end;
	return 0;
}

static int positional_arg(struct slp_parser *p, const struct op_def *od, enum sl_op op,
			  struct arg *args, int *npos)
{
	const struct slp_token *t = slp_peek(p);
	char show[SLP_SHOW];
	int k = -1, seen = 0, max = 0;
	for (int i = 0; i < MAX_PARAMS && od->params[i].name; i++) {
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
	args[k] = (struct arg){ p->pos, end, t->col };
	p->pos = end;
	(*npos)++;
	return 0;
}

static int collect_args(struct slp_parser *p, const struct op_def *od, enum sl_op op,
			struct arg *args)
{
	int npos = 0;
	for (int i = 0; i < MAX_PARAMS; i++)
		args[i] = (struct arg){ -1, -1, 0 };
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

static int outcome_once(struct slp_parser *p, struct slp_pstep *ps, const struct op_def *od,
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

static int clause_fails(struct slp_parser *p, const struct op_def *od, struct slp_pstep *ps)
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

static int clause_dies(struct slp_parser *p, const struct op_def *od, struct slp_pstep *ps)
{
	int sig = 0;
	if (outcome_once(p, ps, od, OPF_DIES, slp_peek(p)))
		return -1;
	if (slp_peek(p)->kind == TK_WORD && !slp_is_clause_start(p, p->pos) && slp_signal(p, 1, &sig))
		return -1;
	sl_step_expect_signal(&ps->st, sig);
	return 0;
}

static int clause_exits(struct slp_parser *p, const struct op_def *od, struct slp_pstep *ps)
{
	struct sl_value v;
	if (outcome_once(p, ps, od, OPF_EXITS, slp_peek(p)) ||
	    slp_value_range(p, V_NUM, 0, "an exit status", 0, 255, &v))
		return -1;
	ps->st.outcome.kind = SL_EXPECT_EXITS;
	ps->st.outcome.status = (int)v.num;
	return 0;
}

static int clause_any(struct slp_parser *p, const struct op_def *od, struct slp_pstep *ps)
{
	if (outcome_once(p, ps, od, OPF_ANY, slp_peek(p)))
		return -1;
	ps->st.outcome.kind = SL_EXPECT_ANY;
	return 0;
}

static int clause_returns(struct slp_parser *p, const struct op_def *od, struct slp_pstep *ps)
{
	if (outcome_once(p, ps, od, OPF_RETURNS, slp_peek(p)) ||
	    slp_value(p, V_NUM | V_NEG | V_OR | V_SLOT | V_ACTOR | V_AUTO, ~0u, "a value",
		      &ps->st.outcome.value))
		return -1;
	ps->st.outcome.has_value = 1;
	return 0;
}

static int clause_bind(struct slp_parser *p, const struct op_def *od, struct slp_pstep *ps)
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

/* Trailing clauses.  Fault injection (issue 6) adds its clause to this table,
 * e.g. { "inject", clause_inject } for `inject errno=ENOMEM call=2`, filling
 * ps->st.faults; the word becomes reserved and ends argument lists. */
static const struct {
	const char *word;
	int (*parse)(struct slp_parser *p, const struct op_def *od, struct slp_pstep *ps);
} clause_words[] = {
	{ "fails", clause_fails },
	{ "dies", clause_dies },
	{ "exits", clause_exits },
	{ "any", clause_any },
	{ "returns", clause_returns },
};
#define N_CLAUSE_WORDS ((int)(sizeof(clause_words) / sizeof(clause_words[0])))

static int clause_word(const struct slp_token *t)
{
	if (t->kind != TK_WORD)
		return -1;
	for (int i = 0; i < N_CLAUSE_WORDS; i++)
		if (strcmp(clause_words[i].word, t->text) == 0)
			return i;
	return -1;
}

int slp_is_clause_start(const struct slp_parser *p, int pos)
{
	const struct slp_token *t = &p->ln.tok[pos];
	if (t->kind == TK_ARROW || t->kind == TK_EQ)
		return 1;
	if (t->kind == TK_LBRACK && pos + 1 < p->ln.ntok && slp_is_word(t + 1, "claim"))
		return 1;
	return clause_word(t) >= 0;
}

static int clauses(struct slp_parser *p, const struct op_def *od, struct slp_pstep *ps)
{
	int expect = ps->st.op == SL_OP_EXPECT;
	while (slp_peek(p)->kind != TK_EOL) {
		const struct slp_token *t = slp_peek(p);
		int w = clause_word(t), rc;
		char show[SLP_SHOW];
		if (t->kind == TK_LBRACK && slp_is_word(slp_peek_at(p, 1), "claim"))
			rc = slp_claim_clause(p, ps);
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

/* Checks and defaults once the whole step is read. */
static int finish_step(struct slp_parser *p, struct slp_pstep *ps, int op_col)
{
	struct sl_outcome_spec *o = &ps->st.outcome;
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
	default:
		break;
	}
	return 0;
}

/* ---- one step, and a line expanded over a group ---------------------------------- */

static int one_step(struct slp_parser *p, enum sl_op op, int op_col)
{
	const struct op_def *od = &ops[op];
	struct slp_pstep *ps = &p->pl.main;
	slp_pstep_init(ps, p->actor, op, p->ln.lineno, p->ln.tok[0].col);
	p->pl.has_main = 1;
	struct arg args[MAX_PARAMS];
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
	static const char *const keywords[] = { "expect", "sysctl", "wait", "hangup", "key", NULL };
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
		if (s && s->kind == SYM_GROUP && (b->kind != TK_LBRACK || b->spaced)) {
			group = s->index;
			count = s->count;
		}
	}
	return run_line(p, (enum sl_op)op, SL_CONDUCTOR, group, count, p->pos, t0->col);
}
