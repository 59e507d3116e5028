/* shrink.c - cutting a diverging fuzz program down (fuzz.h): delta
 * debugging over its operations (chunks of halving size, down to single
 * operations), its actors (every operation of one process at once) and
 * the arguments of each operation and of the program (one simplification
 * at a time), repeated until a whole round changes nothing: then no single
 * removal or simplification keeps the divergence.  After every change the
 * program is compacted: what no longer applies (a shmat of a segment whose
 * shmget went) goes, and processes, references and attachments are
 * renumbered, so the script reads p0 p1 s0 s1 a0.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "model.h"
#include "shmlife/fuzz.h"

#define MAX_TRIES 3000          /* oracle calls at most, however it goes     */

/* ---- compaction ---------------------------------------------------------- */

static void keep_applying(struct fz_program *p, int *used)
{
	struct fz_model m;
	struct fz_prediction pr;
	int n = 0;
	fz_model_init(&m, p, fz_wrong_rules());
	for (int i = 0; i < p->nops; i++) {
		const struct fz_op *op = &p->ops[i];
		if (!fz_model_applies(&m, op))
			continue;
		if (op->kind != FZ_CHECK_NS && op->kind != FZ_CHECK_SEG)
			used[op->proc] = 1;
		if (op->kind == FZ_FORK || op->kind == FZ_DAEMON || op->kind == FZ_KILL)
			used[op->target] = 1;
		fz_model_apply(&m, op, &pr);
		p->ops[n++] = *op;
	}
	p->nops = n;
	fz_model_free(&m);
}

static int renumber(int *map, int *next, int v)
{
	if (v < 0)
		return v;
	if (map[v] < 0)
		map[v] = (*next)++;
	return map[v];
}

void fz_program_compact(struct fz_program *p)
{
	int used[FZ_MAX_PROCS] = { 0 }, proc_map[FZ_MAX_PROCS], ref_map[FZ_MAX_REFS], att_map[FZ_MAX_ATTS];
	int nprocs = 0, nrefs = 0, natts = 0, uid[FZ_MAX_PROCS] = { 0 }, gid[FZ_MAX_PROCS] = { 0 };
	keep_applying(p, used);
	memset(proc_map, -1, sizeof(proc_map));
	memset(ref_map, -1, sizeof(ref_map));
	memset(att_map, -1, sizeof(att_map));
	for (int i = 0; i < p->ninitial; i++)
		if (used[i]) {
			uid[nprocs] = p->uid[i];
			gid[nprocs] = p->gid[i];
			proc_map[i] = nprocs++;
		}
	int ninitial = nprocs;
	for (int i = 0; i < p->nops; i++) {
		struct fz_op *op = &p->ops[i];
		if (op->kind == FZ_FORK || op->kind == FZ_DAEMON)
			op->target = renumber(proc_map, &nprocs, op->target);
		else if (op->kind == FZ_KILL)
			op->target = proc_map[op->target];
		if (op->kind != FZ_CHECK_NS && op->kind != FZ_CHECK_SEG)
			op->proc = proc_map[op->proc];
		else
			op->proc = 0;
		if (op->kind == FZ_SHMGET || op->kind == FZ_SHMAT || op->kind == FZ_SHMCTL || op->kind == FZ_CHECK_SEG)
			op->ref = renumber(ref_map, &nrefs, op->ref);
		if (op->kind == FZ_SHMAT || op->kind == FZ_SHMDT || op->kind == FZ_WRITE || op->kind == FZ_READ)
			op->att = renumber(att_map, &natts, op->att);
	}
	memcpy(p->uid, uid, sizeof(uid));
	memcpy(p->gid, gid, sizeof(gid));
	p->ninitial = ninitial;
	p->nprocs = nprocs;
	p->nrefs = nrefs;
	p->natts = natts;
}

/* ---- the search -------------------------------------------------------------- */

struct shrinker {
	struct sl_fuzz_program best, cand;
	sl_fuzz_oracle oracle;
	void *ctx;
	int tries;
};

/* Compacts the candidate and asks; keeps it if it still diverges. */
static int attempt(struct shrinker *k)
{
	fz_program_compact(&k->cand.prog);
	if (memcmp(&k->cand.prog, &k->best.prog, sizeof(k->cand.prog)) == 0 || k->tries >= MAX_TRIES)
		return 0;
	k->tries++;
	if (!k->oracle(k->ctx, &k->cand))
		return 0;
	k->best = k->cand;
	return 1;
}

static int remove_chunks(struct shrinker *k)
{
	int changed = 0;
	for (int chunk = k->best.prog.nops / 2; chunk >= 1; chunk /= 2) {
		for (int start = 0; start < k->best.prog.nops;) {
			struct fz_program *c = &k->cand.prog;
			k->cand = k->best;
			int end = start + chunk < c->nops ? start + chunk : c->nops;
			memmove(&c->ops[start], &c->ops[end], (size_t)(c->nops - end) * sizeof(c->ops[0]));
			c->nops -= end - start;
			if (attempt(k))
				changed = 1;
			else
				start += chunk;
		}
	}
	return changed;
}

/* Every operation of one process (and the fork or kill that names it). */
static int remove_actors(struct shrinker *k)
{
	int changed = 0;
	for (int proc = k->best.prog.nprocs - 1; proc >= 0; proc--) {
		struct fz_program *c = &k->cand.prog;
		k->cand = k->best;
		int n = 0;
		for (int i = 0; i < c->nops; i++) {
			const struct fz_op *op = &c->ops[i];
			int mine = op->kind != FZ_CHECK_NS && op->kind != FZ_CHECK_SEG && op->proc == proc;
			if (!mine && !((op->kind == FZ_FORK || op->kind == FZ_DAEMON || op->kind == FZ_KILL) &&
				       op->target == proc))
				c->ops[n++] = *op;
		}
		c->nops = n;
		changed |= attempt(k);
	}
	return changed;
}

/* The k-th simplification of an operation; 0 when there is none left. */
static int simplify_op(struct fz_op *op, int which)
{
	struct fz_op before = *op;
	switch (op->kind * 8 + which) {
	case FZ_SHMGET * 8 + 0: op->flags &= ~IPC_EXCL; break;
	case FZ_SHMGET * 8 + 1: op->flags = (op->flags & ~0777) | 0600; break;
	case FZ_SHMGET * 8 + 2: op->size = 4096; break;
	case FZ_SHMGET * 8 + 3: op->key = IPC_PRIVATE; break;
	case FZ_SHMAT * 8 + 0: op->flags = 0; break;
	case FZ_SHMCTL * 8 + 0: op->mode = 0600; break;
	case FZ_WRITE * 8 + 0:
	case FZ_READ * 8 + 0: op->len = 1; break;
	case FZ_WRITE * 8 + 1:
	case FZ_READ * 8 + 1: op->offset = 0; break;
	case FZ_CRASH * 8 + 0:
	case FZ_KILL * 8 + 0: op->sig = SIGKILL; break;
	case FZ_EXIT * 8 + 0: op->status = 0; break;
	default: return 0;
	}
	return memcmp(&before, op, sizeof(before)) != 0;
}

static int simplify_ops(struct shrinker *k)
{
	int changed = 0;
	for (int i = 0; i < k->best.prog.nops; i++)
		for (int which = 0; which < 4; which++) {
			k->cand = k->best;
			if (i < k->cand.prog.nops && simplify_op(&k->cand.prog.ops[i], which))
				changed |= attempt(k);
		}
	return changed;
}

/* The program's own arguments: each sysctl back to its default, each
 * actor back to root. */
static int simplify_program(struct shrinker *k)
{
	int changed = 0;
	for (int which = 0; which < 4 + k->best.prog.ninitial; which++) {
		k->cand = k->best;
		struct fz_program *c = &k->cand.prog;
		switch (which) {
		case 0: c->sysctls.shmmni = 0; break;
		case 1: c->sysctls.shmmax = 0; break;
		case 2: c->sysctls.shmall = 0; break;
		case 3: c->sysctls.rmid_forced = 0; break;
		default: c->uid[which - 4] = c->gid[which - 4] = 0; break;
		}
		changed |= attempt(k);
	}
	return changed;
}

struct sl_fuzz_program *sl_fuzz_shrink(const struct sl_fuzz_program *p, sl_fuzz_oracle still_diverges,
				       void *ctx, int *tries)
{
	struct shrinker *k = malloc(sizeof(*k));
	if (!k)
		return NULL;
	k->best = *p;
	fz_program_compact(&k->best.prog);
	k->oracle = still_diverges;
	k->ctx = ctx;
	k->tries = 0;
	int changed = 1;
	while (changed && k->tries < MAX_TRIES) {
		changed = remove_chunks(k);
		changed |= remove_actors(k);
		changed |= simplify_ops(k);
		changed |= simplify_program(k);
	}
	struct sl_fuzz_program *out = sl_fuzz_program_copy(&k->best);
	if (tries)
		*tries = k->tries;
	free(k);
	return out;
}
