/* parse_ops.c - the operations of the language: for each, the arguments it
 * takes (positional order, NAME=VALUE names), the clauses it allows, and how
 * its step is built from them (the argument conventions of scenario.h). */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>

#include "parse_internal.h"
#include "util.h"

/* ---- shared memory ---------------------------------------------------------- */

static int build_shmget(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	struct sl_value key, size = sl_num(0), flags = sl_num(0);
	if (a[0].pos < 0)
		return slp_error(p, op_col,
				 "shmget needs a key: key=auto, key=IPC_PRIVATE, key=0x1234 or key=ftok(PATH, N)");
	if (slp_arg_value(p, &a[0], V_NUM | V_NEG | V_SLOT | V_AUTO | V_FTOK, SLC_KEY, "a key",
		      INT32_MIN, UINT32_MAX, &key))
		return -1;
	if (key.kind == SL_VAL_NUM)
		key.num = (int32_t)(uint32_t)key.num; /* as key_t sees it */
	if (a[1].pos >= 0 && slp_arg_value(p, &a[1], V_NUM | V_SLOT, 0, "a size", 0, LLONG_MAX, &size))
		return -1;
	if (a[2].pos >= 0 && slp_arg_value(p, &a[2], V_NUM | V_OR | V_OCTAL, SLC_SHMGET, "a shmget flag",
				       0, UINT32_MAX, &flags))
		return -1;
	ps->st.args[0] = key;
	ps->st.args[1] = size;
	ps->st.args[2] = flags;
	ps->st.nargs = 3;
	return 0;
}

static int addr_plus(struct slp_parser *p, const struct slp_arg *a, struct sl_value *addr, struct sl_value *off);

static int build_shmat(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	struct sl_value seg, flags = sl_num(0), addr;
	if (a[0].pos < 0)
		return slp_error(p, op_col, "shmat needs a segment: shmat SEG");
	if (slp_arg_value(p, &a[0], V_NUM | V_NEG | V_SLOT, 0, "a segment", INT_MIN, INT_MAX, &seg))
		return -1;
	if (a[1].pos >= 0 && slp_arg_value(p, &a[1], V_NUM | V_OR, SLC_SHMAT, "a shmat flag", 0,
				       UINT32_MAX, &flags))
		return -1;
	ps->st.args[0] = seg;
	ps->st.args[1] = flags;
	ps->st.nargs = 2;
	if (a[2].pos >= 0) { /* addr=ADDR[+OFFSET]: args[2] + args[3] */
		struct sl_value off;
		if (addr_plus(p, &a[2], &addr, &off))
			return -1;
		ps->st.args[2] = addr;
		ps->st.args[3] = off;
		ps->st.nargs = off.num ? 4 : 3;
	}
	return 0;
}

static int build_shmdt(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	if (a[0].pos < 0)
		return slp_error(p, op_col, "shmdt needs an address: shmdt ADDR[+OFFSET]");
	if (addr_plus(p, &a[0], &ps->st.args[0], &ps->st.args[1]))
		return -1;
	ps->st.nargs = ps->st.args[1].num ? 2 : 1; /* args[0] + args[1] */
	return 0;
}

/* One of the words of `choices` (NULL-terminated): its index in *idx. */
static int arg_choice(struct slp_parser *p, const struct slp_arg *a, const char *name,
		      const char *const *choices, int *idx)
{
	p->pos = a->pos;
	const struct slp_token *t = slp_peek(p);
	for (int i = 0; t->kind == TK_WORD && choices[i]; i++)
		if (strcmp(t->text, choices[i]) == 0) {
			*idx = i;
			slp_next(p);
			return slp_arg_end(p, a);
		}
	char show[SLP_SHOW];
	return slp_error(p, t->col, "%s= takes %s or %s, not %s", name, choices[0], choices[1],
			 slp_tok_show(t, show, sizeof(show)));
}

/* via=libc|raw buf=bad|null: args[5] */
static int shmctl_how(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a)
{
	static const char *const via[] = { "libc", "raw", NULL }, *const buf[] = { "bad", "null", NULL };
	long long how = 0;
	int k;
	if (a[5].pos >= 0) {
		if (arg_choice(p, &a[5], "via", via, &k))
			return -1;
		how |= k ? SL_SHMCTL_VIA_RAW : 0;
	}
	if (a[6].pos >= 0) {
		if (arg_choice(p, &a[6], "buf", buf, &k))
			return -1;
		if (ps->st.args[1].num == IPC_RMID)
			return slp_error(p, a[6].col, "IPC_RMID takes no buffer: buf= does not apply");
		how |= k ? SL_SHMCTL_BUF_NULL : SL_SHMCTL_BUF_BAD;
	}
	if (!how)
		return 0;
	for (int i = ps->st.nargs; i < 5; i++)
		ps->st.args[i] = sl_num(-1);
	ps->st.args[5] = sl_num(how);
	ps->st.nargs = 6;
	return 0;
}

static int build_shmctl(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	struct sl_value *v = ps->st.args;
	if (a[0].pos < 0)
		return slp_error(p, op_col, "shmctl needs a segment and a command: shmctl SEG IPC_RMID");
	if (a[1].pos < 0)
		return slp_error(p, op_col, "shmctl needs a command such as IPC_RMID or IPC_STAT");
	if (slp_arg_value(p, &a[0], V_NUM | V_NEG | V_SLOT, 0, "a segment", INT_MIN, INT_MAX, &v[0]) ||
	    slp_arg_value(p, &a[1], V_NUM | V_NEG, SLC_SHMCTL, "a shmctl command", INT_MIN, INT_MAX, &v[1]))
		return -1;
	ps->st.nargs = 2;
	v[2] = v[3] = v[4] = sl_num(-1);
	int set = v[1].num == IPC_SET;
	for (int i = 2; i <= 4; i++) {
		if (a[i].pos < 0)
			continue;
		if (!set)
			return slp_error(p, a[i].col, "mode=, uid= and gid= are for IPC_SET only");
		if (slp_arg_value(p, &a[i], V_NUM | (i == 2 ? V_OCTAL : V_NEG), 0,
			      i == 2 ? "a mode" : i == 3 ? "a uid" : "a gid", i == 2 ? 0 : -1,
			      i == 2 ? 07777 : 4294967294LL, &v[i]))
			return -1;
	}
	if (set)
		ps->st.nargs = 5; /* -1: unchanged */
	return shmctl_how(p, ps, a);
}

static int build_ftok(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	if (a[0].pos < 0 || a[1].pos < 0)
		return slp_error(p, op_col, "ftok needs a path and a project id: ftok PATH N");
	if (slp_arg_text(p, &a[0], "a path", &ps->st.str) ||
	    slp_arg_value(p, &a[1], V_NUM | V_NEG, 0, "a project id", INT_MIN, INT_MAX, &ps->st.args[0]))
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

static int data_literal(struct slp_parser *p, const struct slp_arg *a, unsigned char **out, size_t *n)
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
	return slp_arg_end(p, a);
}

/* bytes=N fill=B, or zeros=N. */
static int data_fill(struct slp_parser *p, const struct slp_arg *count, const struct slp_arg *fill,
		     unsigned char **out, size_t *n)
{
	struct sl_value c, f = sl_num(0);
	if (slp_arg_value(p, count, V_NUM, 0, "a byte count", 1, SLP_MAX_DATA, &c))
		return -1;
	if (fill && fill->pos >= 0 && slp_arg_value(p, fill, V_NUM, 0, "a fill byte", 0, 255, &f))
		return -1;
	*n = (size_t)c.num;
	if (p->data_total + *n > SLP_MAX_DATA_TOTAL)
		return 0; /* said by the caller, before anything is allocated */
	if (!(*out = malloc(*n)))
		return slp_oom(p);
	memset(*out, (int)f.num, *n);
	return 0;
}

/* ADDR[+OFFSET] at a[0]: the address (a number or a bound one) and the offset. */
static int addr_plus(struct slp_parser *p, const struct slp_arg *a, struct sl_value *addr, struct sl_value *off)
{
	*off = sl_num(0);
	p->pos = a->pos;
	if (slp_value_range(p, V_NUM | V_SLOT, 0, "an address", 0, LLONG_MAX, addr))
		return -1;
	if (slp_peek(p)->kind == TK_PLUS) {
		slp_next(p);
		if (slp_value_range(p, V_NUM, 0, "an offset", 0, LLONG_MAX, off))
			return -1;
	}
	return slp_arg_end(p, a);
}

/* madvise ADDR[+OFFSET] LEN ADVICE; mremap ADDR[+OFFSET] OLDLEN NEWLEN [flags=MREMAP_MAYMOVE]. */
static int build_madvise_mremap(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	int madv = ps->st.op == SL_OP_MADVISE;
	struct sl_value *v = ps->st.args;
	if (a[0].pos < 0 || a[1].pos < 0 || a[2].pos < 0)
		return slp_error(p, op_col, madv ? "madvise needs an address, a length and an advice: "
					       "madvise ADDR[+OFFSET] LEN MADV_DONTNEED"
					     : "mremap needs an address and two lengths: mremap ADDR[+OFFSET] OLDLEN NEWLEN "
					       "[flags=MREMAP_MAYMOVE]");
	if (addr_plus(p, &a[0], &v[0], &v[1]) ||
	    slp_arg_value(p, &a[1], V_NUM | V_SLOT, 0, "a length", 0, LLONG_MAX, &v[2]))
		return -1;
	if (madv) {
		ps->st.nargs = 4;
		return slp_arg_value(p, &a[2], V_NUM, SLC_MADV, "an advice", 0, INT_MAX, &v[3]);
	}
	v[4] = sl_num(0);
	ps->st.nargs = 5;
	if (slp_arg_value(p, &a[2], V_NUM | V_SLOT, 0, "a length", 0, LLONG_MAX, &v[3]))
		return -1;
	return a[3].pos >= 0 ? slp_arg_value(p, &a[3], V_NUM | V_OR, SLC_MREMAP, "an mremap flag", 0, INT_MAX, &v[4]) : 0;
}

/* remap-file-pages ADDR[+OFFSET] LEN PGOFF: the pages of the segment from
 * page PGOFF on appear at ADDR (remap_file_pages(2), emulated since 3.16). */
static int build_remap(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	struct sl_value *v = ps->st.args;
	if (a[0].pos < 0 || a[1].pos < 0 || a[2].pos < 0)
		return slp_error(p, op_col, "remap-file-pages needs an address, a length and a page offset: "
				 "remap-file-pages ADDR[+OFFSET] LEN PGOFF");
	ps->st.nargs = 4;
	return addr_plus(p, &a[0], &v[0], &v[1]) ||
	       slp_arg_value(p, &a[1], V_NUM | V_SLOT, 0, "a length", 0, LLONG_MAX, &v[2]) ||
	       slp_arg_value(p, &a[2], V_NUM, 0, "a page offset", 0, LLONG_MAX, &v[3]) ? -1 : 0;
}

/* mprotect ADDR[+OFFSET] LEN PROT, munmap ADDR[+OFFSET] LEN. */
static int build_memory(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	int prot = ps->st.op == SL_OP_MPROTECT;
	if (a[0].pos < 0 || a[1].pos < 0 || (prot && a[2].pos < 0))
		return slp_error(p, op_col, prot ? "mprotect needs an address, a length and a protection: "
					       "mprotect ADDR[+OFFSET] LEN PROT_READ|PROT_WRITE"
					     : "munmap needs an address and a length: munmap ADDR[+OFFSET] LEN");
	struct sl_value *v = ps->st.args;
	if (addr_plus(p, &a[0], &v[0], &v[1]) ||
	    slp_arg_value(p, &a[1], V_NUM | V_SLOT, 0, "a length", 0, LLONG_MAX, &v[2]) ||
	    (prot && slp_arg_value(p, &a[2], V_NUM | V_OR, SLC_PROT, "a protection", 0, INT_MAX, &v[3])))
		return -1;
	ps->st.nargs = prot ? 4 : 3;
	return 0;
}

/* write/read ADDR[+OFFSET] DATA; params: addr, data, bytes, fill, zeros. */
static int build_data(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
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
	if (slp_arg_end(p, &a[0]))
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

static int build_none(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	(void)p, (void)ps, (void)a, (void)op_col;
	return 0;
}

static int build_exit(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	(void)op_col;
	ps->st.args[0] = sl_num(0);
	ps->st.nargs = 1;
	if (a[0].pos >= 0)
		return slp_arg_value(p, &a[0], V_NUM, 0, "an exit status", 0, 255, &ps->st.args[0]);
	return 0;
}

static int build_crash(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	int sig;
	if (a[0].pos < 0)
		return slp_error(p, op_col, "crash needs a signal: crash SIGKILL");
	if (slp_arg_signal(p, &a[0], 1, &sig))
		return -1;
	ps->st.args[0] = sl_num(sig);
	ps->st.nargs = 1;
	return 0;
}

static int build_kill(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	int actor, sig;
	if (a[0].pos < 0 || a[1].pos < 0)
		return slp_error(p, op_col, "kill needs an actor and a signal: kill ACTOR SIGTERM");
	if (slp_arg_actor(p, &a[0], "an actor", &actor) || slp_arg_signal(p, &a[1], 0, &sig))
		return -1;
	ps->st.args[0] = sl_actor(actor);
	ps->st.args[1] = sl_num(sig);
	ps->st.nargs = 2;
	return 0;
}

/* A pid argument: 0 (self), a number, an actor, or a bound pid.  Any int,
 * as the kernel takes it: a negative one is its EINVAL or ESRCH to judge. */
static int pid_arg(struct slp_parser *p, const struct slp_arg *a, struct sl_value *v)
{
	*v = sl_num(0);
	if (a->pos < 0)
		return 0;
	return slp_arg_value(p, a, V_NUM | V_NEG | V_ACTOR | V_SLOT, 0, "a pid", INT_MIN, INT_MAX, v);
}

static int build_setpgid(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	(void)op_col;
	ps->st.nargs = 2;
	return pid_arg(p, &a[0], &ps->st.args[0]) || pid_arg(p, &a[1], &ps->st.args[1]) ? -1 : 0;
}

static int build_getsid(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	(void)op_col;
	ps->st.nargs = 1;
	return pid_arg(p, &a[0], &ps->st.args[0]);
}

static int build_umask(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	if (a[0].pos < 0)
		return slp_error(p, op_col, "umask needs a mask: umask 022");
	ps->st.nargs = 1;
	return slp_arg_value(p, &a[0], V_NUM | V_OCTAL, 0, "a umask", 0, 0777, &ps->st.args[0]);
}

static int build_chdir(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	if (a[0].pos < 0)
		return slp_error(p, op_col, "chdir needs a path: chdir /");
	return slp_arg_text(p, &a[0], "a path", &ps->st.str);
}

static int build_open(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	if (a[0].pos < 0)
		return slp_error(p, op_col, "open needs a path: open /dev/tty flags=O_RDWR");
	if (slp_arg_text(p, &a[0], "a path", &ps->st.str))
		return -1;
	ps->st.args[0] = sl_num(0);
	ps->st.nargs = 1;
	if (a[1].pos >= 0 && slp_arg_value(p, &a[1], V_NUM | V_OR, SLC_OPEN, "an open flag", 0,
				       INT_MAX, &ps->st.args[0]))
		return -1;
	if (a[2].pos >= 0) {
		ps->st.nargs = 2;
		return slp_arg_value(p, &a[2], V_NUM | V_OCTAL, 0, "a mode", 0, 07777, &ps->st.args[1]);
	}
	return 0;
}

/* catch SIGNAL: the kernel says whether it can be caught (SIGKILL: EINVAL). */
static int build_catch(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	int sig;
	if (a[0].pos < 0)
		return slp_error(p, op_col, "catch needs a signal: catch SIGHUP");
	if (slp_arg_signal(p, &a[0], 1, &sig))
		return -1;
	ps->st.args[0] = sl_num(sig);
	ps->st.nargs = 1;
	return 0;
}

static int build_daemon(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	(void)op_col;
	ps->st.args[0] = ps->st.args[1] = sl_num(0);
	ps->st.nargs = 2;
	for (int i = 0; i < 2; i++)
		if (a[i].pos >= 0 && slp_arg_value(p, &a[i], V_NUM, 0, i ? "noclose" : "nochdir", 0, 1,
					       &ps->st.args[i]))
			return -1;
	return 0;
}

/* ---- the table of operations ----------------------------------------------------- */

#define P(n) { n, 0 }
#define KW(n) { n, 1 }
static const struct slp_op_def ops[SL_OP__COUNT] = {
	[SL_OP_SHMGET] = { OPF_BINDS | OPF_CALL, { P("key"), P("size"), P("flags") }, build_shmget },
	[SL_OP_SHMAT] = { OPF_BINDS | OPF_CALL, { P("seg"), P("flags"), P("addr") }, build_shmat },
	[SL_OP_SHMDT] = { OPF_CALL, { P("addr") }, build_shmdt },
	[SL_OP_SHMCTL] = { OPF_BINDS | OPF_CALL,
			   { P("seg"), P("cmd"), P("mode"), KW("uid"), KW("gid"), KW("via"), KW("buf") }, build_shmctl },
	[SL_OP_FTOK] = { OPF_BINDS | OPF_CALL, { P("path"), P("proj") }, build_ftok },
	[SL_OP_WRITE] = { OPF_DIES | OPF_ANY,
			  { P("addr"), P("data"), KW("bytes"), KW("fill"), KW("zeros") }, build_data },
	[SL_OP_READ] = { OPF_DIES | OPF_ANY,
			 { P("addr"), P("data"), KW("bytes"), KW("fill"), KW("zeros") }, build_data },
	[SL_OP_FORK] = { OPF_BINDS | OPF_FAILS | OPF_DIES | OPF_ANY, { { 0, 0 } }, build_none },
	[SL_OP_EXIT] = { OPF_EXITS | OPF_ANY, { P("status") }, build_exit },
	[SL_OP_CRASH] = { OPF_DIES | OPF_ANY, { P("signal") }, build_crash },
	[SL_OP_KILL] = { OPF_CALL, { P("target"), P("signal") }, build_kill },
	[SL_OP_EXEC] = { OPF_RAW | OPF_EXITS | OPF_DIES | OPF_FAILS | OPF_ANY, { { 0, 0 } }, slp_build_exec },
	[SL_OP_SETSID] = { OPF_BINDS | OPF_CALL, { { 0, 0 } }, build_none },
	[SL_OP_SETPGID] = { OPF_CALL, { P("pid"), P("pgid") }, build_setpgid },
	[SL_OP_GETSID] = { OPF_BINDS | OPF_CALL, { P("pid") }, build_getsid },
	[SL_OP_GETPGID] = { OPF_BINDS | OPF_CALL, { P("pid") }, build_getsid },
	[SL_OP_GETPGRP] = { OPF_BINDS | OPF_CALL, { { 0, 0 } }, build_none },
	[SL_OP_GETPID] = { OPF_BINDS | OPF_CALL, { { 0, 0 } }, build_none },
	[SL_OP_MPROTECT] = { OPF_CALL, { P("addr"), P("len"), P("prot") }, build_memory },
	[SL_OP_MUNMAP] = { OPF_CALL, { P("addr"), P("len") }, build_memory },
	[SL_OP_MADVISE] = { OPF_CALL, { P("addr"), P("len"), P("advice") }, build_madvise_mremap },
	[SL_OP_EXEC_SELF] = { OPF_CALL, { { 0, 0 } }, build_none },
	[SL_OP_REMAP_FILE_PAGES] = { OPF_CALL, { P("addr"), P("len"), P("pgoff") }, build_remap },
	[SL_OP_MREMAP] = { OPF_BINDS | OPF_CALL, { P("addr"), P("oldlen"), P("newlen"), P("flags") }, build_madvise_mremap },
	[SL_OP_UMASK] = { OPF_BINDS | OPF_RETURNS | OPF_DIES | OPF_ANY, { P("mask") }, build_umask },
	[SL_OP_CHDIR] = { OPF_CALL, { P("path") }, build_chdir },
	[SL_OP_CLOSE_FDS] = { OPF_FAILS | OPF_DIES | OPF_ANY, { { 0, 0 } }, build_none },
	[SL_OP_NULL_STDIO] = { OPF_FAILS | OPF_DIES | OPF_ANY, { { 0, 0 } }, build_none },
	[SL_OP_OPEN] = { OPF_BINDS | OPF_CALL, { P("path"), P("flags"), P("mode") }, build_open },
	[SL_OP_FORK_DETACH] = { OPF_FAILS | OPF_DIES | OPF_ANY, { { 0, 0 } }, build_none },
	[SL_OP_DAEMON] = { OPF_FAILS | OPF_DIES | OPF_ANY, { P("nochdir"), P("noclose") }, build_daemon },
	[SL_OP_SYSCTL] = { OPF_RAW | OPF_FAILS | OPF_ANY, { { 0, 0 } }, slp_build_sysctl },
	[SL_OP_WAIT] = { 0, { P("actor"), P("time") }, slp_build_wait },
	[SL_OP_HANGUP] = { 0, { { 0, 0 } }, build_none },
	[SL_OP_TTY_KEY] = { 0, { P("key") }, slp_build_key },
	[SL_OP_EXPECT] = { OPF_RAW, { { 0, 0 } }, NULL },
	[SL_OP_CATCH] = { OPF_CALL, { P("signal") }, build_catch },
	[SL_OP_FIND] = { OPF_BINDS, { P("comm"), KW("key"), KW("cpid"), KW("ppid"), KW("exe"), KW("args"), KW("pidfile"),
				       KW("pick") }, slp_build_find },
	[SL_OP_FIND_SEGMENT] = { OPF_BINDS, { P("comm"), KW("key"), KW("cpid"), KW("ppid"), KW("exe"), KW("args"),
					       KW("pidfile"), KW("pick") }, slp_build_find },
};
#undef P
#undef KW

const struct slp_op_def *slp_op_def(enum sl_op op)
{
	return &ops[op];
}
