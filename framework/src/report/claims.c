/* claims.c - judging a scenario's claims from its result (claims.h). */
#include <stdio.h>
#include <string.h>

#include "shmlife/claims.h"
#include "shmlife/observed.h"
#include "util.h"

const char *sl_claim_verdict_name(enum sl_claim_verdict v)
{
	static const char *const names[] = { "agrees", "disagrees", "unsettled", "not checked here" };
	return (unsigned)v <= SL_CLAIM_UNCHECKED ? names[v] : "?";
}

/* "observed nattch=2, dest, key=0x00000000" for an expectation; on a
 * failure, what the conductor said. */
static void append_observed(const struct sl_step *st, const struct sl_trace_entry *e, char *buf, size_t len)
{
	if (e->verdict != SL_PASS) {
		sl_appendf(buf, len, "%s", e->detail);
		return;
	}
	if (e->obs_kind == SL_OBS_MAPS) { /* its fields are about a segment: say what is mapped */
		sl_appendf(buf, len, "observed %d SYSV mapping(s)", e->obs.maps.n);
		for (int i = 0; i < e->obs.maps.n && i < SL_MAX_MAPS; i++)
			sl_appendf(buf, len, "%s SYSV%08x shmid %d%s", i ? "," : ":", (unsigned)e->obs.maps.map[i].key,
				   e->obs.maps.map[i].shmid, e->obs.maps.map[i].deleted ? " (deleted)" : "");
		return;
	}
	sl_appendf(buf, len, "observed");
	for (int i = 0; i < st->npreds; i++) {
		long long v;
		char text[64];
		if (sl_observed_field(e, st->preds[i].field, 0, &v) < 0)
			continue;
		sl_observed_format(st->preds[i].field, v, text, sizeof(text));
		sl_appendf(buf, len, "%s %s", i ? "," : "", text);
	}
}

/* "line 12: peer shmat seg -> a: 0x7f..." for each step linked to claim i. */
static void collect_evidence(const struct sl_scenario *s, int i, const struct sl_result *r,
			     char *buf, size_t len)
{
	for (int k = 0; k < r->ntrace; k++) {
		const struct sl_trace_entry *e = &r->trace[k];
		if (e->kind != SL_ENTRY_STEP || e->step < 0 || e->step >= s->nsteps || s->steps[e->step].claim != i)
			continue;
		const struct sl_step *st = &s->steps[e->step];
		sl_appendf(buf, len, "%sline %d: %s: ", buf[0] ? "; " : "", st->line, st->text ? st->text : sl_op_name(st->op));
		if (st->op == SL_OP_EXPECT)
			append_observed(st, e, buf, len);
		else if (e->signal)
			sl_appendf(buf, len, "killed by %s", sl_signal_name(e->signal));
		else if (e->err)
			sl_appendf(buf, len, "failed %s", sl_errno_name(e->err));
		else
			sl_appendf(buf, len, "returned %lld", e->ret);
	}
}

void sl_claim_judge(const struct sl_scenario *s, int i, const struct sl_result *r,
		    struct sl_claim_finding *out)
{
	memset(out, 0, sizeof(*out));
	out->scenario = s;
	out->claim = &s->claims[i];
	switch (r->outcome) {
	case SL_PASS:
		out->verdict = s->claims[i].kernel_agrees ? SL_CLAIM_AGREES : SL_CLAIM_DISAGREES;
		collect_evidence(s, i, r, out->evidence, sizeof(out->evidence));
		if (!out->evidence[0])
			snprintf(out->evidence, sizeof(out->evidence), "every step of scenario %s as written", s->name);
		break;
	case SL_SKIP:
		out->verdict = SL_CLAIM_UNCHECKED;
		snprintf(out->evidence, sizeof(out->evidence), "skipped: %s", r->reason);
		break;
	default:
		out->verdict = SL_CLAIM_UNSETTLED;
		snprintf(out->evidence, sizeof(out->evidence), "%s: %s", sl_outcome_name(r->outcome), r->reason);
		break;
	}
}
