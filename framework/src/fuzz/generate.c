/* generate.c - random fuzz programs (fuzz.h): a seeded, deterministic
 * generator that draws each operation among those that make sense in the
 * model's current state (model.h), so that keys collide, attached segments
 * are removed, attached processes fork and die, and stale ids are used, and
 * puts checks of what the operation touched after it.  The same seed and
 * run always give the same program: nothing here reads a clock or the
 * kernel.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "model.h"
#include "shmlife/fuzz.h"

static const char *const family_names[] = { "shmget", "attach", "ctl", "memory", "process", "perms", "sysctl", "session",
					    "ftok" };
#define NFAMILIES ((int)(sizeof(family_names) / sizeof(family_names[0])))

void sl_fuzz_options_default(struct sl_fuzz_options *o)
{
	o->actors = 3;
	o->steps = 20;
	o->ops = SL_FUZZ_ALL;
}

const char *sl_fuzz_family_name(int bit)
{
	return bit >= 0 && bit < NFAMILIES ? family_names[bit] : NULL;
}

unsigned sl_fuzz_parse_ops(const char *list, const char **bad)
{
	unsigned ops = 0;
	const char *w = list;
	*bad = NULL;
	while (*w) {
		size_t n = strcspn(w, ",");
		int found = 0;
		if (n == 3 && strncmp(w, "all", 3) == 0) {
			ops |= SL_FUZZ_ALL;
			found = 1;
		}
		for (int i = 0; i < NFAMILIES && !found; i++)
			if (strlen(family_names[i]) == n && strncmp(w, family_names[i], n) == 0) {
				ops |= 1u << i;
				found = 1;
			}
		if (!found) {
			*bad = w;
			return 0;
		}
		w += n + (w[n] == ',');
	}
	if (!ops)
		*bad = list;
	return ops;
}

/* ---- randomness: splitmix64, one stream per (seed, run) ------------------ */

struct rng { uint64_t s; };

static uint64_t next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int pick(struct rng *r, int n)
{
	return n > 0 ? (int)(next(r) % (uint64_t)n) : 0;
}

static int chance(struct rng *r, int percent)
{
	return pick(r, 100) < percent;
}

/* ---- the generator's state --------------------------------------------- */

struct gen {
	struct rng rng;
	struct fz_program *p;
	struct fz_model m;
	unsigned ops;
	int max_procs;
};

static const int modes[] = { 0600, 0600, 0666, 0644, 0640, 0660, 0400, 0444, 0604, 0000 };
static const long long sizes[] = { 4096, 4096, 1, 100, 4097, 8192, 12288, 0 };

static int pick_mode(struct rng *r)
{
	return modes[pick(r, (int)(sizeof(modes) / sizeof(modes[0])))];
}

static int alive_procs(const struct gen *g, int *v)
{
	int n = 0;
	for (int i = 0; i < g->p->nprocs; i++)
		if (g->m.procs[i].state == FZ_ALIVE)
			v[n++] = i;
	return n;
}

/* A bound segment reference, live segments more often; -1 if none. */
static int pick_ref(struct gen *g)
{
	int live[FZ_MAX_REFS], any[FZ_MAX_REFS], nl = 0, na = 0;
	for (int r = 0; r < g->p->nrefs; r++) {
		if (g->m.ref_seg[r] < 0)
			continue;
		any[na++] = r;
		if (g->m.segs[g->m.ref_seg[r]].live)
			live[nl++] = r;
	}
	if (nl && (chance(&g->rng, 85) || nl == na))
		return live[pick(&g->rng, nl)];
	return na ? any[pick(&g->rng, na)] : -1;
}

/* An attachment the process may use: attached (mostly) or safely dangling. */
static int pick_att(struct gen *g, int proc, int want_attached)
{
	int v[FZ_MAX_ATTS] = { 0 }, n = 0;
	struct fz_op probe = { .kind = FZ_SHMDT, .proc = proc };
	for (int a = 0; a < g->p->natts; a++) {
		probe.att = a;
		if (fz_model_applies(&g->m, &probe) && (!want_attached || g->m.procs[proc].att[a]))
			v[n++] = a;
	}
	return n ? v[pick(&g->rng, n)] : -1;
}

static void draw_shmget(struct gen *g, struct fz_op *op)
{
	struct rng *r = &g->rng;
	op->kind = FZ_SHMGET;
	op->ref = g->p->nrefs < FZ_MAX_REFS ? g->p->nrefs++ : -1;
	op->key = chance(r, 30) ? IPC_PRIVATE : 0x1000 + pick(r, 3);
	op->flags = (chance(r, 75) ? IPC_CREAT : 0) | pick_mode(r);
	if ((op->flags & IPC_CREAT) && chance(r, 30))
		op->flags |= IPC_EXCL;
	op->size = sizes[pick(r, (int)(sizeof(sizes) / sizeof(sizes[0])))];
	if (!(op->flags & IPC_CREAT) && chance(r, 50))
		op->size = 0;
}

static void draw_shmctl(struct gen *g, struct fz_op *op)
{
	struct rng *r = &g->rng;
	int roll = pick(r, 100);
	op->kind = FZ_SHMCTL;
	op->ref = pick_ref(g);
	op->cmd = roll < 45 ? IPC_RMID : roll < 75 ? IPC_STAT : roll < 88 ? IPC_SET : roll < 94 ? SHM_LOCK : SHM_UNLOCK;
	if ((op->cmd == SHM_LOCK || op->cmd == SHM_UNLOCK) && g->m.procs[op->proc].uid != 0)
		op->cmd = IPC_STAT; /* locking as another user depends on RLIMIT_MEMLOCK */
	op->mode = pick_mode(r);
}

static void draw_memory(struct gen *g, struct fz_op *op, enum fz_kind kind)
{
	struct rng *r = &g->rng;
	op->kind = kind;
	op->att = pick_att(g, op->proc, chance(r, 90));
	if (op->att < 0)
		return;
	long long size = g->m.segs[g->m.att_seg[op->att]].size;
	op->len = 1 + pick(r, 8);
	if (op->len > size)
		op->len = (int)size;
	op->offset = pick(r, (int)(size - op->len + 1));
	for (int i = 0; i < op->len; i++)
		op->data[i] = (unsigned char)(1 + pick(r, 255));
}

/* The other live process to kill, or -1. */
static int pick_victim(struct gen *g, int proc)
{
	int v[FZ_MAX_PROCS], n = alive_procs(g, v), k = 0;
	for (int i = 0; i < n; i++)
		if (v[i] != proc)
			v[k++] = v[i];
	return k ? v[pick(&g->rng, k)] : -1;
}

static void draw_process(struct gen *g, struct fz_op *op, int nalive)
{
	static const int crash_sigs[] = { SIGKILL, SIGTERM, SIGABRT, SIGSEGV };
	struct rng *r = &g->rng;
	int roll = pick(r, 100);
	if (roll < 50 && g->p->nprocs < g->max_procs) {
		op->kind = FZ_FORK;
		op->target = g->p->nprocs++;
		g->m.procs[op->target].state = FZ_UNBORN;
		return;
	}
	if (nalive < 2) { /* the last one does not go: nothing would be left to do */
		op->kind = FZ_CHECK_PROC;
		return;
	}
	if (roll < 65) {
		op->kind = FZ_EXIT;
		op->status = pick(r, 4);
	} else if (roll < 85) {
		op->kind = FZ_CRASH;
		op->sig = crash_sigs[pick(r, 4)];
	} else {
		op->kind = FZ_KILL;
		op->target = pick_victim(g, op->proc);
		op->sig = chance(r, 50) ? SIGKILL : SIGTERM;
	}
}

/* One operation of a live process, by weight among the enabled families. */
static void draw_op(struct gen *g, struct fz_op *op, int nalive)
{
	static const struct { unsigned family; int weight; } table[] = {
		{ SL_FUZZ_SHMGET, 18 }, { SL_FUZZ_ATTACH, 28 }, { SL_FUZZ_CTL, 16 },
		{ SL_FUZZ_MEMORY, 16 }, { SL_FUZZ_PROCESS, 14 }, { SL_FUZZ_SESSION, 8 }, { SL_FUZZ_FTOK, 6 },
	};
	int total = 0, which = -1;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		total += (g->ops & table[i].family) ? table[i].weight : 0;
	int roll = pick(&g->rng, total);
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]) && which < 0; i++) {
		if (!(g->ops & table[i].family))
			continue;
		if (roll < table[i].weight)
			which = (int)i;
		roll -= table[i].weight;
	}
	int has_ref = pick_ref(g) >= 0;
	if (which >= 1 && which <= 3 && !has_ref && (g->ops & SL_FUZZ_SHMGET))
		which = 0; /* nothing to work on yet */
	switch (which) {
	case 0: draw_shmget(g, op); return;
	case 1:
		if (chance(&g->rng, 35) && (op->att = pick_att(g, op->proc, chance(&g->rng, 90))) >= 0) {
			op->kind = FZ_SHMDT;
			return;
		}
		op->kind = FZ_SHMAT;
		op->ref = pick_ref(g);
		op->att = g->p->natts < FZ_MAX_ATTS ? g->p->natts++ : -1;
		op->flags = chance(&g->rng, 25) ? SHM_RDONLY : chance(&g->rng, 4) ? SHM_REMAP : 0;
		return;
	case 2: draw_shmctl(g, op); return;
	case 3: draw_memory(g, op, chance(&g->rng, 50) ? FZ_WRITE : FZ_READ); return;
	case 4: draw_process(g, op, nalive); return;
	case 5: {
		int which_call = pick(&g->rng, 12);
		if (which_call >= 10 && g->p->nprocs < g->max_procs) { /* daemon(1, 1): the actor goes on as a new process */
			op->kind = FZ_DAEMON;
			op->target = g->p->nprocs++;
			g->m.procs[op->target].state = FZ_UNBORN;
			return;
		}
		op->kind = which_call < 4 ? FZ_SETSID : which_call < 7 ? FZ_SETPGID : FZ_GETSID;
		return;
	}
	case 6: /* a project id whose low byte is often one already used */
		op->kind = FZ_FTOK;
		op->flags = chance(&g->rng, 20) ? FZ_FTOK_MISSING : 0;
		op->key = (int32_t)(pick(&g->rng, 4) + 1 + (chance(&g->rng, 50) ? 256 * (pick(&g->rng, 3) + 1) : 0));
		return;
	default: op->kind = FZ_CHECK_NS; return;
	}
}

static void append(struct gen *g, const struct fz_op *op)
{
	if (g->p->nops < FZ_MAX_OPS)
		g->p->ops[g->p->nops++] = *op;
}

/* Checks of what `op` touched: each segment, the process it changed, and
 * now and then the namespace. */
static void append_checks(struct gen *g, const struct fz_op *op, const int *segs, int nsegs, int before)
{
	for (int i = 0; i < nsegs; i++) {
		struct fz_op c = { .kind = FZ_CHECK_SEG, .ref = fz_model_ref_of(&g->m, segs[i]) };
		if (c.ref >= 0)
			append(g, &c);
	}
	struct fz_op c = { .kind = FZ_CHECK_PROC, .proc = op->proc };
	if (op->kind == FZ_FORK || op->kind == FZ_DAEMON || op->kind == FZ_KILL)
		c.proc = op->target;
	if (op->kind == FZ_FORK || op->kind == FZ_DAEMON || op->kind == FZ_KILL || op->kind == FZ_EXIT ||
	    op->kind == FZ_CRASH ||
	    g->m.procs[op->proc].state != FZ_ALIVE ||
	    ((op->kind == FZ_SHMAT || op->kind == FZ_SHMDT) && chance(&g->rng, 50)))
		append(g, &c);
	int child = op->kind == FZ_FORK || op->kind == FZ_DAEMON;
	struct fz_op sess = { .kind = FZ_CHECK_SESSION, .proc = child ? op->target : op->proc };
	if (op->kind == FZ_SETSID || op->kind == FZ_SETPGID || op->kind == FZ_DAEMON ||
	    (op->kind == FZ_FORK && (g->ops & SL_FUZZ_SESSION)))
		append(g, &sess);
	if (fz_model_segments(&g->m) != before && chance(&g->rng, 50)) {
		struct fz_op n = { .kind = FZ_CHECK_NS };
		append(g, &n);
	}
}

static void set_up(struct gen *g, const struct sl_fuzz_options *o)
{
	struct fz_program *p = g->p;
	struct rng *r = &g->rng;
	p->ninitial = p->nprocs = o->actors < 1 ? 1 : o->actors > 8 ? 8 : o->actors;
	g->max_procs = p->ninitial + 4 < FZ_MAX_PROCS ? p->ninitial + 4 : FZ_MAX_PROCS;
	for (int i = 1; i < p->ninitial && (g->ops & SL_FUZZ_PERMS); i++)
		if (chance(r, 40)) {
			p->uid[i] = 1000 + pick(r, 2);
			p->gid[i] = 1000 + pick(r, 2);
		}
	if (g->ops & SL_FUZZ_SYSCTL) {
		if (chance(r, 25))
			p->sysctls.shmmni = 1 + pick(r, 4);
		if (chance(r, 20))
			p->sysctls.shmmax = chance(r, 50) ? 4096 : 8192;
		if (chance(r, 20))
			p->sysctls.shmall = 1 + pick(r, 4);
		if (chance(r, 25))
			p->sysctls.rmid_forced = 1;
	}
	fz_model_init(&g->m, p, fz_wrong_rules());
}

struct sl_fuzz_program *sl_fuzz_generate(uint64_t seed, uint64_t run, const struct sl_fuzz_options *o)
{
	struct sl_fuzz_program *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	struct gen g = { .rng = { seed * 0x2545f4914f6cdd1dULL ^ (run + 1) * 0x9e3779b97f4a7c15ULL },
			 .p = &h->prog, .ops = o->ops ? o->ops : SL_FUZZ_ALL };
	h->prog.seed = seed;
	h->prog.run = run;
	next(&g.rng);
	set_up(&g, o);
	for (int n = 0; n < o->steps && g.p->nops < FZ_MAX_OPS - 16; n++) {
		int v[FZ_MAX_PROCS], nalive = alive_procs(&g, v);
		if (!nalive)
			break;
		struct fz_op op = { .proc = v[pick(&g.rng, nalive)], .ref = -1, .att = -1, .target = -1 };
		draw_op(&g, &op, nalive);
		if (!fz_model_applies(&g.m, &op))
			continue;
		int segs[8], before = fz_model_segments(&g.m);
		int nsegs = fz_model_touched(&g.m, &op, segs, 8);
		struct fz_prediction pr;
		g.m.now = g.p->nops;
		fz_model_apply(&g.m, &op, &pr);
		append(&g, &op);
		if (op.kind == FZ_SHMGET && nsegs == 0)
			nsegs = fz_model_touched(&g.m, &op, segs, 8);
		append_checks(&g, &op, segs, nsegs, before);
	}
	struct fz_op end = { .kind = FZ_CHECK_NS };
	append(&g, &end);
	fz_model_free(&g.m);
	return h;
}

struct sl_fuzz_program *sl_fuzz_program_copy(const struct sl_fuzz_program *p)
{
	struct sl_fuzz_program *c = malloc(sizeof(*c));
	if (c)
		*c = *p;
	return c;
}

void sl_fuzz_program_free(struct sl_fuzz_program *p)
{
	free(p);
}

int sl_fuzz_program_length(const struct sl_fuzz_program *p)
{
	return p->prog.nops;
}
