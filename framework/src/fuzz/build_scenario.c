/* build_scenario.c - a fuzz program as an ordinary scenario (fuzz.h): each
 * operation that applies becomes a step built through build.h, with the
 * model's prediction as its expected outcome; each check becomes an
 * `expect` step with the model's state as its predicates.  Also the
 * signature of a divergence, and the test-only switch of wrong rules.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "model.h"
#include "shmlife/build.h"
#include "shmlife/fuzz.h"

static unsigned wrong_rules;

void sl_fuzz_set_wrong_model(unsigned wrong)
{
	wrong_rules = wrong;
}

unsigned fz_wrong_rules(void)
{
	return wrong_rules;
}

struct builder {
	struct sl_scenario *s;
	const struct fz_program *p;
	struct fz_model m;
	int actor[FZ_MAX_PROCS];        /* scenario actor of each process, -1   */
	int pid_slot[FZ_MAX_PROCS];     /* a process that became a daemon: the slot
					 * of its pid (getpid before), -1      */
	int ref_slot[FZ_MAX_REFS];      /* slot of each reference, -1           */
	int att_slot[FZ_MAX_ATTS];
	int ftok_slot[FZ_MAX_FTOKS];    /* slot of each ftok result, -1        */
	int oom;
};

static int slot(struct builder *b, char prefix, int n)
{
	char name[16];
	snprintf(name, sizeof(name), "%c%d", prefix, n);
	int i = sl_scenario_find_slot(b->s, name);
	if (i < 0 && (i = sl_scenario_add_slot(b->s, name)) < 0)
		b->oom = 1;
	return i;
}

static void set_outcome(struct builder *b, struct sl_step *st, const struct fz_prediction *pr)
{
	if (!st) {
		b->oom = 1;
		return;
	}
	switch (pr->verdict) {
	case FZ_OK: break;
	case FZ_FAILS:
		st->bind = SL_NO_SLOT; /* a failing step binds nothing */
		for (int i = 0; i < pr->nerrnos; i++)
			sl_step_expect_errno(st, pr->errnos[i]);
		break;
	case FZ_DIES: sl_step_expect_signal(st, pr->sig); break;
	case FZ_EXITS:
		st->outcome.kind = SL_EXPECT_EXITS;
		st->outcome.status = pr->status;
		break;
	}
}

static void pred(struct builder *b, struct sl_step *st, enum sl_field f, enum sl_cmp cmp, struct sl_value v)
{
	if (!st || !sl_step_add_pred(st, f, cmp, v))
		b->oom = 1;
}

static void flag(struct builder *b, struct sl_step *st, enum sl_field f, int on)
{
	pred(b, st, f, SL_CMP_TRUE, sl_num(0));
	if (st && st->npreds)
		st->preds[st->npreds - 1].negated = !on;
}

static struct sl_value step_time(int step)
{
	struct sl_value v = { SL_VAL_STEP_TIME, step, 0, 0 };
	return v;
}

/* A time field: 0 if never set, else not before the step that set it. */
static void time_pred(struct builder *b, struct sl_step *st, enum sl_field f, int step)
{
	if (step < 0)
		pred(b, st, f, SL_CMP_EQ, sl_num(0));
	else
		pred(b, st, f, SL_CMP_GE, step_time(step));
}

static struct sl_value pid_of(const struct builder *b, int proc)
{
	if (proc >= 0 && b->actor[proc] >= 0)
		return sl_actor(b->actor[proc]);
	if (proc >= 0 && b->pid_slot[proc] >= 0) /* the process a daemon left behind */
		return sl_slot(b->pid_slot[proc]);
	return sl_num(0);
}

static void check_segment(struct builder *b, int ref)
{
	const struct fz_seg *g = &b->m.segs[b->m.ref_seg[ref]];
	struct sl_step *st = sl_add_expect(b->s, SL_TARGET_SEGMENT, sl_slot(b->ref_slot[ref]));
	if (!g->live) {
		flag(b, st, SL_F_GONE, 1);
		return;
	}
	flag(b, st, SL_F_EXISTS, 1);
	pred(b, st, SL_F_NATTCH, SL_CMP_EQ, sl_num(g->nattch));
	pred(b, st, SL_F_KEY, SL_CMP_EQ, sl_num(g->key));
	pred(b, st, SL_F_SIZE, SL_CMP_EQ, sl_num(g->size));
	pred(b, st, SL_F_PERMS, SL_CMP_EQ, sl_num(g->perms));
	flag(b, st, SL_F_DEST, g->dest);
	flag(b, st, SL_F_LOCKED, g->locked);
	pred(b, st, SL_F_CPID, SL_CMP_EQ, pid_of(b, g->cpid));
	pred(b, st, SL_F_LPID, SL_CMP_EQ, pid_of(b, g->lpid));
	pred(b, st, SL_F_UID, SL_CMP_EQ, sl_num(g->uid));
	pred(b, st, SL_F_GID, SL_CMP_EQ, sl_num(g->gid));
	pred(b, st, SL_F_CUID, SL_CMP_EQ, sl_num(g->cuid));
	pred(b, st, SL_F_CGID, SL_CMP_EQ, sl_num(g->cgid));
	time_pred(b, st, SL_F_ATIME, g->atime);
	time_pred(b, st, SL_F_DTIME, g->dtime);
	time_pred(b, st, SL_F_CTIME, g->ctime);
}

static void check_process(struct builder *b, int proc)
{
	const struct fz_proc *p = &b->m.procs[proc];
	if (b->actor[proc] < 0)
		return;
	if (p->state != FZ_ALIVE) {
		struct sl_step *st = sl_add_expect(b->s, SL_TARGET_PROCESS, sl_actor(b->actor[proc]));
		flag(b, st, SL_F_DEAD, 1);
		if (p->state == FZ_EXITED)
			pred(b, st, SL_F_EXIT_STATUS, SL_CMP_EQ, sl_num(p->code));
		else
			pred(b, st, SL_F_KILLED_BY, SL_CMP_EQ, sl_num(p->code));
		return;
	}
	struct sl_step *st = sl_add_expect(b->s, SL_TARGET_MAPS, sl_actor(b->actor[proc]));
	int n = 0, seen[FZ_MAX_SEGS] = { 0 };
	for (int a = 0; a < FZ_MAX_ATTS; a++)
		n += p->att[a] != 0;
	pred(b, st, SL_F_ATTACHMENTS, SL_CMP_EQ, sl_num(n));
	for (int a = 0; a < FZ_MAX_ATTS; a++) {
		int seg = p->att[a] ? b->m.att_seg[a] : -1;
		int ref = seg >= 0 && !seen[seg] ? fz_model_ref_of(&b->m, seg) : -1;
		if (ref >= 0 && b->ref_slot[ref] >= 0) {
			seen[seg] = 1;
			pred(b, st, SL_F_ATTACHED, SL_CMP_TRUE, sl_slot(b->ref_slot[ref]));
		}
	}
}

static struct sl_value session_value(const struct builder *b, int proc)
{
	return proc < 0 ? sl_num(1) : pid_of(b, proc); /* -1: the conductor, PID 1 */
}

static void check_session(struct builder *b, int proc)
{
	const struct fz_proc *p = &b->m.procs[proc];
	struct sl_step *st = sl_add_expect(b->s, SL_TARGET_PROCESS, sl_actor(b->actor[proc]));
	pred(b, st, SL_F_SID, SL_CMP_EQ, session_value(b, p->sid));
	pred(b, st, SL_F_PGID, SL_CMP_EQ, session_value(b, p->pgid));
}

static struct sl_step *session_step(struct builder *b, const struct fz_op *op, int actor,
				    const struct fz_prediction *pr)
{
	enum sl_op o = op->kind == FZ_SETSID ? SL_OP_SETSID : op->kind == FZ_SETPGID ? SL_OP_SETPGID : SL_OP_GETSID;
	struct sl_step *st = sl_scenario_add_step(b->s, actor, o);
	if (!st)
		return NULL;
	st->nargs = o == SL_OP_SETSID ? 0 : o == SL_OP_SETPGID ? 2 : 1;
	st->args[0] = st->args[1] = sl_num(0);
	if (pr->verdict == FZ_OK && pr->returns_proc != -2) {
		st->outcome.has_value = 1;
		st->outcome.value = session_value(b, pr->returns_proc);
	}
	return st;
}

static void check_namespace(struct builder *b)
{
	struct sl_step *st = sl_add_expect(b->s, SL_TARGET_NAMESPACE, sl_num(0));
	pred(b, st, SL_F_SEGMENTS, SL_CMP_EQ, sl_num(fz_model_segments(&b->m)));
}

static struct sl_step *memory_step(struct builder *b, const struct fz_op *op, int actor,
				   const struct fz_prediction *pr)
{
	int att = b->att_slot[op->att];
	if (op->kind == FZ_WRITE)
		return sl_add_write(b->s, actor, att, op->offset, op->data, (size_t)op->len);
	/* what a read that dies would have read does not matter: the model's bytes */
	return sl_add_read(b->s, actor, att, op->offset, pr->data, (size_t)op->len);
}

/* ftok of FZ_FTOK_PATH binds k<n>; one whose key must be an earlier one's
 * expects that value. */
static struct sl_step *ftok_step(struct builder *b, const struct fz_op *op, int actor, const struct fz_prediction *pr)
{
	struct sl_step *st = sl_scenario_add_step(b->s, actor, SL_OP_FTOK);
	if (!st)
		return NULL;
	st->str = strdup(op->flags == FZ_FTOK_MISSING ? FZ_FTOK_MISSING_PATH : FZ_FTOK_PATH);
	if (!st->str) {
		b->oom = 1;
		return st;
	}
	st->nargs = 1;
	st->args[0] = sl_num(op->key);
	if (pr->verdict == FZ_OK && pr->ftok >= 0 && pr->ftok < FZ_MAX_FTOKS) {
		st->bind = b->ftok_slot[pr->ftok] = slot(b, 'k', pr->ftok);
		if (pr->same_as_ftok >= 0 && b->ftok_slot[pr->same_as_ftok] >= 0) {
			st->outcome.has_value = 1;
			st->outcome.value = sl_slot(b->ftok_slot[pr->same_as_ftok]);
		}
	}
	return st;
}

static struct sl_step *kill_step(struct builder *b, const struct fz_op *op, int actor)
{
	struct sl_step *st = sl_scenario_add_step(b->s, actor, SL_OP_KILL);
	if (!st)
		return NULL;
	st->nargs = 2;
	st->args[0] = sl_actor(b->actor[op->target]);
	st->args[1] = sl_num(op->sig);
	return st;
}

/* The operation's step(s); the prediction is made as the step is added. */
static void emit_op(struct builder *b, const struct fz_op *op)
{
	struct fz_prediction pr;
	int actor = b->actor[op->proc];
	struct sl_step *st = NULL;
	b->m.now = b->s->nsteps;
	if (op->kind == FZ_DAEMON) {
		/* its pid first (cpid and lpid may name it after it has gone),
		 * then daemon(1, 1): the actor lives on as the daemon */
		struct sl_step *g = sl_scenario_add_step(b->s, actor, SL_OP_GETPID);
		if (!g) {
			b->oom = 1;
			return;
		}
		g->bind = b->pid_slot[op->proc] = slot(b, 'd', op->proc);
		b->m.now = b->s->nsteps;
		fz_model_apply(&b->m, op, &pr);
		st = sl_scenario_add_step(b->s, actor, SL_OP_DAEMON);
		if (st) {
			st->nargs = 2;
			st->args[0] = st->args[1] = sl_num(1);
		}
		b->actor[op->target] = actor;
		b->actor[op->proc] = -1;
		set_outcome(b, st, &pr);
		return;
	}
	if (op->kind == FZ_FORK) {
		char name[16];
		snprintf(name, sizeof(name), "p%d", op->target);
		fz_model_apply(&b->m, op, &pr);
		st = sl_add_fork(b->s, actor, name, &b->actor[op->target]);
		set_outcome(b, st, &pr);
		return;
	}
	fz_model_apply(&b->m, op, &pr);
	switch (op->kind) {
	case FZ_SHMGET:
		st = sl_add_shmget(b->s, actor, sl_num(op->key), op->size, op->flags, -1);
		if (st && pr.verdict == FZ_OK) {
			st->bind = b->ref_slot[op->ref] = slot(b, 's', op->ref);
			if (pr.same_as_ref >= 0 && b->ref_slot[pr.same_as_ref] >= 0) {
				st->outcome.has_value = 1;
				st->outcome.value = sl_slot(b->ref_slot[pr.same_as_ref]);
			}
		}
		break;
	case FZ_SHMAT:
		st = sl_add_shmat(b->s, actor, b->ref_slot[op->ref], op->flags, -1);
		if (st && pr.verdict == FZ_OK)
			st->bind = b->att_slot[op->att] = slot(b, 'a', op->att);
		break;
	case FZ_SHMDT: st = sl_add_shmdt(b->s, actor, b->att_slot[op->att]); break;
	case FZ_SHMCTL:
		st = sl_add_shmctl(b->s, actor, b->ref_slot[op->ref], op->cmd);
		if (st && op->cmd == IPC_SET) {
			st->nargs = 5;
			st->args[2] = sl_num(op->mode);
			st->args[3] = st->args[4] = sl_num(-1);
		}
		break;
	case FZ_WRITE:
	case FZ_READ: st = memory_step(b, op, actor, &pr); break;
	case FZ_SETSID:
	case FZ_SETPGID:
	case FZ_GETSID: st = session_step(b, op, actor, &pr); break;
	case FZ_FTOK: st = ftok_step(b, op, actor, &pr); break;
	case FZ_EXIT: st = sl_add_exit(b->s, actor, op->status); break;
	case FZ_CRASH: st = sl_add_crash(b->s, actor, op->sig); break;
	case FZ_KILL:
		st = kill_step(b, op, actor);
		if (pr.verdict != FZ_OK)
			break;
		set_outcome(b, st, &pr);
		st = sl_scenario_add_step(b->s, SL_CONDUCTOR, SL_OP_WAIT);
		if (st) {
			st->nargs = 1;
			st->args[0] = sl_actor(b->actor[op->target]);
		}
		pr.verdict = FZ_OK;
		break;
	default: return;
	}
	set_outcome(b, st, &pr);
}

/* Which processes the scenario needs as actors: those with a step that
 * applies, and those named by one. */
static void used_processes(const struct fz_program *p, int *used)
{
	struct fz_model m;
	struct fz_prediction pr;
	fz_model_init(&m, p, fz_wrong_rules());
	for (int i = 0; i < p->nops; i++) {
		const struct fz_op *op = &p->ops[i];
		if (!fz_model_applies(&m, op))
			continue;
		if (op->kind != FZ_CHECK_NS && op->kind != FZ_CHECK_SEG)
			used[op->proc] = 1;
		if (op->kind == FZ_KILL || op->kind == FZ_FORK || op->kind == FZ_DAEMON)
			used[op->target] = 1;
		fz_model_apply(&m, op, &pr);
	}
	fz_model_free(&m);
}

static void declare(struct builder *b)
{
	const struct fz_program *p = b->p;
	int used[FZ_MAX_PROCS] = { 0 };
	char name[16], value[32];
	used_processes(p, used);
	for (int i = 0; i < p->ninitial; i++) {
		if (!used[i])
			continue;
		snprintf(name, sizeof(name), "p%d", i);
		int a = b->actor[i] = sl_scenario_add_actor(b->s, name);
		if (a < 0) {
			b->oom = 1;
			continue;
		}
		if (p->uid[i] || p->gid[i]) {
			b->s->actors[a].has_ids = 1;
			b->s->actors[a].uid = (uid_t)p->uid[i];
			b->s->actors[a].gid = (gid_t)p->gid[i];
			b->s->needs_root = 1;
		}
	}
	if (b->s->nactors == 0 && sl_scenario_add_actor(b->s, "p0") < 0) /* a scenario has an actor */
		b->oom = 1;
	static const char *const names[] = { "kernel.shmmni", "kernel.shmmax", "kernel.shmall", "kernel.shm_rmid_forced" };
	long long values[] = { p->sysctls.shmmni, p->sysctls.shmmax, p->sysctls.shmall, p->sysctls.rmid_forced };
	for (int i = 0; i < 4; i++) {
		if (!values[i])
			continue;
		snprintf(value, sizeof(value), "%lld", values[i]);
		if (sl_scenario_add_sysctl(b->s, names[i], value) < 0)
			b->oom = 1;
	}
}

struct sl_scenario *sl_fuzz_build(const struct sl_fuzz_program *h)
{
	const struct fz_program *p = &h->prog;
	char name[64];
	snprintf(name, sizeof(name), "fuzz-%llu-%llu", (unsigned long long)p->seed, (unsigned long long)p->run);
	struct builder *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->p = p;
	b->s = sl_scenario_new(name);
	if (!b->s || sl_scenario_add_tag(b->s, "fuzz") < 0) {
		sl_scenario_free(b->s);
		free(b);
		return NULL;
	}
	memset(b->actor, -1, sizeof(b->actor));
	memset(b->pid_slot, -1, sizeof(b->pid_slot));
	memset(b->ref_slot, -1, sizeof(b->ref_slot));
	memset(b->att_slot, -1, sizeof(b->att_slot));
	memset(b->ftok_slot, -1, sizeof(b->ftok_slot));
	declare(b);
	fz_model_init(&b->m, p, fz_wrong_rules());
	for (int i = 0; i < p->nops && !b->oom; i++) {
		const struct fz_op *op = &p->ops[i];
		if (!fz_model_applies(&b->m, op))
			continue;
		switch (op->kind) {
		case FZ_CHECK_SEG: check_segment(b, op->ref); break;
		case FZ_CHECK_PROC: check_process(b, op->proc); break;
		case FZ_CHECK_NS: check_namespace(b); break;
		case FZ_CHECK_SESSION: check_session(b, op->proc); break;
		default: emit_op(b, op); break;
		}
	}
	b->s->leak_expected = fz_model_segments_after_end(&b->m) != 0;
	fz_model_free(&b->m);
	struct sl_scenario *s = b->s;
	int failed = b->oom || sl_scenario_set_texts(s) < 0;
	free(b);
	if (failed) {
		sl_scenario_free(s);
		return NULL;
	}
	return s;
}

/* ---- the signature of a divergence --------------------------------------- */

/* Numbers (and 0x numbers) become 'N', so that ids, pids, addresses and
 * times do not tell two identical divergences apart. */
static void normalise(const char *in, char *out, size_t len)
{
	size_t n = 0;
	while (*in && n + 2 < len) {
		if (isdigit((unsigned char)*in)) {
			if (in[0] == '0' && in[1] == 'x')
				in += 2;
			while (isxdigit((unsigned char)*in))
				in++;
			out[n++] = 'N';
			continue;
		}
		out[n++] = *in++;
	}
	out[n] = '\0';
}

void sl_fuzz_signature(const struct sl_scenario *s, const struct sl_result *r, char *buf, size_t len)
{
	char norm[512];
	struct sl_trace_entry seen, failing;
	const struct sl_trace_entry *e = NULL;
	for (int i = 0; i < r->ntrace && r->failed_step >= 0; i++)
		if (sl_result_entry(r, i, &seen)->kind == SL_ENTRY_STEP && seen.step == r->failed_step) {
			failing = seen;
			e = &failing;
		}
	if (!e || r->failed_step >= s->nsteps) {
		normalise(r->reason, norm, sizeof(norm));
		snprintf(buf, len, "%s: %s", sl_outcome_name(r->outcome), norm);
		return;
	}
	const struct sl_step *st = &s->steps[r->failed_step];
	normalise(e->detail, norm, sizeof(norm));
	static const char *const targets[] = { "segment", "namespace", "maps", "process", "result" };
	if (st->op == SL_OP_EXPECT)
		snprintf(buf, len, "%s: expect %s: %s", sl_outcome_name(r->outcome), targets[st->target], norm);
	else
		snprintf(buf, len, "%s: %s: %s", sl_outcome_name(r->outcome), sl_op_name(st->op), norm);
}
