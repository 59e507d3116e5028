/* explore.c - crash-point exploration (explore.h): the baseline run, one run
 * per crash point, the invariants' verdicts from each run's trace, and the
 * table (the reproducing scripts: explore_script.c).
 *
 * Each run is of a view of the scenario: a shallow copy with its own step
 * array (the crash made in it, the invariants appended) that shares every
 * string with the scenario; only the arrays the view made are freed.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fault.h"
#include "invariants.h"
#include "shmlife/explore.h"
#include "util.h"
#include "explore_script.h"

void sl_explore_options_default(struct sl_explore_options *o)
{
	memset(o, 0, sizeof(*o));
	sl_run_options_default(&o->run);
}

/* ---- views ------------------------------------------------------------------------- */

struct view {
	struct sl_scenario s;
	struct sl_fault **made;          /* fault arrays the view made (to free) */
	int nmade;
	int *inv_step;                   /* per invariant: its step in the view, -1 none */
};

static void view_free(struct view *v)
{
	for (int i = 0; i < v->nmade; i++)
		free(v->made[i]);
	free(v->made);
	free(v->s.steps);
	free(v->inv_step);
}

static int view_init(struct view *v, const struct sl_scenario *s)
{
	memset(v, 0, sizeof(*v));
	v->s = *s;
	v->s.keep_going = 1;
	int extra = sl_invariants_materialized(s) ? 0 : s->ninvariants;
	v->s.steps = calloc((size_t)(s->nsteps + extra) + 1, sizeof(*v->s.steps));
	v->inv_step = calloc((size_t)s->ninvariants + 1, sizeof(int));
	if (!v->s.steps || !v->inv_step)
		return -1; /* the caller frees the view */
	memcpy(v->s.steps, s->steps, (size_t)s->nsteps * sizeof(*s->steps));
	for (int i = 0; i < s->ninvariants; i++)
		v->inv_step[i] = -1;
	for (int i = 0; i < s->nsteps; i++)
		if (s->steps[i].invariant > 0 && s->steps[i].invariant <= s->ninvariants)
			v->inv_step[s->steps[i].invariant - 1] = i;
	for (int i = 0; i < extra; i++) {
		struct sl_step *st = &v->s.steps[v->s.nsteps++];
		*st = *s->invariants[i].expect;
		st->invariant = i + 1;
		v->inv_step[i] = s->nsteps + i;
	}
	return 0;
}

/* Adds fault f to step k of the view, after its own faults. */
static int view_add_fault(struct view *v, int k, const struct sl_fault *f)
{
	struct sl_step *st = &v->s.steps[k];
	struct sl_fault **made = realloc(v->made, (size_t)(v->nmade + 1) * sizeof(*made));
	if (!made)
		return -1;
	v->made = made;
	struct sl_fault *a = malloc((size_t)(st->nfaults + 1) * sizeof(*a));
	if (!a)
		return -1;
	if (st->nfaults)
		memcpy(a, st->faults, (size_t)st->nfaults * sizeof(*a));
	a[st->nfaults] = *f;
	st->faults = a;
	st->nfaults++;
	v->made[v->nmade++] = a;
	return 0;
}

/* The actor is killed instead of performing step k. */
static void view_crash_step(struct view *v, int k)
{
	struct sl_step *st = &v->s.steps[k];
	st->op = SL_OP_CRASH;
	st->nargs = 1;
	memset(st->args, 0, sizeof(st->args));
	st->args[0] = (struct sl_value){ SL_VAL_NUM, SIGKILL, 0, 0 };
	st->str = st->str2 = NULL;
	st->bytes = NULL;
	st->nbytes = 0;
	st->argv = st->envp = NULL;
	st->substs = NULL;
	st->nsubsts = 0;
	st->faults = NULL;
	st->nfaults = 0;
	st->bind = SL_NO_SLOT;
	memset(&st->outcome, 0, sizeof(st->outcome));
	st->outcome.kind = SL_EXPECT_DIES;
	st->outcome.signal = SIGKILL;
}

static int view_for(struct view *v, const struct sl_scenario *s, const struct sl_crash_point *p, int trace_calls)
{
	if (view_init(v, s) < 0)
		return -1;
	if (p->kind == SL_CRASH_STEP) {
		view_crash_step(v, p->step);
	} else if (p->kind != SL_CRASH_NONE) {
		struct sl_fault f = { p->kind == SL_CRASH_CALL_BEFORE ? SL_FAULT_SIGNAL_BEFORE : SL_FAULT_SIGNAL_AFTER,
				      p->syscall_nr, p->nth, p->nth, 0, SIGKILL, "" };
		memcpy(f.comm, p->comm, sizeof(f.comm));
		v->s.steps[p->step].outcome.kind = SL_EXPECT_ANY;
		if (view_add_fault(v, p->step, &f) < 0)
			return -1;
	}
	/* the baseline counts each program's calls: a fault that injects nothing */
	struct sl_fault count = { SL_FAULT_TRACE, sl_fault_call_number("shmget"), 1, 0, 0, 0, "" };
	for (int k = 0; trace_calls && k < s->nsteps; k++)
		if (s->steps[k].op == SL_OP_EXEC && !s->steps[k].invariant && view_add_fault(v, k, &count) < 0)
			return -1;
	return 0;
}

/* ---- judging a run ------------------------------------------------------------------ */

/* The entry of step `step`, copied into *e; NULL if it never ran. */
static const struct sl_trace_entry *step_entry(const struct sl_result *r, int step, struct sl_trace_entry *e)
{
	for (int i = 0; i < r->ntrace; i++)
		if (sl_result_entry(r, i, e)->kind == SL_ENTRY_STEP && e->step == step)
			return e;
	return NULL;
}

/* The first unexpected leak's event, copied into *e; NULL if none. */
static const struct sl_trace_entry *leak_event(const struct sl_result *r, struct sl_trace_entry *e)
{
	for (int i = 0; i < r->ntrace; i++)
		if (sl_result_entry(r, i, e)->kind == SL_ENTRY_EVENT && e->obs_kind == SL_OBS_LEAK &&
		    !e->obs.leak.expected)
			return e;
	return NULL;
}

static void note_broken(struct sl_explore_point *pt, const char *name, const char *detail)
{
	if (pt->broken++ == 0)
		snprintf(pt->detail, sizeof(pt->detail), "%.40s: %.190s", name, detail);
}

static int judge_run(const struct sl_scenario *s, const struct view *v, const struct sl_result *r,
		     const struct sl_explore_result *x, struct sl_explore_point *pt)
{
	pt->run = r->outcome;
	pt->held = calloc((size_t)x->ninvariants + 1, sizeof(*pt->held));
	if (!pt->held)
		return -1;
	for (int i = 0; i < s->ninvariants; i++) {
		struct sl_trace_entry e_copy;
		const struct sl_trace_entry *e = v->inv_step[i] >= 0 ? step_entry(r, v->inv_step[i], &e_copy) : NULL;
		pt->held[i] = e ? e->verdict : SL_BROK; /* not reached: the run ended first */
		if (pt->held[i] == SL_FAIL || pt->held[i] == SL_TIMEOUT)
			note_broken(pt, x->names[i], e->detail);
	}
	if (x->ninvariants > s->ninvariants) { /* no-leak */
		struct sl_trace_entry leak_copy;
		const struct sl_trace_entry *leak = leak_event(r, &leak_copy);
		int judged = r->outcome != SL_BROK && r->outcome != SL_TIMEOUT;
		pt->held[s->ninvariants] = leak ? SL_FAIL : judged ? SL_PASS : SL_BROK;
		if (leak)
			note_broken(pt, x->names[s->ninvariants], leak->detail);
	}
	if (!pt->broken && (r->outcome == SL_BROK || r->outcome == SL_TIMEOUT))
		snprintf(pt->detail, sizeof(pt->detail), "%s: %.200s", sl_outcome_name(r->outcome), r->reason);
	return 0;
}

/* What the baseline saw of the processes of one step's program: per name
 * (a process counted under each name it had, docs/fault-injection.md), the
 * most calls of each kind any process of that name made; in the order the
 * names were first seen, the program's own first. */
struct tree_name {
	int step;
	char comm[16];
	char parent_comm[16];
	int in_child;                    /* no process of that name was the program itself */
	int processes;                   /* how many had that name             */
	unsigned calls[IC__COUNT];
};
struct tree_calls {
	struct tree_name *v;
	int n, cap;
};

static struct tree_name *tree_name_for(struct tree_calls *t, int step, const struct sl_calls_obs *o)
{
	for (int i = 0; i < t->n; i++)
		if (t->v[i].step == step && strcmp(t->v[i].comm, o->comm) == 0)
			return &t->v[i];
	if (t->n == t->cap) {
		int ncap = t->cap ? t->cap * 2 : 16;
		struct tree_name *nv = realloc(t->v, (size_t)ncap * sizeof(*nv));
		if (!nv)
			return NULL;
		t->v = nv;
		t->cap = ncap;
	}
	struct tree_name *n = &t->v[t->n++];
	memset(n, 0, sizeof(*n));
	n->step = step;
	n->in_child = 1;
	memcpy(n->comm, o->comm, sizeof(n->comm));
	memcpy(n->parent_comm, o->parent_comm, sizeof(n->parent_comm));
	return n;
}

/* Calls of each step's program tree in the baseline, from the supervisor's
 * records (SL_OBS_CALLS). */
static int count_calls(const struct sl_result *r, int nsteps, struct tree_calls *t)
{
	for (int i = 0; i < r->ntrace; i++) {
		struct sl_trace_entry e_copy;
		const struct sl_trace_entry *e = sl_result_entry(r, i, &e_copy);
		if (e->kind != SL_ENTRY_EVENT || e->obs_kind != SL_OBS_CALLS || e->obs.calls.role == SL_CALLS_ACTOR ||
		    e->step < 0 || e->step >= nsteps || !e->obs.calls.comm[0])
			continue;
		struct tree_name *n = tree_name_for(t, e->step, &e->obs.calls);
		if (!n)
			return -1;
		if (e->obs.calls.role == SL_CALLS_PROGRAM)
			n->in_child = 0;
		n->processes++;
		for (unsigned c = 0; c < e->obs.calls.ncalls && c < IC__COUNT; c++)
			if (e->obs.calls.calls[c] > n->calls[c])
				n->calls[c] = e->obs.calls.calls[c];
	}
	return 0;
}

/* ---- the crash points ------------------------------------------------------------------ */

static int push_point(struct sl_crash_point **v, int *n, int *cap, struct sl_crash_point p)
{
	if (*n == *cap) {
		int ncap = *cap ? *cap * 2 : 16;
		struct sl_crash_point *nv = realloc(*v, (size_t)ncap * sizeof(*nv));
		if (!nv)
			return -1;
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = p;
	return 0;
}

/* 1 if step k's program was one process in the baseline (no child). */
static int alone(const struct tree_calls *t, int k)
{
	int processes = 0;
	for (int i = 0; i < t->n; i++)
		if (t->v[i].step == k)
			processes += t->v[i].processes;
	return processes <= 1;
}

/* The crash points at each call of the processes named `n` of step k's
 * tree: of that name only (comm=) unless the program was alone. */
static int push_call_points(const struct sl_explore_options *o, struct sl_crash_point p, const struct tree_name *n,
			    int named, struct sl_crash_point **out, int *np, int *cap)
{
	if (named) {
		memcpy(p.comm, n->comm, sizeof(p.comm));
		memcpy(p.parent_comm, n->parent_comm, sizeof(p.parent_comm));
		p.in_child = n->in_child;
		p.processes = n->processes;
	}
	for (int c = 0; c < IC__COUNT; c++) {
		if (o->calls && !(o->calls & (1u << c)))
			continue;
		for (unsigned nth = 1; nth <= n->calls[c]; nth++) {
			p.syscall_nr = sl_fault_call_number(inject_call_name(c));
			p.nth = (int)nth;
			p.kind = SL_CRASH_CALL_BEFORE;
			if (push_point(out, np, cap, p) < 0)
				return -1;
			p.kind = SL_CRASH_CALL_AFTER;
			if (c != IC_FORK && push_point(out, np, cap, p) < 0)
				return -1;
		}
	}
	return 0;
}

static int collect_points(const struct sl_scenario *s, const struct sl_explore_options *o,
			  const struct tree_calls *t, struct sl_crash_point **out)
{
	int n = 0, cap = 0;
	*out = NULL;
	for (int k = 0; k < s->nsteps; k++) {
		const struct sl_step *st = &s->steps[k];
		if (st->actor < 0 || st->op == SL_OP_EXPECT || st->invariant)
			continue;
		struct sl_crash_point p = { SL_CRASH_STEP, k, st->actor, 0, 0, "", "", 0, 0 };
		if (push_point(out, &n, &cap, p) < 0)
			return -1;
		for (int i = 0; st->op == SL_OP_EXEC && !o->steps_only && i < t->n; i++)
			if (t->v[i].step == k && push_call_points(o, p, &t->v[i], !alone(t, k), out, &n, &cap) < 0)
				return -1;
	}
	return n;
}

/* ---- the exploration -------------------------------------------------------------- */

static int invariant_names(const struct sl_scenario *s, struct sl_explore_result *r)
{
	r->ninvariants = s->ninvariants + !s->leak_expected;
	r->names = calloc((size_t)r->ninvariants + 1, sizeof(char *));
	if (!r->names)
		return -1;
	for (int i = 0; i < s->ninvariants; i++)
		if (!(r->names[i] = strdup(s->invariants[i].name)))
			return -1;
	if (!s->leak_expected && !(r->names[s->ninvariants] = strdup("no-leak")))
		return -1;
	return 0;
}

/* One run of the view for crash point `at`; judged into pt. */
static int explore_one(const struct sl_scenario *s, const struct sl_explore_options *o, const struct sl_crash_point *at,
		       struct sl_explore_result *x, struct sl_explore_point *pt, struct tree_calls *counts)
{
	struct view v;
	struct sl_result r;
	memset(pt, 0, sizeof(*pt));
	pt->at = *at;
	int trace_calls = at->kind == SL_CRASH_NONE && !o->steps_only;
	if (view_for(&v, s, at, trace_calls) < 0 || sl_run(&v.s, &o->run, &r) < 0) {
		view_free(&v);
		return -1;
	}
	int rc = judge_run(s, &v, &r, x, pt);
	if (rc == 0 && counts)
		rc = count_calls(&r, s->nsteps, counts);
	sl_result_free(&r);
	view_free(&v);
	if (rc == 0 && pt->broken && o->report_dir && at->kind != SL_CRASH_NONE)
		pt->script = explore_write_script(s, x, pt, o->report_dir);
	if (o->progress) {
		char what[300];
		sl_crash_point_describe(s, at, what, sizeof(what));
		fprintf(o->progress, "explore %s: %s: %s\n", s->name, what,
			pt->broken ? "BROKEN" : pt->run == SL_BROK || pt->run == SL_TIMEOUT ? "inconclusive" : "held");
		fflush(o->progress);
	}
	return rc;
}

int sl_explore(const struct sl_scenario *s, const struct sl_explore_options *o, struct sl_explore_result *r)
{
	memset(r, 0, sizeof(*r));
	struct tree_calls counts = { NULL, 0, 0 };
	struct sl_crash_point *points = NULL;
	struct sl_crash_point none = { SL_CRASH_NONE, -1, -1, 0, 0, "", "", 0, 0 };
	int n = -1;
	if (invariant_names(s, r) < 0 || explore_one(s, o, &none, r, &r->baseline, &counts) < 0 ||
	    (n = collect_points(s, o, &counts, &points)) < 0)
		goto fail;
	r->points = calloc((size_t)n + 1, sizeof(*r->points));
	if (!r->points)
		goto fail;
	for (int i = 0; i < n; i++) {
		if (explore_one(s, o, &points[i], r, &r->points[i], NULL) < 0)
			goto fail;
		r->npoints++;
		r->nbroken += r->points[i].broken > 0;
		r->ninconclusive += !r->points[i].broken && (r->points[i].run == SL_BROK || r->points[i].run == SL_TIMEOUT);
	}
	free(points);
	free(counts.v);
	return 0;
fail:
	free(points);
	free(counts.v);
	int saved = errno ? errno : ENOMEM;
	sl_explore_result_free(r);
	errno = saved;
	return -1;
}

static void point_free(struct sl_explore_point *p)
{
	free(p->held);
	free(p->script);
}

void sl_explore_result_free(struct sl_explore_result *r)
{
	for (int i = 0; r->names && i < r->ninvariants; i++)
		free(r->names[i]);
	free(r->names);
	point_free(&r->baseline);
	for (int i = 0; r->points && i < r->npoints; i++)
		point_free(&r->points[i]);
	free(r->points);
	memset(r, 0, sizeof(*r));
}

/* ---- the table ------------------------------------------------------------------- */

static void print_point(FILE *out, const struct sl_scenario *s, const struct sl_explore_result *r,
			const struct sl_explore_point *p)
{
	char what[300];
	sl_crash_point_describe(s, &p->at, what, sizeof(what));
	fprintf(out, "  %-8s %s\n", p->broken ? "BROKEN" : p->run == SL_BROK || p->run == SL_TIMEOUT ? "INCONCL" : "held",
		what);
	if (p->broken) {
		fprintf(out, "           breaks:");
		for (int i = 0; i < r->ninvariants; i++)
			if (p->held[i] == SL_FAIL || p->held[i] == SL_TIMEOUT)
				fprintf(out, " %s", r->names[i]);
		fprintf(out, "\n");
	}
	if (p->broken || p->run == SL_BROK || p->run == SL_TIMEOUT) {
		fprintf(out, "           ");
		explore_put_one_line(out, p->detail);
	}
	if (p->script)
		fprintf(out, "           reproduce: shmlife run %s\n", p->script);
}

void sl_explore_print(FILE *out, const struct sl_scenario *s, const struct sl_explore_result *r)
{
	fprintf(out, "explore %s: %d crash point(s); invariants:", s->name, r->npoints);
	for (int i = 0; i < r->ninvariants; i++)
		fprintf(out, " %s", r->names[i]);
	fprintf(out, "\n");
	print_point(out, s, r, &r->baseline);
	for (int i = 0; i < r->npoints; i++)
		print_point(out, s, r, &r->points[i]);
	if (r->baseline.broken)
		fprintf(out, "%s: the invariants do not hold even without a crash\n", s->name);
	fprintf(out, "%s: %d of %d crash points break an invariant", s->name, r->nbroken, r->npoints);
	if (r->ninconclusive)
		fprintf(out, ", %d inconclusive (BROK or TIMEOUT)", r->ninconclusive);
	fprintf(out, "\n");
}
