/* report_html_kernels.c - the HTML page's side-by-side parts, when the run
 * ran on other kernels too (run --kernel; sl_html_options.columns): a cell
 * per kernel in the scenario table and in each scenario's claims table, and
 * the section "Kernels side by side": each kernel (how it ran, or why it gave
 * no results, with its console's last lines) and every claim's verdict on
 * each, the rows where the kernels differ first. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "report_common.h"
#include "report_html_internal.h"
#include "shmlife/claims.h"

/* The verdict on `claim` of the item a column has (in_column; NULL: it has
 * none, *run says 0). */
static enum sl_claim_verdict column_verdict(const struct sl_report_item *in_column, const struct sl_claim *claim,
					    int *run)
{
	*run = in_column != NULL;
	return in_column ? sl_claim_verdict_of(claim, &in_column->result) : SL_CLAIM_UNCHECKED;
}

static void verdict_cell(FILE *out, enum sl_claim_verdict v, int run)
{
	static const char *const cls[] = { "agree", "disagree", "unsettled", "unchecked" };
	if (!run) {
		fputs("<td><span class=\"unchecked\">not run</span></td>", out);
		return;
	}
	fprintf(out, "<td><span class=\"%s\">%s</span></td>", cls[v], sl_claim_verdict_name(v));
}

void rh_kernel_heads(const struct rh_page *p)
{
	for (int k = 0; k < p->o.ncolumns; k++) {
		fputs("<th>", p->out);
		rh_text(p->out, p->o.columns[k].name);
		fputs("</th>", p->out);
	}
}

void rh_kernel_outcome_cells(const struct rh_page *p, const struct sl_report_item *it)
{
	for (int k = 0; k < p->o.ncolumns; k++) {
		const struct sl_report_column *c = &p->o.columns[k];
		const struct sl_report_item *there = sl_report_column_item(c, it->scenario, it->repeat);
		fputs("<td>", p->out);
		if (there) {
			rh_badge(p->out, there->result.outcome);
			if (there->result.outcome != SL_PASS && there->result.outcome != it->result.outcome) {
				fputs(" <span class=\"mono\">", p->out);
				rh_text_cut(p->out, there->result.reason, 120);
				fputs("</span>", p->out);
			}
		} else {
			fputs(c->broken ? "<span class=\"badge brok\">BROK</span>" : "<span class=\"none\">not run</span>",
			      p->out);
		}
		fputs("</td>", p->out);
	}
}

void rh_kernel_claim_cells(const struct rh_page *p, const struct sl_report_item *it, int claim)
{
	for (int k = 0; k < p->o.ncolumns; k++) {
		int run;
		const struct sl_report_item *there = sl_report_column_item(&p->o.columns[k], it->scenario, it->repeat);
		enum sl_claim_verdict v = column_verdict(there, &it->scenario->claims[claim], &run);
		verdict_cell(p->out, v, run);
	}
}

/* 1 if the kernels' verdicts on the claim are not all the same. */
static int claim_differs(const struct rh_page *p, const struct sl_report_item *it, int claim)
{
	enum sl_claim_verdict here = sl_claim_verdict_of(&it->scenario->claims[claim], &it->result);
	for (int k = 0; k < p->o.ncolumns; k++) {
		int run;
		const struct sl_report_item *there = sl_report_column_item(&p->o.columns[k], it->scenario, it->repeat);
		if (column_verdict(there, &it->scenario->claims[claim], &run) != here || !run)
			return 1;
	}
	return 0;
}

static void claim_rows(const struct rh_page *p, int differing)
{
	FILE *out = p->out;
	for (int i = 0; i < p->n; i++) {
		const struct sl_report_item *it = &p->items[i];
		for (int c = 0; it->repeat == 0 && c < it->scenario->nclaims; c++) {
			if (claim_differs(p, it, c) != differing)
				continue;
			fprintf(out, "<tr class=\"%s\"><td><a href=\"#", differing ? "fail" : "claim");
			rh_anchor(out, it);
			fputs("\">", out);
			rh_text(out, it->scenario->name);
			fputs("</a></td><td><b>", out);
			rh_text(out, it->scenario->claims[c].id);
			fputs("</b>: ", out);
			rh_text_cut(out, it->scenario->claims[c].text, 200);
			fputs("</td>", out);
			verdict_cell(out, sl_claim_verdict_of(&it->scenario->claims[c], &it->result), 1);
			rh_kernel_claim_cells(p, it, c);
			fputs("</tr>\n", out);
		}
	}
}

void rh_kernels_section(const struct rh_page *p)
{
	FILE *out = p->out;
	if (p->o.ncolumns <= 0)
		return;
	struct sl_report_column host;
	rc_host_column(&host, p->items, p->n);
	fputs("<section id=\"kernels\"><h2>Kernels side by side</h2>\n<table class=\"list\"><tr><th>kernel, libc</th>"
	      "<th>how it ran</th><th>time</th><th>passed or skipped</th><th>did not pass</th></tr>\n", out);
	for (int k = -1; k < p->o.ncolumns; k++) {
		const struct sl_report_column *c = k < 0 ? &host : &p->o.columns[k];
		int passed = 0, other = 0;
		for (int i = 0; i < p->n; i++) {
			const struct sl_report_item *there =
				sl_report_column_item(c, p->items[i].scenario, p->items[i].repeat);
			if (!there)
				continue;
			if (there->result.outcome == SL_PASS || there->result.outcome == SL_SKIP)
				passed++;
			else
				other++;
		}
		fputs("<tr><td class=\"mono\"><b>", out);
		rh_text(out, c->name);
		fputs("</b><br/>", out);
		if (strcmp(c->name, c->kernel) != 0) {
			rh_text(out, c->kernel);
			fputs("<br/>", out);
		}
		rh_text(out, c->version);
		fputs("<br/>actors: ", out);
		rh_text(out, c->libc);
		fputs("</td><td>", out);
		rh_text(out, c->how);
		if (c->seconds > 0)
			fprintf(out, "</td><td class=\"num\">%.1f s", c->seconds);
		else
			fputs("</td><td class=\"num\">", out);
		if (c->broken) {
			fputs("</td><td colspan=\"2\"><span class=\"badge brok\">BROK</span> <pre class=\"mono\">", out);
			rh_text(out, c->broken);
			fputs("</pre></td></tr>\n", out);
		} else {
			fprintf(out, "</td><td class=\"num\">%d</td><td class=\"num\">%d</td></tr>\n", passed, other);
		}
	}
	int differing = 0;
	for (int i = 0; i < p->n; i++)
		for (int c = 0; p->items[i].repeat == 0 && c < p->items[i].scenario->nclaims; c++)
			differing += claim_differs(p, &p->items[i], c);
	fprintf(out, "</table>\n<h3>Claims on each kernel</h3>\n<p>%d claim(s) whose verdicts differ between the "
		     "kernels, first.</p>\n<table class=\"claims\"><tr><th>scenario</th><th>claim</th><th>",
		differing);
	rh_text(out, host.name);
	fputs(" (this machine)</th>", out);
	rh_kernel_heads(p);
	fputs("</tr>\n", out);
	claim_rows(p, 1);
	claim_rows(p, 0);
	fputs("</table></section>\n", out);
}
