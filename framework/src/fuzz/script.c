/* script.c - writing a scenario as a script (fuzz.h): the inverse of the
 * parser for what `shmlife fuzz` builds (headers, actors with ids, shmget
 * shmat shmdt shmctl write read fork exit crash kill wait sysctl, expect),
 * so that a divergence is kept as an ordinary .scn file that `shmlife run`
 * reproduces.  One step a line; time(line N) is numbered as written.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "shmlife/fuzz.h"
#include "shmlife/observed.h"
#include "util.h"

#define LINE_MAX_LEN 1024

/* Lines before the first step: scenario, description, tags, requires,
 * sysctls, leak, actors, a blank line. */
static int header_lines(const struct sl_scenario *s)
{
	return 2 + (s->ntags > 0) + (s->needs_root != 0) + s->nsysctls + (s->leak_expected != 0) + 1 + 1;
}

static int step_line(const struct sl_scenario *s, int step)
{
	return header_lines(s) + step + 1;
}

static const char *actor_name(const struct sl_scenario *s, int a)
{
	return a >= 0 && a < s->nactors ? s->actors[a].name : NULL;
}

/* A value as the script writes it; -1 if it cannot be written. */
static int put_value(char *buf, size_t len, const struct sl_scenario *s, const struct sl_value *v)
{
	switch (v->kind) {
	case SL_VAL_NUM: sl_appendf(buf, len, "%lld", v->num); return 0;
	case SL_VAL_SLOT:
		if (v->slot < 0 || v->slot >= s->nslots)
			return -1;
		sl_appendf(buf, len, "%s", s->slots[v->slot]);
		return 0;
	case SL_VAL_ACTOR:
		if (!actor_name(s, v->actor))
			return -1;
		sl_appendf(buf, len, "%s", actor_name(s, v->actor));
		return 0;
	case SL_VAL_AUTO_KEY: sl_appendf(buf, len, "auto"); return 0;
	case SL_VAL_STEP_TIME:
		if (v->num < 0 || v->num >= s->nsteps)
			return -1;
		sl_appendf(buf, len, "time(line %d)", step_line(s, (int)v->num));
		return 0;
	case SL_VAL_NONE: break;
	}
	return -1;
}

static int put_key(char *buf, size_t len, const struct sl_scenario *s, const struct sl_value *v)
{
	if (v->kind != SL_VAL_NUM)
		return put_value(buf, len, s, v);
	if (v->num == IPC_PRIVATE)
		sl_appendf(buf, len, "IPC_PRIVATE");
	else if (v->num > 0)
		sl_appendf(buf, len, "0x%llx", v->num);
	else
		sl_appendf(buf, len, "%lld", v->num);
	return 0;
}

struct flag_name { int bit; const char *name; };

/* Or-ed constants, then the permission bits in octal; -1 for unknown bits. */
static int put_flags(char *buf, size_t len, long long flags, const struct flag_name *names, int perms)
{
	const char *sep = "";
	long long rest = flags;
	for (const struct flag_name *f = names; f->name; f++)
		if (rest & f->bit) {
			sl_appendf(buf, len, "%s%s", sep, f->name);
			sep = "|";
			rest &= ~(long long)f->bit;
		}
	if (perms && (rest & 0777)) {
		sl_appendf(buf, len, "%s0%llo", sep, rest & 0777);
		sep = "|";
		rest &= ~0777LL;
	}
	if (rest)
		return -1;
	if (!*sep)
		sl_appendf(buf, len, "0");
	return 0;
}

static const struct flag_name shmget_flags[] = { { IPC_CREAT, "IPC_CREAT" }, { IPC_EXCL, "IPC_EXCL" }, { 0, NULL } };
static const struct flag_name shmat_flags[] = { { SHM_RDONLY, "SHM_RDONLY" }, { SHM_RND, "SHM_RND" },
						{ SHM_REMAP, "SHM_REMAP" }, { SHM_EXEC, "SHM_EXEC" }, { 0, NULL } };

static int put_shmctl(char *buf, size_t len, const struct sl_scenario *s, const struct sl_step *st)
{
	const char *cmd = st->nargs >= 2 && st->args[1].kind == SL_VAL_NUM ? sl_shmctl_cmd_name(st->args[1].num) : NULL;
	if (!cmd || put_value(buf, len, s, &st->args[0]) < 0)
		return -1;
	sl_appendf(buf, len, " %s", cmd);
	static const char *const names[] = { "mode", "uid", "gid" };
	for (int i = 2; i < st->nargs && i <= 4; i++) {
		if (st->args[i].kind != SL_VAL_NUM || st->args[i].num < 0)
			continue;
		if (i == 2)
			sl_appendf(buf, len, " mode=0%llo", st->args[i].num);
		else
			sl_appendf(buf, len, " %s=%lld", names[i - 2], st->args[i].num);
	}
	return 0;
}

static int put_data(char *buf, size_t len, const struct sl_scenario *s, const struct sl_step *st)
{
	if (st->nbytes == 0 || put_value(buf, len, s, &st->args[0]) < 0)
		return -1;
	if (st->nargs > 1 && st->args[1].kind == SL_VAL_NUM && st->args[1].num)
		sl_appendf(buf, len, "+%lld", st->args[1].num);
	sl_appendf(buf, len, " 0x");
	for (size_t i = 0; i < st->nbytes; i++)
		sl_appendf(buf, len, "%02x", st->bytes[i]);
	return 0;
}

/* The operation and its arguments. */
static int put_operation(char *buf, size_t len, const struct sl_scenario *s, const struct sl_step *st)
{
	const char *v = NULL;
	sl_appendf(buf, len, "%s ", sl_op_name(st->op));
	switch (st->op) {
	case SL_OP_SHMGET:
		sl_appendf(buf, len, "key=");
		if (put_key(buf, len, s, &st->args[0]) < 0 || st->args[1].kind != SL_VAL_NUM ||
		    st->args[2].kind != SL_VAL_NUM)
			return -1;
		sl_appendf(buf, len, " size=%lld flags=", st->args[1].num);
		return put_flags(buf, len, st->args[2].num, shmget_flags, 1);
	case SL_OP_SHMAT:
		if (put_value(buf, len, s, &st->args[0]) < 0)
			return -1;
		if (st->args[1].num) {
			sl_appendf(buf, len, " flags=");
			if (put_flags(buf, len, st->args[1].num, shmat_flags, 0) < 0)
				return -1;
		}
		if (st->nargs > 2) {
			sl_appendf(buf, len, " addr=");
			if (put_value(buf, len, s, &st->args[2]) < 0)
				return -1;
			if (st->nargs > 3 && st->args[3].num)
				sl_appendf(buf, len, "+%lld", st->args[3].num);
		}
		return 0;
	case SL_OP_SHMDT:
		if (put_value(buf, len, s, &st->args[0]) < 0)
			return -1;
		if (st->nargs > 1 && st->args[1].num)
			sl_appendf(buf, len, "+%lld", st->args[1].num);
		return 0;
	case SL_OP_SHMCTL: return put_shmctl(buf, len, s, st);
	case SL_OP_WRITE:
	case SL_OP_READ: return put_data(buf, len, s, st);
	case SL_OP_FORK:
		if (!(v = actor_name(s, st->new_actor)))
			return -1;
		sl_appendf(buf, len, "-> %s", v);
		return 0;
	case SL_OP_FTOK:
		if (!st->str || st->nargs < 1 || st->args[0].kind != SL_VAL_NUM || strpbrk(st->str, " \t\"#"))
			return -1;
		sl_appendf(buf, len, "%s %lld", st->str, st->args[0].num);
		return 0;
	case SL_OP_EXIT: sl_appendf(buf, len, "%lld", st->args[0].num); return 0;
	case SL_OP_CRASH: sl_appendf(buf, len, "%s", sl_signal_name((int)st->args[0].num)); return 0;
	case SL_OP_KILL:
		if (put_value(buf, len, s, &st->args[0]) < 0)
			return -1;
		sl_appendf(buf, len, " %s", sl_signal_name((int)st->args[1].num));
		return 0;
	case SL_OP_WAIT:
		if (st->args[0].kind == SL_VAL_STEP_TIME)
			sl_appendf(buf, len, "past ");
		return put_value(buf, len, s, &st->args[0]);
	case SL_OP_SETSID: buf[strlen(buf) - 1] = '\0'; return st->nargs ? -1 : 0;
	case SL_OP_SETPGID:
		if (put_value(buf, len, s, &st->args[0]) < 0)
			return -1;
		sl_appendf(buf, len, " ");
		return put_value(buf, len, s, &st->args[1]);
	case SL_OP_GETSID: return st->nargs ? put_value(buf, len, s, &st->args[0]) : 0;
	case SL_OP_GETPID: buf[strlen(buf) - 1] = '\0'; return st->nargs ? -1 : 0;
	case SL_OP_DAEMON:
		if (st->nargs != 2 || st->args[0].kind != SL_VAL_NUM || st->args[1].kind != SL_VAL_NUM)
			return -1;
		sl_appendf(buf, len, "%lld %lld", st->args[0].num, st->args[1].num);
		return 0;
	case SL_OP_SYSCTL:
		if (!st->str || !st->str2)
			return -1;
		sl_appendf(buf, len, "%s = %s", st->str, st->str2);
		return 0;
	default: return -1;
	}
}

/* The outcome clause, when it is not the operation's default. */
static int put_outcome(char *buf, size_t len, const struct sl_scenario *s, const struct sl_step *st)
{
	const struct sl_outcome_spec *o = &st->outcome;
	switch (o->kind) {
	case SL_EXPECT_SUCCESS:
		if (!o->has_value)
			return st->op == SL_OP_EXIT || st->op == SL_OP_CRASH ? -1 : 0;
		sl_appendf(buf, len, " = ");
		return put_value(buf, len, s, &o->value);
	case SL_EXPECT_FAILS:
		sl_appendf(buf, len, " fails ");
		for (int i = 0; i < o->n_errnos; i++)
			sl_appendf(buf, len, "%s%s", i ? "|" : "", sl_errno_name(o->errnos[i]));
		return o->n_errnos > 0 ? 0 : -1;
	case SL_EXPECT_DIES:
		if (st->op == SL_OP_CRASH && o->signal == st->args[0].num)
			return 0;
		sl_appendf(buf, len, " dies");
		if (o->signal)
			sl_appendf(buf, len, " %s", sl_signal_name(o->signal));
		return 0;
	case SL_EXPECT_EXITS:
		if (st->op == SL_OP_EXIT && o->status == st->args[0].num)
			return 0;
		sl_appendf(buf, len, " exits %d", o->status);
		return 0;
	case SL_EXPECT_ANY: sl_appendf(buf, len, " any"); return 0;
	}
	return -1;
}

static int put_predicate(char *buf, size_t len, const struct sl_scenario *s, const struct sl_predicate *p)
{
	static const char *const ops[] = { "=", "!=", "<", "<=", ">", ">=" };
	if (p->str)
		return -1;
	if (p->cmp == SL_CMP_TRUE) {
		sl_appendf(buf, len, "%s%s", p->negated ? "!" : "", sl_field_name(p->field));
		if (p->field == SL_F_ATTACHED || p->field == SL_F_DETACHED || p->field == SL_F_MAPPED_DELETED) {
			sl_appendf(buf, len, " ");
			return put_value(buf, len, s, &p->value);
		}
		return 0;
	}
	if (p->negated || (unsigned)p->cmp >= sizeof(ops) / sizeof(ops[0]))
		return -1;
	sl_appendf(buf, len, "%s%s", sl_field_name(p->field), ops[p->cmp]);
	if (p->value.kind == SL_VAL_NUM) {
		if (p->field == SL_F_PERMS || p->field == SL_F_MODE)
			sl_appendf(buf, len, "0%llo", p->value.num);
		else if (p->field == SL_F_KILLED_BY)
			sl_appendf(buf, len, "%s", sl_signal_name((int)p->value.num));
		else if ((p->field == SL_F_KEY || p->field == SL_F_IPCS_KEY) && p->value.num > 0)
			sl_appendf(buf, len, "0x%llx", p->value.num);
		else
			sl_appendf(buf, len, "%lld", p->value.num);
		return 0;
	}
	return put_value(buf, len, s, &p->value);
}

static int put_expect(char *buf, size_t len, const struct sl_scenario *s, const struct sl_step *st)
{
	sl_appendf(buf, len, "expect ");
	switch (st->target) {
	case SL_TARGET_NAMESPACE: sl_appendf(buf, len, "namespace"); break;
	case SL_TARGET_RESULT: /* the model makes no shmctl result expectations */
		return -1;
	case SL_TARGET_SEGMENT:
		if (put_value(buf, len, s, &st->subject) < 0)
			return -1;
		break;
	case SL_TARGET_MAPS:
	case SL_TARGET_PROCESS:
		if (st->subject.kind != SL_VAL_ACTOR || put_value(buf, len, s, &st->subject) < 0)
			return -1;
		if (st->target == SL_TARGET_MAPS)
			sl_appendf(buf, len, " maps");
		break;
	}
	for (int i = 0; i < st->npreds; i++) {
		sl_appendf(buf, len, i ? ", " : " ");
		if (put_predicate(buf, len, s, &st->preds[i]) < 0)
			return -1;
	}
	return st->npreds > 0 ? 0 : -1;
}

/* One step's line (without the newline); -1 with errno EINVAL if the
 * writer does not know how to write it. */
static int format_step(char *buf, size_t len, const struct sl_scenario *s, const struct sl_step *st)
{
	int rc;
	buf[0] = '\0';
	if (st->nfaults || st->claim >= 0 || st->invariant || st->argv || st->envp) {
		rc = -1;
	} else if (st->op == SL_OP_EXPECT) {
		rc = put_expect(buf, len, s, st);
	} else if (st->actor == SL_CONDUCTOR) {
		rc = put_operation(buf, len, s, st);
		if (rc == 0 && st->outcome.kind != SL_EXPECT_SUCCESS)
			rc = put_outcome(buf, len, s, st);
	} else {
		const char *who = actor_name(s, st->actor);
		sl_appendf(buf, len, "%s ", who ? who : "?");
		rc = who ? put_operation(buf, len, s, st) : -1;
		if (rc == 0 && st->bind >= 0 && st->bind < s->nslots)
			sl_appendf(buf, len, " -> %s", s->slots[st->bind]);
		if (rc == 0)
			rc = put_outcome(buf, len, s, st);
	}
	if (rc < 0 || strlen(buf) + 1 >= len) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int sl_scenario_set_texts(struct sl_scenario *s)
{
	char line[LINE_MAX_LEN];
	for (int i = 0; i < s->nsteps; i++) {
		if (format_step(line, sizeof(line), s, &s->steps[i]) < 0)
			return -1;
		char *t = strdup(line);
		if (!t)
			return -1;
		free(s->steps[i].text);
		s->steps[i].text = t;
	}
	return 0;
}

static void put_one_line(FILE *out, const char *text)
{
	for (const char *c = text; *c; c++)
		fputc((unsigned char)*c < ' ' || *c == '#' ? ' ' : *c, out);
	fputc('\n', out);
}

static int write_actors(FILE *out, const struct sl_scenario *s)
{
	const char *sep = "";
	fprintf(out, "actors: ");
	for (int i = 0; i < s->nactors; i++) {
		const struct sl_actor_def *a = &s->actors[i];
		if (a->spawned)
			continue;
		if (a->found || a->rlimit_as || a->rlimit_nofile || a->has_rlimit_memlock || strchr(a->name, '['))
			return -1;
		fprintf(out, "%s%s", sep, a->name);
		if (a->has_ids)
			fprintf(out, "(uid=%u, gid=%u)", (unsigned)a->uid, (unsigned)a->gid);
		sep = ", ";
	}
	fputc('\n', out);
	return *sep ? 0 : -1;
}

int sl_scenario_write_script(FILE *out, const struct sl_scenario *s)
{
	if (s->terminal || s->keep_going || s->nrequires || s->nclaims || s->ninvariants || s->min_kernel_major) {
		errno = EINVAL;
		return -1;
	}
	fprintf(out, "scenario %s\ndescription: ", s->name);
	put_one_line(out, s->description ? s->description : s->name);
	if (s->ntags) {
		fprintf(out, "tags:");
		for (int i = 0; i < s->ntags; i++)
			fprintf(out, "%s %s", i ? "," : "", s->tags[i]);
		fputc('\n', out);
	}
	if (s->needs_root)
		fprintf(out, "requires: %s\n", s->needs_root == SL_NEEDS_HOST_ROOT ? "host-root" : "root");
	for (int i = 0; i < s->nsysctls; i++)
		fprintf(out, "sysctl: %s = %s\n", s->sysctls[i].name, s->sysctls[i].value);
	if (s->leak_expected)
		fprintf(out, "leak: expected\n");
	if (write_actors(out, s) < 0) {
		errno = EINVAL;
		return -1;
	}
	fputc('\n', out);
	char line[LINE_MAX_LEN];
	for (int i = 0; i < s->nsteps; i++) {
		if (format_step(line, sizeof(line), s, &s->steps[i]) < 0)
			return -1;
		fprintf(out, "%s\n", line);
	}
	return ferror(out) ? -1 : 0;
}
