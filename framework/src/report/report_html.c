/* report_html.c - index.html (report_html.h): the page that stands alone,
 * its inline style, the run's summary with links to the other reports, the
 * coverage summary (read from gcovr's JSON summary with json-c), the memcheck
 * summary, and the section of each scenario (report_html_scenario.c: its
 * outcome, sequence diagram, claims, memcheck findings, steps and notes).  The escaping every part of the page uses is
 * report_html_text.c.
 *
 * The page is built in memory and written through a temporary file and a
 * rename, so a reader never sees half of it.  It is well-formed XML (XHTML
 * polyglot: every element closed, only numeric character references).
 */
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

/* ---- the page's frame --------------------------------------------------------- */

static const char style[] =
	/* CJK text (claims quote their sources) falls back to a CJK font */
	"body{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans CJK SC','WenQuanYi Micro Hei',"
	"'Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif;margin:0;color:#1d2433;background:#f5f6f8}"
	"header{background:#1d2433;color:#fff;padding:14px 24px}"
	"header h1{margin:0 0 4px;font-size:22px}"
	"header a{color:#9cc4ff;margin-right:14px}"
	"main{padding:8px 24px 40px}"
	".summaries{display:flex;gap:16px;flex-wrap:wrap}"
	".summaries section{flex:1 1 420px;margin:0 0 4px}"
	"section{background:#fff;border:1px solid #dde1e8;border-radius:6px;margin:16px 0;padding:8px 16px 14px}"
	"section.scenario.fail,section.scenario.brok,section.scenario.timeout{border-left:6px solid #c62828}"
	"section.scenario.pass{border-left:6px solid #2e7d32}"
	"section.scenario.skip{border-left:6px solid #9e9e9e}"
	"h2{font-size:18px;margin:10px 0}h3{font-size:15px;margin:14px 0 6px}"
	"table{border-collapse:collapse;font-size:13px;margin:4px 0}"
	"th,td{border:1px solid #dde1e8;padding:3px 8px;text-align:left;vertical-align:top}"
	"th{background:#eef1f5}td.num{white-space:nowrap;text-align:right}"
	"tr.fail td,tr.brok td,tr.timeout td{background:#fdecea}"
	".badge{display:inline-block;min-width:58px;text-align:center;border-radius:4px;padding:1px 6px;"
	"font-weight:bold;font-size:12px;color:#fff;margin-right:6px}"
	".badge.pass{background:#2e7d32}.badge.fail{background:#c62828}.badge.brok{background:#6a1b9a}"
	/* every badge's text against its background at least 4.5:1 (WCAG AA) */
	".badge.timeout{background:#bf360c}.badge.skip{background:#757575}.badge.flaky{background:#f9a825;color:#1d2433}"
	".notpassed{border-left:6px solid #c62828}.notpassed ul{margin:4px 0;padding-left:18px}"
	".notpassed li{margin:3px 0}.notpassed .where{color:#555}"
	".allpassed{border-left:6px solid #2e7d32}"
	".reason{font-family:monospace;background:#fdecea;padding:6px 8px;border-radius:4px;white-space:pre-wrap}"
	".reason.skip{background:#eeeeee}"
	".desc{margin:2px 0 6px;color:#444}"
	".facts{font-size:13px;color:#555}"
	/* a wide diagram scrolls inside its box, by mouse and (focused) by keyboard */
	".diagram{overflow-x:auto;max-width:100%;border:1px solid #e3e6eb;border-radius:4px;background:#fcfcfd}"
	".diagram:focus{outline:3px solid #1565c0;outline-offset:2px}"
	"main{min-width:0}section{min-width:0}"
	"code,.mono{font-family:monospace;font-size:12px}"
	".agree{color:#2e7d32;font-weight:bold}.disagree{color:#1565c0;font-weight:bold}"
	".unsettled{color:#c62828}.unchecked{color:#757575}"
	".none{color:#757575;font-style:italic}"
	"li.fail{color:#c62828}li.skip{color:#757575}"
	".pct{font-weight:bold}.low{color:#c62828}.ok{color:#2e7d32}"
	/* the sequence diagram */
	"svg.seq{font-family:'DejaVu Sans Mono','Noto Sans Mono CJK SC','WenQuanYi Micro Hei Mono',monospace;"
	"font-size:11px}"
	"svg.seq .lanehead{fill:#e8eef8;stroke:#5c6f91}"
	"svg.seq .lanehead.spawned{stroke-dasharray:4 3}"
	"svg.seq .kernel .lanehead{fill:#fff4dd;stroke:#a0782a}"
	"svg.seq .lanename{font-weight:bold;fill:#1d2433}"
	"svg.seq .lifeline{stroke:#9aa6bb;stroke-width:1.5;stroke-dasharray:6 4}"
	"svg.seq .kernel .lifeline{stroke:#a0782a;stroke-dasharray:none;stroke-width:3}"
	"svg.seq .death{stroke:#c62828;stroke-width:2.5}"
	"svg.seq .call{stroke:#3d5a8a;stroke-width:1.5}"
	"svg.seq .arrowhead{fill:#3d5a8a}"
	"svg.seq .caller{fill:#3d5a8a}"
	"svg.seq .check{fill:#a0782a}"
	"svg.seq .label{fill:#1d2433;paint-order:stroke;stroke:#fcfcfd;stroke-width:3px}"
	"svg.seq .answer{fill:#1565c0}"
	"svg.seq .answer.bad{fill:#c62828;font-weight:bold}"
	"svg.seq .gut{fill:#7a8396;font-size:10px}"
	"svg.seq .mark{font-size:14px;font-weight:bold}"
	"svg.seq .mark.ok{fill:#2e7d32}svg.seq .mark.bad{fill:#c62828}"
	"svg.seq .failband{fill:#fdecea}"
	"svg.seq .row.fail .call{stroke:#c62828;stroke-width:2.5}"
	"svg.seq .note{fill:#eef1f5;stroke:#b8c0cc}"
	"svg.seq .note.fail,svg.seq .note.brok,svg.seq .note.timeout{fill:#fbd9d5;stroke:#c62828}"
	"svg.seq .note.skip{fill:#f3f3f3;stroke:#aaaaaa;stroke-dasharray:3 2}"
	"svg.seq .note.pass{fill:#e6f2e7;stroke:#2e7d32}"
	"svg.seq .notetext{fill:#1d2433}svg.seq .notetext.end{font-weight:bold}"
	"svg.seq .state{fill:#444}svg.seq .state .chg{font-weight:bold;fill:#1d2433}"
	"svg.seq .bar.live{fill:#43a047}svg.seq .bar.dest{fill:#fb8c00}";

static int exists_beside(const struct rh_page *p, const char *rel)
{
	char *path = NULL;
	struct stat st;
	if (!rel || asprintf(&path, "%s/%s", p->dir, rel) < 0)
		return 0;
	int ok = stat(path, &st) == 0;
	free(path);
	return ok;
}

static void link_if(const struct rh_page *p, const char *rel, const char *label)
{
	if (!exists_beside(p, rel))
		return;
	fputs("<a href=\"", p->out);
	rh_text(p->out, rel);
	fputs("\">", p->out);
	rh_text(p->out, label);
	fputs("</a>", p->out);
}

/* The tab's title starts with the counts, what did not pass first:
 * `2 failed, 1 timed out, 45 passed - shmlife report`. */
static void title_counts(FILE *out, const struct sl_report_totals *t)
{
	const int counts[] = { t->failed, t->timedout, t->broken, t->passed, t->passed_on_retry, t->skipped };
	const char *const words[] = { "failed", "timed out", "broken", "passed", "passed on a retry", "skipped" };
	int said = 0;
	for (int i = 0; i < 6; i++)
		if (counts[i])
			rh_textf(out, "%s%d %s", said++ ? ", " : "", counts[i], words[i]);
	fputs(said ? " - " : "nothing run - ", out);
}

static void head(const struct rh_page *p)
{
	FILE *out = p->out;
	struct sl_report_totals t;
	char when[64] = "";
	time_t start = rc_run_start(p->items, p->n);
	struct tm tm;
	if (localtime_r(&start, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z", &tm);
	sl_report_totals(p->items, p->n, &t);
	fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\"/>\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>", out);
	title_counts(out, &t);
	rh_text(out, p->o.title);
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<header><h1>", style);
	rh_text(out, p->o.title);
	fputs("</h1><p>", out);
	rh_textf(out, "Run of %s: %d scenario%s: %d passed, %d failed, %d skipped, %d broken, %d timed out.",
		 when, p->n, p->n == 1 ? "" : "s", t.passed, t.failed, t.skipped, t.broken, t.timedout);
	if (t.passed_on_retry)
		rh_textf(out, " %d passed on a retry (flaky).", t.passed_on_retry);
	struct rc_system sys;             /* the system under test, as TAP and JUnit say it */
	rc_system(&sys);
	fputs("</p><p class=\"system\">Kernel: ", out);
	rh_text(out, sys.kernel);
	fputs("; libc: ", out);
	rh_text(out, sys.libc);
	fputs("</p><nav>", out);
	link_if(p, p->o.json, "results.json");
	link_if(p, p->o.junit, "JUnit XML");
	link_if(p, p->o.coverage_html, "coverage report");
	link_if(p, p->o.coverage_xml, "Cobertura XML");
	link_if(p, p->o.valgrind_summary, "memcheck summary");
	fputs("</nav></header>\n<main>\n", out);
}

/* ---- what did not pass, first ------------------------------------------------------ */

static int not_passed(const struct sl_report_item *it)
{
	enum sl_outcome o = it->result.outcome;
	return o == SL_FAIL || o == SL_BROK || o == SL_TIMEOUT || (it->flaky && o == SL_PASS);
}

/* At the top of the page: each scenario that did not pass (and each flaky
 * one), with where and why, linked to its section by name. */
static void not_passed_summary(const struct rh_page *p)
{
	FILE *out = p->out;
	int bad = 0;
	char name[300];
	for (int i = 0; i < p->n; i++)
		bad += not_passed(&p->items[i]);
	if (!bad) {
		if (p->n)
			fprintf(out, "<section class=\"allpassed\" id=\"not-passed\"><h2>Every scenario passed "
				     "or was skipped</h2></section>\n");
		return;
	}
	fprintf(out, "<section class=\"notpassed\" id=\"not-passed\"><h2>Did not pass: %d of %d</h2>\n<ul>\n", bad,
		p->n);
	for (int i = 0; i < p->n; i++) {
		const struct sl_report_item *it = &p->items[i];
		const struct sl_scenario *s = it->scenario;
		if (!not_passed(it))
			continue;
		rc_item_name(it, name, sizeof(name));
		fprintf(out, "<li class=\"%s\">", rh_outcome_class(it->result.outcome));
		rh_badge(out, it->result.outcome);
		if (it->flaky)
			fputs("<span class=\"badge flaky\">FLAKY</span>", out);
		fputs("<a href=\"#", out);
		rh_anchor(out, it);
		fputs("\">", out);
		rh_text(out, name);
		fputs("</a> <span class=\"where mono\">", out);
		int step = it->result.failed_step;
		int line = s && step >= 0 && step < s->nsteps ? s->steps[step].line : s ? s->line : 0;
		if (s && s->file)
			rh_textf(out, "%s:%d", s->file, line);
		fputs("</span> <span class=\"mono\">", out);
		rh_text_cut(out, it->result.reason, 240);
		fputs("</span></li>\n", out);
	}
	fputs("</ul></section>\n", out);
}

/* ---- the list of scenarios ------------------------------------------------------ */

static void scenario_list(const struct rh_page *p)
{
	FILE *out = p->out;
	char name[300];
	fputs("<section id=\"scenarios\"><h2>Scenarios</h2>\n", out);
	if (p->n == 0) {
		fputs("<p class=\"none\">No scenario was run.</p></section>\n", out);
		return;
	}
	fputs(p->o.ncolumns ? "<table class=\"list\"><tr><th>outcome here</th>" : "<table class=\"list\"><tr><th>outcome</th>",
	      out);
	rh_kernel_heads(p);
	fputs("<th>scenario</th><th>time</th><th>why</th></tr>\n", out);
	for (int i = 0; i < p->n; i++) {
		const struct sl_report_item *it = &p->items[i];
		rc_item_name(it, name, sizeof(name));
		fprintf(out, "<tr class=\"%s\"><td>", rh_outcome_class(it->result.outcome));
		rh_badge(out, it->result.outcome);
		if (it->flaky)
			fputs("<span class=\"badge flaky\">FLAKY</span>", out);
		fputs("</td>", out);
		rh_kernel_outcome_cells(p, it);
		fputs("<td><a href=\"#", out);
		rh_anchor(out, it);
		fputs("\">", out);
		rh_text(out, name);
		fprintf(out, "</a></td><td class=\"num\">%.1f ms</td><td class=\"mono\">",
			(double)it->result.duration_ns / 1e6);
		if (it->result.outcome != SL_PASS)
			rh_text_cut(out, it->result.reason, 160);
		fputs("</td></tr>\n", out);
	}
	fputs("</table></section>\n", out);
}

/* ---- coverage ---------------------------------------------------------------------- */

static double jnum(json_object *o, const char *key, int *found)
{
	json_object *v;
	if (!o || !json_object_object_get_ex(o, key, &v) || !v) {
		*found = 0;
		return 0;
	}
	*found = 1;
	return json_object_get_double(v);
}

static void pct(FILE *out, json_object *o, const char *what)
{
	char key[64];
	int found;
	snprintf(key, sizeof(key), "%s_percent", what);
	double v = jnum(o, key, &found);
	if (!found) {
		fputs("<td>-</td>", out);
		return;
	}
	snprintf(key, sizeof(key), "%s_covered", what);
	int fc, ft;
	double covered = jnum(o, key, &fc);
	snprintf(key, sizeof(key), "%s_total", what);
	double total = jnum(o, key, &ft);
	fprintf(out, "<td><span class=\"pct %s\">%.1f %%</span>", v < 80.0 ? "low" : "ok", v);
	if (fc && ft)
		fprintf(out, " (%.0f of %.0f)", covered, total);
	fputs("</td>", out);
}

static void coverage_files(FILE *out, json_object *files)
{
	size_t n = json_object_array_length(files);
	fprintf(out, "<details><summary>%zu files</summary>\n<table class=\"cov\"><tr><th>file</th>"
		     "<th>lines</th><th>functions</th><th>branches</th></tr>\n", n);
	for (size_t i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(files, i), *name;
		fputs("<tr><td class=\"mono\">", out);
		if (json_object_object_get_ex(f, "filename", &name))
			rh_text(out, json_object_get_string(name));
		fputs("</td>", out);
		pct(out, f, "line");
		pct(out, f, "function");
		pct(out, f, "branch");
		fputs("</tr>\n", out);
	}
	fputs("</table></details>\n", out);
}

static void coverage(const struct rh_page *p)
{
	FILE *out = p->out;
	char *path = NULL;
	json_object *root = NULL, *files;
	fputs("<section id=\"coverage\"><h2>Coverage</h2>\n", out);
	if (asprintf(&path, "%s/%s", p->dir, p->o.coverage_summary) >= 0 && exists_beside(p, p->o.coverage_summary))
		root = json_object_from_file(path);
	free(path);
	if (!root) {
		fputs("<p class=\"none\">No coverage summary at <code>", out);
		rh_text(out, p->o.coverage_summary);
		fputs("</code>: this run was not measured (see <code>ci/coverage.sh</code>).</p></section>\n", out);
		return;
	}
	fputs("<table class=\"cov\"><tr><th></th><th>lines</th><th>functions</th><th>branches</th></tr>"
	      "<tr><th>total</th>", out);
	pct(out, root, "line");
	pct(out, root, "function");
	pct(out, root, "branch");
	fputs("</tr></table>\n<p>", out);
	if (exists_beside(p, p->o.coverage_html))
		link_if(p, p->o.coverage_html, "The full report, line by line");
	else
		fputs("<span class=\"none\">no HTML coverage report beside this page</span>", out);
	fputs("</p>\n", out);
	if (json_object_object_get_ex(root, "files", &files) && json_object_is_type(files, json_type_array))
		coverage_files(out, files);
	json_object_put(root);
	fputs("</section>\n", out);
}

/* ---- memcheck ------------------------------------------------------------------------ */

static int count_memcheck(const struct sl_report_item *it, int *findings, int *truncated)
{
	int any = 0;
	*findings = *truncated = 0;
	for (int k = 0; k < it->result.ntrace; k++) {
		struct sl_trace_entry e_copy;
		const struct sl_trace_entry *e = sl_result_entry(&it->result, k, &e_copy);
		if (!rh_is_memcheck(e))
			continue;
		any = 1;
		if (rh_is_memcheck_summary(e))
			continue;
		if (e->verdict == SL_FAIL)
			(*findings)++;
		else if (e->verdict == SL_SKIP)
			(*truncated)++;
	}
	return any;
}

static void memcheck_summary(const struct rh_page *p)
{
	FILE *out = p->out;
	int checked = 0, dirty = 0, findings, truncated;
	char name[300];
	fputs("<section id=\"memcheck\"><h2>Memcheck</h2>\n", out);
	for (int i = 0; i < p->n; i++)
		if (count_memcheck(&p->items[i], &findings, &truncated)) {
			checked++;
			dirty += findings > 0;
		}
	if (!checked) {
		fputs("<p class=\"none\">Not run under valgrind (<code>shmlife run --valgrind</code>).</p></section>\n", out);
		return;
	}
	fprintf(out, "<p>%d scenario%s run under memcheck, %d with errors or definite leaks. ", checked,
		checked == 1 ? "" : "s", dirty);
	link_if(p, p->o.valgrind_summary, "Summary of every process");
	fputs("</p>\n<table class=\"list\"><tr><th>scenario</th><th>findings</th><th>truncated (killed)</th></tr>\n", out);
	for (int i = 0; i < p->n; i++) {
		if (!count_memcheck(&p->items[i], &findings, &truncated))
			continue;
		rc_item_name(&p->items[i], name, sizeof(name));
		fprintf(out, "<tr class=\"%s\"><td><a href=\"#", findings ? "fail" : "pass");
		rh_anchor(out, &p->items[i]);
		fputs("\">", out);
		rh_text(out, name);
		fprintf(out, "</a></td><td>%d</td><td>%d</td></tr>\n", findings, truncated);
	}
	fputs("</table></section>\n", out);
}

/* ---- the writer ---------------------------------------------------------------------------- */

static void fill_defaults(struct sl_html_options *o, const struct sl_html_options *given)
{
	memset(o, 0, sizeof(*o));
	if (given)
		*o = *given;
	if (!o->title)
		o->title = "shmlife report";
	if (!o->coverage_summary)
		o->coverage_summary = "coverage/summary.json";
	if (!o->coverage_html)
		o->coverage_html = "coverage/index.html";
	if (!o->coverage_xml)
		o->coverage_xml = "coverage/coverage.xml";
	if (!o->valgrind_summary)
		o->valgrind_summary = "valgrind/summary.txt";
	if (!o->junit)
		o->junit = "junit.xml";
	if (!o->json)
		o->json = "results.json";
}

int sl_html_write(const char *path, const struct sl_report_item *items, int n, const struct sl_html_options *o)
{
	struct rh_page p;
	char *dir = strdup(path ? path : "");
	struct sl_atomic_file af;
	if (!dir)
		return -1;
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	memset(&p, 0, sizeof(p));
	p.dir = slash ? (dir[0] ? dir : "/") : ".";
	p.items = items;
	p.n = n;
	fill_defaults(&p.o, o);
	if (sl_atomic_open(&af, path) < 0) { /* written as it is made, never held whole */
		int saved = errno;
		free(dir);
		errno = saved;
		return -1;
	}
	p.out = af.f;
	head(&p);
	not_passed_summary(&p);
	scenario_list(&p);
	rh_kernels_section(&p);
	fputs("<div class=\"summaries\">\n", p.out);
	coverage(&p);
	memcheck_summary(&p);
	fputs("</div>\n", p.out);
	for (int i = 0; i < n; i++)
		rh_scenario_section(&p, i);
	fputs("</main>\n</body>\n</html>\n", p.out);
	int rc = sl_atomic_close(&af, 1);
	int saved = errno;
	free(dir);
	errno = saved;
	return rc;
}
