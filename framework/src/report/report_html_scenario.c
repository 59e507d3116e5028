/* report_html_scenario.c - one scenario's section of index.html: its
 * outcome and reason, its sequence diagram (report_html_svg.c), its claims
 * with this kernel's verdict and the evidence, its memcheck findings, the
 * output of its programs, its steps (expected against what the kernel
 * said) and the harness's notes; a repetition the same as its first run is
 * one line that links to it. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <json-c/json.h>

#include "report_common.h"
#include "report_html_internal.h"
#include "shmlife/claims.h"
#include "shmlife/report_html.h"

/* ---- one scenario ------------------------------------------------------------------------ */

/* The claim's verdict as claims.c judges it (sl_claim_judge), with the
 * reason where it was not settled or not checked. */
static void claim_verdict(FILE *out, const struct sl_report_item *it, int claim)
{
	const struct sl_result *r = &it->result;
	switch (sl_claim_verdict_of(&it->scenario->claims[claim], r)) {
	case SL_CLAIM_AGREES:
		fputs("<span class=\"agree\">agrees</span>", out);
		return;
	case SL_CLAIM_DISAGREES:
		fputs("<span class=\"disagree\">disagrees</span>", out);
		return;
	case SL_CLAIM_UNCHECKED:
		fputs("<span class=\"unchecked\">not checked here: ", out);
		break;
	case SL_CLAIM_UNSETTLED:
		if (r->outcome == SL_FAIL)
			fputs("<span class=\"unsettled\">the kernel did something else: ", out);
		else
			fprintf(out, "<span class=\"unsettled\">not settled (%s): ", sl_outcome_name(r->outcome));
		break;
	}
	rh_text(out, r->reason);
	fputs("</span>", out);
}

static void claim_evidence(FILE *out, const struct sl_report_item *it, int claim)
{
	const struct sl_scenario *s = it->scenario;
	char obs[320];
	int any = 0;
	for (int k = 0; k < it->result.ntrace; k++) {
		struct sl_trace_entry e_copy;
		const struct sl_trace_entry *e = sl_result_entry(&it->result, k, &e_copy);
		const struct sl_step *st = rc_entry_step(s, e);
		if (e->kind != SL_ENTRY_STEP || !st || st->claim != claim)
			continue;
		if (!any)
			fputs("<ul>", out);
		any = 1;
		rc_observed_text(st, e, obs, sizeof(obs));
		fprintf(out, "<li class=\"%s\">", rh_outcome_class(e->verdict));
		rh_textf(out, "line %d: %s: %s (%s)", st->line, rc_step_text(st), obs, sl_outcome_name(e->verdict));
		fputs("</li>", out);
	}
	if (any)
		fputs("</ul>", out);
	else if (it->result.outcome == SL_SKIP)
		fputs("<span class=\"none\">not run</span>", out);
	else
		fputs("<span class=\"none\">no step names this claim: the whole scenario is its evidence</span>", out);
}

static void claims_table(const struct rh_page *p, FILE *out, const struct sl_report_item *it)
{
	const struct sl_scenario *s = it->scenario;
	fputs("<h3>Claims</h3>\n", out);
	if (!s->nclaims) {
		fputs("<p class=\"none\">This scenario makes no claim.</p>\n", out);
		return;
	}
	fputs("<table class=\"claims\"><tr><th>claim</th><th>source</th><th>what the kernel did</th>", out);
	rh_kernel_heads(p);
	fputs("<th>evidence</th></tr>\n", out);
	for (int c = 0; c < s->nclaims; c++) {
		const struct sl_claim *cl = &s->claims[c];
		fprintf(out, "<tr class=\"%s\"><td><b>", it->result.outcome == SL_FAIL ? "fail" : "claim");
		rh_text(out, cl->id);
		fputs("</b>: ", out);
		rh_text(out, cl->text);
		fputs("</td><td>", out);
		rh_text(out, cl->source);
		fputs("</td><td>", out);
		claim_verdict(out, it, c);
		fputs("</td>", out);
		rh_kernel_claim_cells(p, it, c);
		fputs("<td>", out);
		claim_evidence(out, it, c);
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
}

/* A link to memcheck's XML files of the scenario, when its summary names a
 * directory beside the page. */
static void memcheck_files_link(const struct rh_page *p, const struct sl_trace_entry *e)
{
	const char *at = rh_is_memcheck_summary(e) && e->obs.memcheck.dir[0] ? e->obs.memcheck.dir : NULL;
	size_t dirlen = strlen(p->dir);
	if (!at)
		return;
	if (strncmp(at, p->dir, dirlen) == 0 && at[dirlen] == '/')
		at += dirlen + 1;
	else if (at[0] == '/')
		return; /* elsewhere: no relative link */
	fputs(" <a href=\"", p->out);
	rh_text(p->out, at);
	fputs("/\">(the XML files)</a>", p->out);
}

static void notes_list(const struct rh_page *p, const struct sl_report_item *it, int memcheck)
{
	FILE *out = p->out;
	int any = 0;
	for (int k = 0; k < it->result.ntrace; k++) {
		struct sl_trace_entry e_copy;
		const struct sl_trace_entry *e = sl_result_entry(&it->result, k, &e_copy);
		if (e->kind != SL_ENTRY_EVENT || rh_is_memcheck(e) != memcheck)
			continue;
		if (!any)
			fputs("<ul class=\"mono\">", out);
		any = 1;
		fprintf(out, "<li class=\"%s\">", rh_outcome_class(e->verdict));
		rh_textn(out, e->detail, sizeof(e->detail));
		if (memcheck)
			memcheck_files_link(p, e);
		fputs("</li>\n", out);
	}
	if (any)
		fputs("</ul>\n", out);
	else
		fprintf(out, "<p class=\"none\">%s</p>\n", memcheck ? "Not run under valgrind." : "None.");
}

/* What the step's program wrote, each stream folded under its size. */
static void program_output(FILE *out, const struct sl_result *r, int step)
{
	for (int s = 1; s <= 3; s++) {
		const struct sl_output *o = sl_result_output(r, step, s);
		if (!o || !o->total)
			continue;
		fprintf(out, "<details class=\"output\"><summary>%s, %llu bytes%s</summary><pre>",
			s == 1 ? "stdout" : s == 2 ? "stderr" : "the terminal",
			(unsigned long long)o->total, o->total > o->len ? " (the first 65536 kept)" : "");
		rh_text(out, o->data);
		fputs("</pre></details>", out);
	}
}

static void steps_table(FILE *out, const struct sl_report_item *it)
{
	const struct sl_scenario *s = it->scenario;
	char exp[320], obs[320];
	fprintf(out, "<details><summary>Steps (%d)</summary>\n<table class=\"steps\"><tr><th>#</th><th>line</th>"
		     "<th>actor</th><th>step</th><th>expected</th><th>the kernel</th><th>verdict</th></tr>\n",
		s->nsteps);
	for (int k = 0; k < it->result.ntrace; k++) {
		struct sl_trace_entry e_copy;
		const struct sl_trace_entry *e = sl_result_entry(&it->result, k, &e_copy);
		const struct sl_step *st = rc_entry_step(s, e);
		if (e->kind != SL_ENTRY_STEP || !st)
			continue;
		rc_expected_text(s, st, exp, sizeof(exp));
		rc_observed_text(st, e, obs, sizeof(obs));
		fprintf(out, "<tr class=\"%s\"><td>%d</td><td>%d</td><td>", rh_outcome_class(e->verdict), e->step + 1,
			st->line);
		rh_text(out, rc_actor_name(s, e->actor));
		fputs("</td><td class=\"mono\">", out);
		rh_text(out, rc_step_text(st));
		fputs("</td><td>", out);
		rh_text(out, exp);
		fputs("</td><td>", out);
		rh_text(out, obs);
		if (e->verdict != SL_PASS && e->detail[0] && (st->op != SL_OP_EXPECT)) {
			fputs("<br/>", out);
			rh_textn(out, e->detail, sizeof(e->detail));
		}
		program_output(out, &it->result, e->step);
		fprintf(out, "</td><td>%s</td></tr>\n", sl_outcome_name(e->verdict));
	}
	fputs("</table></details>\n", out);
}

void rh_scenario_section(const struct rh_page *p, int i)
{
	FILE *out = p->out;
	const struct sl_report_item *it = &p->items[i];
	const struct sl_scenario *s = it->scenario;
	char name[300];
	rc_item_name(it, name, sizeof(name));
	fprintf(out, "<section class=\"scenario %s\" id=\"", rh_outcome_class(it->result.outcome));
	rh_anchor(out, it);
	fputs("\">\n<h2>", out);
	rh_badge(out, it->result.outcome);
	rh_text(out, name);
	fputs("</h2>\n", out);
	if (s && s->description) {
		fputs("<p class=\"desc\">", out);
		rh_text(out, s->description);
		fputs("</p>\n", out);
	}
	fputs("<p class=\"facts\">", out);
	if (s && s->file)
		rh_textf(out, "%s:%d; ", s->file, s->line);
	for (int t = 0; s && t < s->ntags; t++)
		rh_textf(out, "#%s ", s->tags[t]);
	rh_textf(out, "%d actor%s, %d step%s, %.1f ms", s ? s->nactors : 0, s && s->nactors == 1 ? "" : "s",
		 s ? s->nsteps : 0, s && s->nsteps == 1 ? "" : "s", (double)it->result.duration_ns / 1e6);
	fputs("</p>\n", out);
	if (it->result.outcome != SL_PASS) {
		fprintf(out, "<p class=\"reason %s\">", rh_outcome_class(it->result.outcome));
		rh_text(out, it->result.reason);
		fputs("</p>\n", out);
	}
	int first = rc_same_as_first(p->items, p->n, i);
	if (first >= 0) { /* summarised: the first run has the detail */
		char first_name[300];
		rc_item_name(&p->items[first], first_name, sizeof(first_name));
		fputs("<p class=\"same\">The same as the first run, <a href=\"#", out);
		rh_anchor(out, &p->items[first]);
		fputs("\">", out);
		rh_text(out, first_name);
		fputs("</a>: its sequence, claims and steps are there.</p>\n</section>\n", out);
		return;
	}
	if (!s) {
		fputs("</section>\n", out);
		return;
	}
	/* focusable, so that the keyboard can scroll a diagram wider than the window */
	fputs("<h3>Sequence</h3>\n<div class=\"diagram\" tabindex=\"0\" role=\"region\" aria-label=\"sequence diagram of ",
	      out);
	rh_text(out, name);
	fputs(" (scrolls sideways)\">\n", out);
	rh_sequence_svg(out, it, i);
	fputs("</div>\n", out);
	claims_table(p, out, it);
	fputs("<h3>Memcheck</h3>\n", out);
	notes_list(p, it, 1);
	steps_table(out, it);
	fputs("<details><summary>Harness notes</summary>\n", out);
	notes_list(p, it, 0);
	fputs("</details>\n</section>\n", out);
}
