/* claims.c - judging a scenario's claims from its result (claims.h), and
 * writing the evidence: each step linked to a claim with the kernel's
 * answer, each expectation with the values the kernel showed (what a bound
 * name or an actor stood for too).  `shmlife claims`, results.json and the
 * HTML page all take both from here. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shmlife/claims.h"
#include "shmlife/observed.h"

const char *sl_claim_verdict_name(enum sl_claim_verdict v)
{
	static const char *const names[] = { "agrees", "disagrees", "unsettled", "not checked here" };
	return (unsigned)v <= SL_CLAIM_UNCHECKED ? names[v] : "?";
}

enum sl_claim_verdict sl_claim_verdict_of(const struct sl_claim *c, const struct sl_result *r)
{
	if (r->outcome == SL_PASS) {
		int agrees = c->kernel_agrees;
		if (r->libc >= 0 && r->libc < SL_LIBC__COUNT && c->agrees_with_libc[r->libc] >= 0)
			agrees = c->agrees_with_libc[r->libc];
		return agrees ? SL_CLAIM_AGREES : SL_CLAIM_DISAGREES;
	}
	return r->outcome == SL_SKIP ? SL_CLAIM_UNCHECKED : SL_CLAIM_UNSETTLED;
}

/* The trace entry of step `step`, copied into *e, or NULL if it never ran. */
static const struct sl_trace_entry *entry_of_step(const struct sl_result *r, int step, struct sl_trace_entry *e)
{
	for (int k = 0; k < r->ntrace; k++)
		if (sl_result_entry(r, k, e)->kind == SL_ENTRY_STEP && e->step == step)
			return e;
	return NULL;
}

/* What a bound name held: the result of the step that bound it. */
static int slot_value(const struct sl_scenario *s, const struct sl_result *r, int slot, long long *v)
{
	for (int k = 0; k < r->ntrace; k++) {
		struct sl_trace_entry e_copy;
		const struct sl_trace_entry *e = sl_result_entry(r, k, &e_copy);
		if (e->kind == SL_ENTRY_STEP && e->step >= 0 && e->step < s->nsteps &&
		    s->steps[e->step].bind == slot && e->err == 0 && !e->signal) {
			*v = e->ret;
			return 0;
		}
	}
	return -1;
}

/* An actor's pid: the last entry it performed before entry `upto`. */
static int actor_pid(const struct sl_result *r, int actor, int upto)
{
	int pid = 0;
	struct sl_trace_entry e;
	for (int k = 0; k < upto && k < r->ntrace; k++)
		if (sl_result_entry(r, k, &e)->actor == actor && e.pid > 0)
			pid = e.pid;
	return pid;
}

/* ---- observed values ------------------------------------------------------------- */

/* What a predicate's value stood for, when it was a name: " (seg: 3)". */
static void put_value_meaning(FILE *out, const struct sl_scenario *s, const struct sl_result *r, int k,
			      const struct sl_value *v)
{
	long long x;
	struct sl_trace_entry e;
	if (v->kind == SL_VAL_SLOT && v->slot >= 0 && v->slot < s->nslots && slot_value(s, r, v->slot, &x) == 0)
		fprintf(out, " (%s: %lld)", s->slots[v->slot], x);
	else if (v->kind == SL_VAL_ACTOR && v->actor >= 0 && v->actor < s->nactors)
		fprintf(out, " (%s: pid %d)", s->actors[v->actor].name, actor_pid(r, v->actor, k));
	else if (v->kind == SL_VAL_STEP_TIME && v->num >= 0 && v->num < s->nsteps && entry_of_step(r, (int)v->num, &e))
		fprintf(out, " (line %d began at %lld)", s->steps[v->num].line, (long long)e.wall_sec);
}

static void put_maps(FILE *out, const struct sl_maps_obs *o)
{
	int n = o->n < SL_MAX_MAPS ? o->n : SL_MAX_MAPS;
	fprintf(out, "%d SYSV mapping%s", o->n, o->n == 1 ? "" : "s");
	for (int i = 0; i < n; i++)
		fprintf(out, "%s SYSV%08x shmid %d %s%s", i ? "," : ":", (unsigned)o->map[i].key, o->map[i].shmid,
			o->map[i].writable ? "rw" : "ro", o->map[i].deleted ? " (deleted)" : "");
}

/* cwd=/, fd0=/dev/null, comm=NAME: what the process view showed, as the
 * conductor judged it (conductor_expect.c); 0, or -1 if not a text field. */
static int put_observed_text(FILE *out, const struct sl_trace_entry *e, const struct sl_predicate *p)
{
	if (e->obs_kind != SL_OBS_PROCESS || !p->str || p->value.kind != SL_VAL_NONE)
		return -1;
	const char *have = sl_observed_text(&e->obs.proc, p->field, p->fd);
	const char *cut = have && sl_observed_text_cut(&e->obs.proc, p->field, p->fd) ? "..." : "";
	if (p->field == SL_F_FD)
		fprintf(out, "fd%d=%s%s", p->fd, have ? have : "(not open)", cut);
	else
		fprintf(out, "%s=%s%s", sl_field_name(p->field), have ? have : "(not open)", cut);
	return 0;
}

static int is_signal_set(enum sl_field f)
{
	return f == SL_F_SIG_IGNORED || f == SL_F_SIG_CAUGHT || f == SL_F_SIG_RECEIVED || f == SL_F_SIG_PENDING;
}

/* "observed nattch=2, dest, key=0x00000000" for an expectation's entry. */
static void put_observed(FILE *out, const struct sl_scenario *s, const struct sl_result *r, int k)
{
	struct sl_trace_entry e_copy;
	const struct sl_trace_entry *e = sl_result_entry(r, k, &e_copy);
	const struct sl_step *st = &s->steps[e->step];
	fputs("observed ", out);
	if (e->obs_kind == SL_OBS_MAPS) {
		put_maps(out, &e->obs.maps);
		return;
	}
	for (int i = 0; i < st->npreds; i++) {
		const struct sl_predicate *p = &st->preds[i];
		/* what some fields are about: the signal of sig-caught=SIGHUP */
		long long v = 0, arg = p->value.kind == SL_VAL_NUM ? p->value.num : 0;
		int rc;
		if (i)
			fputs(", ", out);
		if (put_observed_text(out, e, p) == 0)
			continue;
		rc = sl_observed_field(e, p->field, arg, &v);
		if (rc == 0 && is_signal_set(p->field)) {
			fprintf(out, "%s%sSIG%s", sl_field_name(p->field), v ? "=" : "!=",
				sigabbrev_np((int)arg) ? sigabbrev_np((int)arg) : "?");
			continue;
		}
		if (rc < 0) {
			fprintf(out, "%s: not observable", sl_field_name(p->field));
		} else {
			char text[64];
			sl_observed_format(p->field, v, text, sizeof(text));
			fputs(text, out);
		}
		put_value_meaning(out, s, r, k, &p->value);
	}
}

/* The kernel's answer to an operation. */
static void put_answer(FILE *out, const struct sl_step *st, const struct sl_trace_entry *e)
{
	if (e->signal)
		fprintf(out, "killed by SIG%s", sigabbrev_np(e->signal) ? sigabbrev_np(e->signal) : "?");
	else if (e->exited)
		fprintf(out, "exited %d", e->exit_status);
	else if (e->err)
		fprintf(out, "failed %s", strerrorname_np(e->err) ? strerrorname_np(e->err) : "?");
	else if (st->op == SL_OP_READ)
		fprintf(out, "read %lld bytes, as stated", e->ret);
	else if (st->op == SL_OP_WRITE)
		fprintf(out, "wrote %lld bytes", e->ret);
	else if (st->op == SL_OP_SHMAT)
		fprintf(out, "returned 0x%llx", (unsigned long long)e->ret);
	else if (st->op == SL_OP_FTOK)
		fprintf(out, "returned 0x%08x", (unsigned)(int32_t)e->ret);
	else
		fprintf(out, "returned %lld", e->ret);
}

/* The step as written, without its `[claim ID]`, runs of blanks outside
 * quotes made one. */
static void put_step_text(FILE *out, const struct sl_step *st)
{
	const char *t = st->text ? st->text : sl_op_name(st->op);
	const char *mark = strstr(t, "[claim ");
	size_t n = mark ? (size_t)(mark - t) : strlen(t);
	while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t'))
		n--;
	int quoted = 0, blank = 0;
	for (size_t i = 0; i < n; i++) {
		int is_blank = !quoted && (t[i] == ' ' || t[i] == '\t');
		quoted ^= t[i] == '"' && (i == 0 || t[i - 1] != '\\');
		if (!is_blank || !blank)
			fputc(is_blank ? ' ' : t[i], out);
		blank = is_blank;
	}
}

/* Every step linked to claim `i`, with the kernel's answer; malloc'ed. */
static char *evidence_of(const struct sl_scenario *s, const struct sl_result *r, int i)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out)
		return NULL;
	int n = 0;
	for (int k = 0; k < r->ntrace; k++) {
		struct sl_trace_entry e_copy;
		const struct sl_trace_entry *e = sl_result_entry(r, k, &e_copy);
		if (e->kind != SL_ENTRY_STEP || e->step < 0 || e->step >= s->nsteps || s->steps[e->step].claim != i)
			continue;
		const struct sl_step *st = &s->steps[e->step];
		fprintf(out, "%sline %d: ", n++ ? "; " : "", st->line);
		put_step_text(out, st);
		fputs(": ", out);
		if (st->op == SL_OP_EXPECT)
			put_observed(out, s, r, k);
		else
			put_answer(out, st, e);
	}
	if (fclose(out) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

int sl_claim_judge(const struct sl_scenario *s, int i, const struct sl_result *r, struct sl_claim_finding *out)
{
	memset(out, 0, sizeof(*out));
	out->scenario = s;
	out->claim = &s->claims[i];
	out->verdict = sl_claim_verdict_of(&s->claims[i], r);
	char *text = NULL;
	if (out->verdict == SL_CLAIM_AGREES || out->verdict == SL_CLAIM_DISAGREES) {
		text = evidence_of(s, r, i);
		if (text && !text[0]) {
			free(text);
			text = NULL;
			if (asprintf(&text, "every step of scenario %s as written", s->name) < 0)
				text = NULL;
		}
	} else if (out->verdict == SL_CLAIM_UNCHECKED) {
		if (asprintf(&text, "skipped: %s", r->reason) < 0)
			text = NULL;
	} else if (asprintf(&text, "%s: %s", sl_outcome_name(r->outcome), r->reason) < 0) {
		text = NULL;
	}
	out->evidence = text;
	return text ? 0 : -1;
}

void sl_claim_finding_free(struct sl_claim_finding *f)
{
	free(f->evidence);
	f->evidence = NULL;
}
