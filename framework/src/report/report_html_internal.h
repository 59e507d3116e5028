/* report_html_internal.h - what the parts of the HTML report share
 * (report_html.c: the page; report_html_scenario.c: a scenario's section;
 * report_html_svg.c: the sequence diagram; report_html_text.c: the escaping
 * they use).  Not a public header.
 */
#ifndef SHMLIFE_REPORT_HTML_INTERNAL_H
#define SHMLIFE_REPORT_HTML_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "shmlife/report.h"
#include "shmlife/report_html.h"

/* Writes s escaped for HTML text and attribute values (& < > " '), made
 * valid UTF-8 first, with control characters written as \xNN.  NULL is "". */
void rh_text(FILE *out, const char *s);
/* The same for a fixed array of at most max bytes (need not end in NUL). */
void rh_textn(FILE *out, const char *s, size_t max);
/* The same, cut to at most max_chars characters, "…" marking a cut. */
void rh_text_cut(FILE *out, const char *s, size_t max_chars);
/* printf into a text that is then escaped. */
void rh_textf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The id of an item's section, by its name, not its place, so that a link
 * to it survives a change of the catalog: "sc-" and the name (with "#k" for
 * a repetition), each byte other than [A-Za-z0-9.-] written as _XX (`_` too). */
void rh_anchor(FILE *out, const struct sl_report_item *it);

/* 1 if the trace entry is a memcheck finding or summary. */
int rh_is_memcheck(const struct sl_trace_entry *e);
/* 1 if it is memcheck's summary of a scenario ("N processes checked: ..."). */
int rh_is_memcheck_summary(const struct sl_trace_entry *e);
/* CSS class of an outcome: "pass", "fail", "skip", "brok", "timeout". */
const char *rh_outcome_class(enum sl_outcome o);

/* The page being written (report_html.c). */
struct rh_page {
	FILE *out;
	const char *dir;                 /* the page's directory              */
	struct sl_html_options o;        /* with defaults filled in           */
	const struct sl_report_item *items;
	int n;
};

/* The outcome as a coloured badge. */
void rh_badge(FILE *out, enum sl_outcome o);
/* report_html_scenario.c: the section of scenario p->items[i]. */
void rh_scenario_section(const struct rh_page *p, int i);

/* report_html_kernels.c: other kernels' columns (p->o.columns), when the
 * run has them.  A <th> per kernel; a <td> per kernel with its outcome of
 * it; a <td> per kernel with its verdict on the item's claim; the section
 * "Kernels side by side". */
void rh_kernel_heads(const struct rh_page *p);
void rh_kernel_outcome_cells(const struct rh_page *p, const struct sl_report_item *it);
void rh_kernel_claim_cells(const struct rh_page *p, const struct sl_report_item *it, int claim);
void rh_kernels_section(const struct rh_page *p);

/* The sequence diagram of one item, an inline <svg>.  `index` makes ids
 * unique in the page. */
void rh_sequence_svg(FILE *out, const struct sl_report_item *it, int index);

#endif
