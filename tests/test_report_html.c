/* test_report_html.c - index.html (report_html.h) from hand-built results:
 * it is well-formed XML, has one lane per actor and a row per step, draws
 * the kernel's answers and the segment's state, makes the failing step stand
 * out, escapes hostile script text, says in the claims table what the kernel
 * did, shows the coverage summary when there is one, fails cleanly when it
 * cannot write, and renders in headless Chromium (a screenshot that is not
 * blank, with the diagram's colours in it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <gnu/libc-version.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <math.h>
#include <png.h>

#include "shmlife/report.h"
#include "shmlife/report_html.h"
#include "shmlife/result.h"
#include "shmlife/scenario.h"

#define HOSTILE "<script>alert(1)</script>&<img src=x onerror=alert(2)>"

/* ---- fixtures ------------------------------------------------------------ */

#include "support/tmp_fixture.h"
#include "support/trace_entry.h"

static void make_tmpdir(void)
{
	tmpdir_keep_variable = "SHMLIFE_KEEP_HTML";
	tmpdir_make("/tmp/test_report_html.XXXXXX");
}

TestSuite(html, .init = make_tmpdir, .fini = remove_tmpdir);

static char *in_tmp(const char *name)
{
	char *p = NULL;
	cr_assert_neq(asprintf(&p, "%s/%s", tmpdir, name), -1);
	return p;
}

static struct sl_step *step(struct sl_scenario *s, int actor, enum sl_op op, int line, const char *text)
{
	struct sl_step *st = sl_scenario_add_step(s, actor, op);
	cr_assert_not_null(st);
	st->line = line;
	st->text = strdup(text);
	return st;
}

/* owner creates, attaches and removes a segment; peer attaches and is
 * killed; owner forks a child; the second IPC_RMID (step 8) is the one
 * that fails.  Its text and a claim carry hostile markup. */
static struct sl_scenario *scenario(void)
{
	struct sl_scenario *s = sl_scenario_new("rmid-" HOSTILE);
	cr_assert_not_null(s);
	s->file = strdup("scenarios/rmid.scn");
	s->description = strdup("IPC_RMID on an attached segment " HOSTILE);
	s->line = 1;
	cr_assert_eq(sl_scenario_add_tag(s, "lifecycle"), 0);
	int owner = sl_scenario_add_actor(s, "owner"), peer = sl_scenario_add_actor(s, "peer");
	int child = sl_scenario_add_actor(s, "child");
	s->actors[child].spawned = 1;
	cr_assert_eq(sl_scenario_add_slot(s, "seg"), 0);
	cr_assert_eq(sl_scenario_add_claim(s, "rmid-marks", "IPC_RMID on an attached segment only marks it",
					   "shmctl(2)", 1), 0);
	cr_assert_eq(sl_scenario_add_claim(s, "hostile", "claim " HOSTILE, "source " HOSTILE, 0), 1);
	step(s, owner, SL_OP_SHMGET, 5, "owner: shmget auto 4096 create 0600 -> seg")->bind = 0;
	step(s, owner, SL_OP_SHMAT, 6, "owner: shmat seg -> a");
	step(s, peer, SL_OP_SHMAT, 7, "peer: shmat seg -> b");
	step(s, owner, SL_OP_SHMCTL, 8, "owner: shmctl seg IPC_RMID")->claim = 0;
	step(s, SL_CONDUCTOR, SL_OP_EXPECT, 9, "expect seg: nattch == 2, dest")->claim = 0;
	step(s, peer, SL_OP_CRASH, 10, "peer: crash SIGKILL");
	step(s, owner, SL_OP_FORK, 11, "owner: fork -> child")->new_actor = child;
	struct sl_step *st = step(s, owner, SL_OP_SHMCTL, 12, "owner: shmctl seg IPC_RMID fails EINVAL " HOSTILE);
	sl_step_expect_errno(st, EINVAL);
	st->claim = 1;
	return s;
}

static struct sl_trace_entry entry(int step, int actor, enum sl_outcome verdict, long long ret, int err)
{
	struct sl_trace_entry e;
	memset(&e, 0, sizeof(e));
	e.kind = SL_ENTRY_STEP;
	e.step = step;
	e.actor = actor;
	e.pid = 2 + actor;
	e.verdict = verdict;
	e.ret = ret;
	e.err = err;
	e.wall_sec = 1700000000;
	e.t_ns = (uint64_t)step * 1000000;
	e.brief.slot = 0;
	e.brief.shmid = 32769;
	e.brief.present = 1;
	e.brief.key = 0x5eed1234;
	return e;
}

static void append(struct sl_result *r, struct sl_trace_entry e)
{
	cr_assert_eq(sl_result_append(r, &e), 0);
}

static void event(struct sl_result *r, enum sl_outcome verdict, const char *text)
{
	struct sl_trace_entry e;
	memset(&e, 0, sizeof(e));
	e.kind = SL_ENTRY_EVENT;
	e.step = e.actor = -1;
	e.brief.slot = -1;
	e.verdict = verdict;
	snprintf(e.detail, sizeof(e.detail), "%s", text);
	append(r, e);
}

/* An event of memcheck's: its words and its record (valgrind_report.c). */
static void memcheck_event(struct sl_result *r, enum sl_outcome verdict, const char *text, struct sl_memcheck_obs m)
{
	event(r, verdict, text);
	struct sl_trace_entry e = *test_entry(r, r->ntrace - 1);
	e.obs_kind = SL_OBS_MEMCHECK;
	e.obs.memcheck = m;
	sl_result_drop_last(r);
	append(r, e);
}

/* The trace of scenario(): PASS up to step 8, which FAILs (IPC_RMID
 * succeeded again), or PASS throughout. */
static void result(struct sl_result *r, enum sl_outcome outcome)
{
	struct sl_trace_entry e;
	sl_result_init(r);
	r->outcome = outcome;
	r->duration_ns = 2500000;
	event(r, SL_PASS, "namespaces: ipc:[4026532000] pid:[4026532001]");
	append(r, entry(0, 0, SL_PASS, 32769, 0));
	e = entry(1, 0, SL_PASS, 0x7f0000001000LL, 0);
	e.brief.nattch = 1;
	append(r, e);
	e = entry(2, 1, SL_PASS, 0x7f0000002000LL, 0);
	e.brief.nattch = 2;
	append(r, e);
	e = entry(3, 0, SL_PASS, 0, 0);
	e.brief.nattch = 2;
	e.brief.dest = 1;
	e.brief.key = 0;
	append(r, e);
	e = entry(4, SL_CONDUCTOR, SL_PASS, 0, 0);
	e.brief.nattch = 2;
	e.brief.dest = 1;
	e.brief.key = 0;
	append(r, e);
	e = entry(5, 1, SL_PASS, 0, 0);
	e.signal = SIGKILL;
	e.brief.nattch = 1;
	e.brief.dest = 1;
	e.brief.key = 0;
	append(r, e);
	e = entry(6, 0, SL_PASS, 9, 0);
	e.brief.nattch = 2;
	e.brief.dest = 1;
	e.brief.key = 0;
	append(r, e);
	if (outcome == SL_FAIL) {
		e = entry(7, 0, SL_FAIL, 0, 0);
		snprintf(e.detail, sizeof(e.detail), "expected failure with EINVAL, the call succeeded");
		r->failed_step = 7;
		snprintf(r->reason, sizeof(r->reason), "line 12: owner: shmctl seg IPC_RMID: expected EINVAL "
						       "%s, the call succeeded", HOSTILE);
	} else {
		e = entry(7, 0, SL_PASS, -1, EINVAL);
	}
	e.brief.present = 0;
	append(r, e);
	memcheck_event(r, SL_FAIL, "memcheck: actor owner pid 2: Leak_DefinitelyLost 64 bytes in 1 blocks at leaky.c:9",
		       (struct sl_memcheck_obs){ .role = SL_MEMCHECK_PROCESS, .pid = 2 });
	memcheck_event(r, SL_PASS, "memcheck: actor peer pid 3: clean",
		       (struct sl_memcheck_obs){ .role = SL_MEMCHECK_PROCESS, .pid = 3 });
	memcheck_event(r, SL_FAIL, "memcheck: 2 processes checked: 0 errors, 1 definite leak, 0 truncated; XML files in x",
		       (struct sl_memcheck_obs){ .role = SL_MEMCHECK_SUMMARY, .processes = 2, .leaks = 1, .dir = "x" });
	memset(&e, 0, sizeof(e));
	e.kind = SL_ENTRY_END;
	e.step = outcome == SL_FAIL ? 7 : -1;
	e.actor = -1;
	e.brief.slot = -1;
	e.verdict = outcome;
	append(r, e);
}

/* Three items: the failing one, a passing one, a skipped one. */
struct fixture {
	struct sl_scenario *s;
	struct sl_report_item items[3];
};

static void fixture(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->s = scenario();
	for (int i = 0; i < 3; i++)
		f->items[i].scenario = f->s;
	result(&f->items[0].result, SL_FAIL);
	result(&f->items[1].result, SL_PASS);
	f->items[1].repeat = 1;
	sl_result_init(&f->items[2].result);
	f->items[2].result.outcome = SL_SKIP;
	f->items[2].repeat = 2;
	snprintf(f->items[2].result.reason, sizeof(f->items[2].result.reason), "needs kernel >= 9.9");
}

static void fixture_free(struct fixture *f)
{
	for (int i = 0; i < 3; i++)
		sl_result_free(&f->items[i].result);
	sl_scenario_free(f->s);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(f);
	fclose(m);
	return buf;
}

/* Writes the fixture's page; returns its path. */
static char *write_page(struct fixture *f, int n)
{
	char *path = in_tmp("index.html");
	cr_assert_eq(sl_html_write(path, f->items, n, NULL), 0, "sl_html_write: %s", strerror(errno));
	return path;
}

static int count_nodes(xmlDocPtr doc, const char *xpath)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	cr_assert_not_null(ctx);
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);
	cr_assert_not_null(o, "bad xpath %s", xpath);
	int n = o->nodesetval ? o->nodesetval->nodeNr : 0;
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return n;
}

static xmlDocPtr read_page(const char *path)
{
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	cr_assert_not_null(doc, "%s is not well-formed XML", path);
	return doc;
}

/* The first (failing) scenario's diagram. */
/* The i-th scenario's section (from 1), in catalog order. */
#define SECTION(i) "(//*[local-name()='section'][contains(@class,'scenario')])[" #i "]"
#define SVG0 SECTION(1) "//*[local-name()='svg']"

/* ---- the page ----------------------------------------------------------------- */

Test(html, page_is_well_formed_with_a_lane_per_actor_and_a_row_per_step)
{
	struct fixture f;
	fixture(&f);
	char *path = write_page(&f, 3);
	xmlDocPtr doc = read_page(path);
	cr_assert_eq(count_nodes(doc, "//*[local-name()='section'][contains(@class,'scenario')]"), 3);
	cr_assert_eq(count_nodes(doc, SVG0), 1, "one diagram for the failing scenario");
	cr_assert_eq(count_nodes(doc, SVG0 "//*[@data-lane]"), 4, "kernel + owner, peer, child");
	cr_assert_eq(count_nodes(doc, SVG0 "//*[@data-lane='0']//*[.='kernel / conductor']"), 1);
	/* 8 steps, the memcheck finding, the verdict; not the PASS notes (namespaces,
	 * a clean process), nor memcheck's summary */
	cr_assert_eq(count_nodes(doc, SVG0 "//*[@data-row]"), 10);
	cr_assert_eq(count_nodes(doc, SVG0 "//*[contains(@class,'row step')]"), 8);
	cr_assert_eq(count_nodes(doc, SECTION(3) "//*[local-name()='svg']"), 0,
		     "a skipped scenario has no trace to draw");
	/* peer died at its crash: its lifeline ends with an X */
	cr_assert_eq(count_nodes(doc, SVG0 "//*[@data-lane='2']//*[contains(@class,'death')]"), 1);
	cr_assert_eq(count_nodes(doc, SVG0 "//*[@data-lane='1']//*[contains(@class,'death')]"), 0);
	/* the forked child's lane is drawn as born later */
	cr_assert_eq(count_nodes(doc, SVG0 "//*[@data-lane='3']//*[contains(@class,'spawned')]"), 1);
	xmlFreeDoc(doc);
	free(path);
	fixture_free(&f);
}

Test(html, an_actor_killed_by_another_or_waited_for_ends_its_lifeline)
{
	struct sl_scenario *s = sl_scenario_new("kill-and-wait");
	int owner = sl_scenario_add_actor(s, "owner"), victim = sl_scenario_add_actor(s, "victim");
	int quitter = sl_scenario_add_actor(s, "quitter");
	struct sl_step *st = step(s, owner, SL_OP_KILL, 3, "owner kill victim SIGKILL");
	st->args[0] = sl_actor(victim);
	st->args[1] = sl_num(SIGKILL);
	st->nargs = 2;
	step(s, SL_CONDUCTOR, SL_OP_WAIT, 4, "wait quitter")->args[0] = sl_actor(quitter);
	struct sl_report_item it = { .scenario = s };
	sl_result_init(&it.result);
	struct sl_trace_entry e = entry(0, owner, SL_PASS, 0, 0);
	e.brief.slot = -1;
	e.brief.present = 0;
	append(&it.result, e);
	e.step = 1;
	e.actor = SL_CONDUCTOR;
	append(&it.result, e);
	char *path = in_tmp("index.html");
	cr_assert_eq(sl_html_write(path, &it, 1, NULL), 0);
	xmlDocPtr doc = read_page(path);
	cr_assert_eq(count_nodes(doc, SVG0 "//*[@data-lane='1']//*[contains(@class,'death')]"), 0, "owner lives");
	cr_assert_eq(count_nodes(doc, SVG0 "//*[@data-lane='2']//*[contains(@class,'death')]"), 1, "killed");
	cr_assert_eq(count_nodes(doc, SVG0 "//*[@data-lane='3']//*[contains(@class,'death')]"), 1, "waited for");
	cr_assert_eq(count_nodes(doc, SVG0 "//*[local-name()='text'][.='kill victim SIGKILL']"), 1,
		     "the lane names the actor: the label does not repeat it");
	xmlFreeDoc(doc);
	free(path);
	sl_result_free(&it.result);
	sl_scenario_free(s);
}

Test(html, failing_step_stands_out)
{
	struct fixture f;
	fixture(&f);
	char *path = write_page(&f, 1);
	xmlDocPtr doc = read_page(path);
	cr_assert_eq(count_nodes(doc, SVG0 "//*[contains(@class,'row step fail')]"), 1, "only step 8 failed");
	cr_assert_eq(count_nodes(doc, SVG0 "//*[contains(@class,'row step fail')][@data-row='7']"), 1);
	cr_assert_eq(count_nodes(doc, SVG0 "//*[contains(@class,'row step fail')]//*[@class='failband']"), 1);
	cr_assert_eq(count_nodes(doc, SVG0 "//*[contains(@class,'row step fail')]//*[contains(@class,'answer bad')]"), 1);
	cr_assert_eq(count_nodes(doc, "//*[@class='steps']//*[local-name()='tr'][@class='fail']/*[.='FAIL']"), 1,
		     "and in the steps table");
	cr_assert_eq(count_nodes(doc, "//*[local-name()='p'][contains(@class,'reason fail')]"), 1);
	xmlFreeDoc(doc);
	char *page = slurp(path);
	cr_assert_not_null(strstr(page, "expected failure with EINVAL, the call succeeded"));
	free(page);
	free(path);
	fixture_free(&f);
}

Test(html, kernel_answers_and_segment_state_are_on_the_rows)
{
	struct fixture f;
	fixture(&f);
	char *path = write_page(&f, 2);
	char *page = slurp(path);
	cr_assert_not_null(strstr(page, "= 32769"), "shmget's shmid");
	cr_assert_not_null(strstr(page, "= 0x7f0000001000"), "shmat's address");
	cr_assert_not_null(strstr(page, "killed by SIGKILL"), "the crash");
	cr_assert_not_null(strstr(page, "-1 EINVAL"), "the second IPC_RMID, in the passing run");
	cr_assert_not_null(strstr(page, "<tspan class=\"chg\"> key 0x5eed1234</tspan>"), "the key, when created");
	cr_assert_not_null(strstr(page, "<tspan class=\"chg\"> nattch 2</tspan>"), "nattch when it changes");
	cr_assert_not_null(strstr(page, "<tspan class=\"chg\"> dest</tspan>"), "dest when it is set");
	cr_assert_not_null(strstr(page, "<tspan class=\"chg\"> key 0x00000000</tspan>"), "the key reads 0 once marked");
	cr_assert_not_null(strstr(page, "<tspan class=\"chg\">: gone</tspan>"), "the segment's end");
	cr_assert_not_null(strstr(page, "class=\"bar dest\""), "the bar turns to dest");
	xmlDocPtr doc = read_page(path);
	/* the state is written where it changes, not on every row: created,
	 * attached, attached, marked, (expect: same), crash, fork, gone */
	cr_assert_eq(count_nodes(doc, SVG0 "//*[@class='state']"), 7);
	xmlFreeDoc(doc);
	free(page);
	free(path);
	fixture_free(&f);
}

Test(html, script_text_is_escaped_everywhere)
{
	struct fixture f;
	fixture(&f);
	char *path = write_page(&f, 3);
	char *page = slurp(path);
	cr_assert_null(strstr(page, "<script"), "no script element came through");
	cr_assert_null(strstr(page, "<img"), "no img element came through");
	cr_assert_not_null(strstr(page, "&lt;script&gt;alert(1)&lt;/script&gt;&amp;&lt;img src=x onerror=alert(2)&gt;"));
	xmlDocPtr doc = read_page(path);
	cr_assert_eq(count_nodes(doc, "//*[local-name()='script' or local-name()='img']"), 0);
	xmlFreeDoc(doc);
	free(page);
	free(path);
	fixture_free(&f);
}

Test(html, invalid_utf8_and_control_characters_are_made_safe)
{
	struct fixture f;
	fixture(&f);
	free(f.s->description);
	f.s->description = strdup("bad \xff\xfe bytes and a \x01 control");
	char *path = write_page(&f, 1);
	xmlDocPtr doc = read_page(path); /* XML would refuse both */
	xmlFreeDoc(doc);
	char *page = slurp(path);
	cr_assert_not_null(strstr(page, "bad \\xff\\xfe bytes and a \\x01 control"));
	free(page);
	free(path);
	fixture_free(&f);
}

Test(html, claims_table_says_what_the_kernel_did)
{
	struct fixture f;
	fixture(&f);
	char *path = write_page(&f, 3);
	xmlDocPtr doc = read_page(path);
#define CLAIMS_OF(i) SECTION(i) "//*[local-name()='table'][@class='claims']"
	cr_assert_eq(count_nodes(doc, CLAIMS_OF(1) "//*[local-name()='tr']"), 3, "a header and two claims");
	cr_assert_eq(count_nodes(doc, CLAIMS_OF(1) "//*[local-name()='span'][starts-with(.,'the kernel did something else: line 12')]"), 2);
	cr_assert_eq(count_nodes(doc, CLAIMS_OF(2) "//*[@class='agree'][.='agrees']"), 1);
	cr_assert_eq(count_nodes(doc, CLAIMS_OF(2) "//*[@class='disagree'][.='disagrees']"), 1);
	cr_assert_eq(count_nodes(doc, CLAIMS_OF(3) "//*[local-name()='span'][.='not checked here: needs kernel >= 9.9']"), 2);
	/* evidence: the steps linked to each claim, with the kernel's answers */
	cr_assert_eq(count_nodes(doc, CLAIMS_OF(2) "//*[local-name()='li']"), 3);
	cr_assert_eq(count_nodes(doc, CLAIMS_OF(2) "//*[local-name()='li'][contains(.,'line 12') and "
						 "contains(.,'failed with EINVAL')]"), 1);
	cr_assert_eq(count_nodes(doc, CLAIMS_OF(1) "//*[local-name()='li'][contains(.,'line 12') and "
						 "contains(.,'returned 0 (FAIL)')]"), 1);
	xmlFreeDoc(doc);
	free(path);
	fixture_free(&f);
}

Test(html, memcheck_findings_are_listed)
{
	struct fixture f;
	fixture(&f);
	char *path = write_page(&f, 3);
	xmlDocPtr doc = read_page(path);
	cr_assert_eq(count_nodes(doc, "//*[@id='memcheck']//*[local-name()='tr']"), 3, "header + 2 run items");
	cr_assert_eq(count_nodes(doc, "//*[@id='memcheck']//*[local-name()='tr'][@class='fail']/*[.='1']"), 2,
		     "one finding in each run item");
	cr_assert_eq(count_nodes(doc, SECTION(1) "//*[local-name()='li'][@class='fail']"
				      "[contains(.,'Leak_DefinitelyLost 64 bytes')]"), 1);
	cr_assert_eq(count_nodes(doc, SECTION(1) "//*[local-name()='li']"
				      "[starts-with(.,'memcheck: ')]"), 3, "every memcheck note is listed");
	xmlFreeDoc(doc);
	free(path);
	fixture_free(&f);
}

static void write_text(const char *path, const char *text)
{
	FILE *out = fopen(path, "we");
	cr_assert_not_null(out, "%s: %s", path, strerror(errno));
	fputs(text, out);
	cr_assert_eq(fclose(out), 0);
}

Test(html, coverage_summary_is_shown_with_links_when_there_is_one)
{
	struct fixture f;
	fixture(&f);
	char *path = write_page(&f, 1);
	char *page = slurp(path);
	cr_assert_not_null(strstr(page, "No coverage summary at <code>coverage/summary.json</code>"));
	cr_assert_null(strstr(page, "href=\"coverage/index.html\""), "no link to a report that is not there");
	free(page);
	char *dir = in_tmp("coverage");
	cr_assert_eq(mkdir(dir, 0755), 0);
	char *json = in_tmp("coverage/summary.json"), *html = in_tmp("coverage/index.html");
	write_text(json, "{\"line_covered\": 850, \"line_total\": 1000, \"line_percent\": 85.0,"
			 " \"function_covered\": 90, \"function_total\": 100, \"function_percent\": 90.0,"
			 " \"branch_covered\": 1, \"branch_total\": 4, \"branch_percent\": 25.0,"
			 " \"files\": [{\"filename\": \"framework/src/" HOSTILE ".c\", \"line_covered\": 7,"
			 " \"line_total\": 10, \"line_percent\": 70.0}]}");
	write_text(html, "<html></html>");
	cr_assert_eq(sl_html_write(path, f.items, 1, NULL), 0);
	page = slurp(path);
	cr_assert_not_null(strstr(page, "85.0 %</span> (850 of 1000)"));
	cr_assert_not_null(strstr(page, "<span class=\"pct low\">70.0 %</span> (7 of 10)"), "per file, under 80 %%");
	cr_assert_not_null(strstr(page, "href=\"coverage/index.html\""));
	cr_assert_null(strstr(page, "<script"));
	free(page);
	xmlFreeDoc(read_page(path));
	free(json);
	free(html);
	free(dir);
	free(path);
	fixture_free(&f);
}

Test(html, unwritable_path_fails_and_leaves_nothing)
{
	struct fixture f;
	fixture(&f);
	char *path = in_tmp("missing/index.html");
	errno = 0;
	cr_assert_eq(sl_html_write(path, f.items, 3, NULL), -1);
	cr_assert_eq(errno, ENOENT);
	char *tmp = in_tmp("missing/index.html.tmp");
	cr_assert_neq(access(tmp, F_OK), 0);
	free(tmp);
	free(path);
	fixture_free(&f);
}

/* What did not pass comes first, before the list, each linked to its
 * section by the scenario's name (not its place: the id is the same when
 * the catalog changes); the tab's title starts with the counts. */
Test(html, what_did_not_pass_comes_first_linked_by_name)
{
	struct fixture f;
	fixture(&f);
	char *path = write_page(&f, 3);
	xmlDocPtr doc = read_page(path);
	cr_assert_eq(count_nodes(doc, "//*[local-name()='title'][starts-with(., '1 failed, 1 passed, 1 skipped - ')]"), 1);
	cr_assert_eq(count_nodes(doc, "(//*[local-name()='main']/*[local-name()='section'])[1][@id='not-passed']"), 1,
		     "the first section of the page is what did not pass");
	cr_assert_eq(count_nodes(doc, "//*[@id='not-passed']//*[local-name()='li']"), 1, "one item did not pass");
	cr_assert_eq(count_nodes(doc, "//*[@id='not-passed']//*[local-name()='li'][contains(., 'scenarios/rmid.scn:12')]"),
		     1, "file:line of the failing step");
	/* its link leads to a section of that id, named after the scenario */
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o = xmlXPathEvalExpression(
		BAD_CAST "string(//*[@id='not-passed']//*[local-name()='a']/@href)", ctx);
	const char *href = (const char *)o->stringval;
	cr_assert(href && strncmp(href, "#sc-rmid-_3cscript_3e", 21) == 0, "link by name: %s", href);
	char want[600];
	snprintf(want, sizeof(want), "//*[local-name()='section'][@id='%s'][contains(@class,'fail')]", href + 1);
	cr_assert_eq(count_nodes(doc, want), 1, "no section %s", href + 1);
	char first[512];
	snprintf(first, sizeof(first), "%s", href);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);

	/* the same item at another place of another run: the same id */
	struct sl_report_item moved[2] = { f.items[1], f.items[0] };
	cr_assert_eq(sl_html_write(path, moved, 2, NULL), 0);
	doc = read_page(path);
	snprintf(want, sizeof(want), "//*[local-name()='section'][@id='%s']", first + 1);
	cr_assert_eq(count_nodes(doc, want), 1, "%s moved", first);
	xmlFreeDoc(doc);
	free(path);
	fixture_free(&f);
}

/* A step's label is cut to its room, but blanks that align a script's
 * columns do not count, and an injected fault and the expected outcome are
 * never cut away: the head of the operation is. */
Test(html, a_cut_label_keeps_the_injected_fault_and_the_outcome)
{
	struct sl_scenario *s = sl_scenario_new("inject-eperm");
	cr_assert_not_null(s);
	s->file = strdup("scenarios/inject.scn");
	int owner = sl_scenario_add_actor(s, "owner");
	for (int a = 1; a < 6; a++) { /* narrow lanes */
		char name[16];
		snprintf(name, sizeof(name), "a%d", a);
		sl_scenario_add_actor(s, name);
	}
	cr_assert_eq(sl_scenario_add_slot(s, "seg"), 0);
	struct sl_step *st = step(s, owner, SL_OP_SHMCTL, 7,
				  "owner  shmctl seg IPC_RMID                  inject errno=EPERM   fails EPERM");
	sl_step_expect_errno(st, EPERM);
	struct sl_report_item it;
	memset(&it, 0, sizeof(it));
	it.scenario = s;
	sl_result_init(&it.result);
	it.result.outcome = SL_PASS;
	append(&it.result, entry(0, owner, SL_PASS, -1, EPERM));
	char *path = in_tmp("index.html");
	cr_assert_eq(sl_html_write(path, &it, 1, NULL), 0);
	xmlDocPtr doc = read_page(path);
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	/* the label's own text, without its <title> */
	xmlXPathObjectPtr o = xmlXPathEvalExpression(
		BAD_CAST "string(//*[local-name()='text'][@class='label'][*[local-name()='title']]/text()[last()])", ctx);
	const char *shown = (const char *)o->stringval;
	cr_assert(shown && shown[0], "the label was not cut: make the lanes narrower");
	size_t n = strlen(shown), tail = strlen(" inject errno=EPERM fails EPERM");
	cr_assert(n > tail && strcmp(shown + n - tail, " inject errno=EPERM fails EPERM") == 0, "drawn: '%s'", shown);
	cr_assert(strstr(shown, "\xe2\x80\xa6"), "the head is cut, and says so: '%s'", shown);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	free(path);
	sl_result_free(&it.result);
	sl_scenario_free(s);
}

/* WCAG 2 contrast ratio of two "#rrggbb" colours. */
static double contrast(const char *a, const char *b)
{
	double l[2];
	const char *c[2] = { a, b };
	for (int k = 0; k < 2; k++) {
		unsigned v = (unsigned)strtoul(c[k] + 1, NULL, 16);
		double ch[3] = { (v >> 16 & 255) / 255.0, (v >> 8 & 255) / 255.0, (v & 255) / 255.0 };
		for (int i = 0; i < 3; i++)
			ch[i] = ch[i] <= 0.03928 ? ch[i] / 12.92 : pow((ch[i] + 0.055) / 1.055, 2.4);
		l[k] = 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
	}
	double hi = l[0] > l[1] ? l[0] : l[1], lo = l[0] > l[1] ? l[1] : l[0];
	return (hi + 0.05) / (lo + 0.05);
}

/* Every outcome's badge has its text at least 4.5:1 against its background
 * (WCAG AA); every diagram can be focused, so the keyboard scrolls one wider
 * than the window. */
Test(html, badges_are_readable_and_diagrams_scroll_by_keyboard)
{
	struct fixture f;
	fixture(&f);
	char *path = write_page(&f, 3);
	char *page = slurp(path);
	static const char *const badges[] = { "pass", "fail", "brok", "timeout", "skip", "flaky" };
	for (size_t i = 0; i < sizeof(badges) / sizeof(badges[0]); i++) {
		char rule[64], bg[8] = "", fg[8] = "#ffffff";
		snprintf(rule, sizeof(rule), ".badge.%s{", badges[i]);
		const char *r = strstr(page, rule);
		cr_assert_not_null(r, "no rule %s", rule);
		const char *end = strchr(r, '}'), *b = strstr(r, "background:#"), *c = strstr(r, ";color:#");
		cr_assert(b && b < end, "%s has no background", rule);
		snprintf(bg, sizeof(bg), "%.7s", b + 11);
		if (c && c < end)
			snprintf(fg, sizeof(fg), "%.7s", c + 7);
		double ratio = contrast(fg, bg);
		cr_assert_geq(ratio, 4.5, "%s: %s on %s is %.2f:1", badges[i], fg, bg, ratio);
	}
	free(page);
	xmlDocPtr doc = read_page(path);
	int diagrams = count_nodes(doc, "//*[local-name()='div'][@class='diagram']");
	cr_assert_gt(diagrams, 0);
	cr_assert_eq(count_nodes(doc, "//*[local-name()='div'][@class='diagram'][@tabindex='0'][@role='region']"),
		     diagrams, "every diagram is focusable");
	xmlFreeDoc(doc);
	free(path);
	fixture_free(&f);
}

/* Under --repeat, only the first run and the runs that differed get a
 * diagram; the others say which run they are the same as, with a link. */
Test(html, repetitions_the_same_as_the_first_are_summarised)
{
	struct sl_scenario *s = scenario();
	struct sl_report_item items[4];
	memset(items, 0, sizeof(items));
	const enum sl_outcome outcomes[4] = { SL_PASS, SL_PASS, SL_FAIL, SL_PASS };
	for (int i = 0; i < 4; i++) {
		items[i].scenario = s;
		items[i].repeat = i;
		result(&items[i].result, outcomes[i]);
	}
	char *path = in_tmp("index.html");
	cr_assert_eq(sl_html_write(path, items, 4, NULL), 0);
	xmlDocPtr doc = read_page(path);
	cr_assert_eq(count_nodes(doc, "//*[local-name()='svg'][contains(@class,'seq')]"), 2,
		     "diagrams of the first run and of the run that failed");
	cr_assert_eq(count_nodes(doc, SECTION(2) "//*[@class='same']/*[local-name()='a'][starts-with(@href,'#sc-rmid-')]"),
		     1, "run 2 points to run 1");
	cr_assert_eq(count_nodes(doc, SECTION(4) "//*[@class='same']"), 1);
	cr_assert_eq(count_nodes(doc, SECTION(3) "//*[@class='same']"), 0, "the run that differed is detailed");
	xmlFreeDoc(doc);
	free(path);
	for (int i = 0; i < 4; i++)
		sl_result_free(&items[i].result);
	sl_scenario_free(s);
}

/* The header names the system under test, as TAP's comment and JUnit's
 * <properties> do: the kernel as `uname -srvm`, and the C library. */
Test(html, header_names_the_kernel_and_libc_under_test)
{
	char *path = in_tmp("index.html");
	struct utsname u;
	cr_assert_eq(uname(&u), 0);
	cr_assert_eq(sl_html_write(path, NULL, 0, NULL), 0);
	xmlDocPtr doc = read_page(path);
	char want[1400];
	snprintf(want, sizeof(want), "//*[@class='system' and .='Kernel: %s %s %s %s; libc: glibc %s']", u.sysname,
		 u.release, u.version, u.machine, gnu_get_libc_version());
	cr_assert_eq(count_nodes(doc, want), 1, "no %s", want);
	xmlFreeDoc(doc);
	free(path);
}

Test(html, empty_run_still_makes_a_page)
{
	char *path = in_tmp("index.html");
	cr_assert_eq(sl_html_write(path, NULL, 0, NULL), 0);
	xmlDocPtr doc = read_page(path);
	cr_assert_eq(count_nodes(doc, "//*[.='No scenario was run.']"), 1);
	xmlFreeDoc(doc);
	free(path);
}

/* ---- the page in a browser ------------------------------------------------------- */

static char *find_chromium(void)
{
	static const char *const names[] = { "chromium", "chromium-browser" };
	const char *path = getenv("PATH");
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		char *dirs = strdup(path ? path : "/usr/bin:/bin"), *save = NULL;
		for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
			char *full = NULL;
			if (asprintf(&full, "%s/%s", d, names[k]) >= 0 && access(full, X_OK) == 0) {
				free(dirs);
				return full;
			}
			free(full);
		}
		free(dirs);
	}
	return NULL;
}

/* Runs headless Chromium on the page, a window of `size` ("1200,900");
 * its stderr goes to a log file. */
static int screenshot_sized(const char *chromium, const char *page, const char *png, const char *size)
{
	static int runs;
	char name[32];
	snprintf(name, sizeof(name), "profile%d", runs++);
	char *profile = in_tmp(name), *log = in_tmp("chromium.log");
	char *shot = NULL, *url = NULL, *datadir = NULL, *window = NULL;
	cr_assert_eq(mkdir(profile, 0700), 0);
	cr_assert_neq(asprintf(&window, "--window-size=%s", size), -1);
	cr_assert_neq(asprintf(&shot, "--screenshot=%s", png), -1);
	cr_assert_neq(asprintf(&url, "file://%s", page), -1);
	cr_assert_neq(asprintf(&datadir, "--user-data-dir=%s", profile), -1);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		FILE *l = freopen(log, "w", stderr);
		if (!l || !freopen("/dev/null", "w", stdout))
			_exit(126);
		setenv("HOME", profile, 1);
		execl("/usr/bin/timeout", "timeout", "50", chromium, "--headless", "--no-sandbox", "--disable-gpu",
		      "--disable-quic", "--no-first-run", "--disable-background-networking",
		      "--disable-component-update", "--disable-sync", datadir, shot, window,
		      "--hide-scrollbars", url, (char *)NULL);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		cr_assert_eq(errno, EINTR);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char *text = slurp(log);
		cr_log_error("chromium: %s", text);
		free(text);
	}
	free(profile);
	free(log);
	free(shot);
	free(url);
	free(datadir);
	free(window);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* 1200x1300: what did not pass comes first now (its own test is in the
 * first 900 pixels), so the diagram starts near the 900th pixel: the
 * window shows it whole whatever the fonts. */
static int screenshot(const char *chromium, const char *page, const char *png)
{
	return screenshot_sized(chromium, page, png, "1200,1300");
}

struct colours {
	int distinct;                    /* of the first 4096 seen           */
	long non_white;
	long pixels;
	long bar_live, fail_red;         /* pixels of two of the diagram's colours */
	long fail_badge;                 /* the FAIL badge's and the summary's red, #c62828 */
};

static void count_colours(const char *png, struct colours *c)
{
	png_image img;
	memset(&img, 0, sizeof(img));
	memset(c, 0, sizeof(*c));
	img.version = PNG_IMAGE_VERSION;
	cr_assert(png_image_begin_read_from_file(&img, png), "%s: %s", png, img.message);
	img.format = PNG_FORMAT_RGB;
	unsigned char *px = malloc(PNG_IMAGE_SIZE(img));
	cr_assert_not_null(px);
	cr_assert(png_image_finish_read(&img, NULL, px, 0, NULL), "%s: %s", png, img.message);
	static unsigned seen[4096];
	c->pixels = (long)img.width * img.height;
	for (long i = 0; i < c->pixels; i++) {
		unsigned rgb = (unsigned)px[3 * i] << 16 | (unsigned)px[3 * i + 1] << 8 | px[3 * i + 2];
		if (rgb != 0xffffff)
			c->non_white++;
		if (rgb == 0x43a047)
			c->bar_live++;
		if (rgb == 0xfdecea)
			c->fail_red++;
		if (rgb == 0xc62828)
			c->fail_badge++;
		int known = 0;
		for (int k = 0; k < c->distinct && !known; k++)
			known = seen[k] == rgb;
		if (!known && c->distinct < 4096)
			seen[c->distinct++] = rgb;
	}
	free(px);
	png_image_free(&img);
}

Test(html, screenshot_in_headless_chromium_is_not_blank, .timeout = 55)
{
	char *chromium = find_chromium();
	if (!chromium)
		cr_skip_test("chromium is not installed (Debian: apt-get install chromium; ci/setup.sh does it): "
			     "the page was not rendered");
	struct fixture f;
	fixture(&f);
	char *path = write_page(&f, 1);
	char *png = in_tmp("index.png");
	int rc = screenshot(chromium, path, png);
	cr_assert_eq(rc, 0, "chromium exited with %d", rc);
	struct colours c;
	count_colours(png, &c);
	cr_log_info("%s: %ld pixels, %d colours, %ld not white", png, c.pixels, c.distinct, c.non_white);
	cr_assert_eq(c.pixels, 1200L * 1300L, "the window's size");
	cr_assert_gt(c.distinct, 32, "a blank or flat screenshot has few colours");
	cr_assert_gt(c.non_white * 10, c.pixels, "more than a tenth of the page is drawn");
	cr_assert_gt(c.bar_live, 100, "the diagram's segment bar (#43a047) is on screen");
	cr_assert_gt(c.fail_red, 1000, "the failing step's red band (#fdecea) is on screen");
	const char *keep = getenv("SHMLIFE_SCREENSHOT");
	if (keep) {
		char cmd[512];
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", png, keep);
		cr_expect_eq(system(cmd), 0);
	}
	free(png);
	free(path);
	free(chromium);
	fixture_free(&f);
}

/* Keeps a screenshot where $SHMLIFE_SCREENSHOT_DIR says (to look at it). */
static void keep_shot(const char *png, const char *name)
{
	const char *dir = getenv("SHMLIFE_SCREENSHOT_DIR");
	if (!dir)
		return;
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s/%s'", png, dir, name);
	cr_expect_eq(system(cmd), 0);
}

/* A run of 40 passing scenarios and one failing last: in the first screen
 * of the page (1200x900, no scrolling), the failure is there, in red, at the
 * top; before, the list in catalog order put it below the fold. */
Test(html, screenshot_shows_the_failure_in_the_first_screen, .timeout = 55)
{
	char *chromium = find_chromium();
	if (!chromium)
		cr_skip_test("chromium is not installed (Debian: apt-get install chromium; ci/setup.sh does it)");
	enum { N = 41 };
	struct sl_scenario *s = scenario();
	struct sl_report_item items[N];
	memset(items, 0, sizeof(items));
	for (int i = 0; i < N; i++) {
		items[i].scenario = s;
		items[i].repeat = i;
		result(&items[i].result, i == N - 1 ? SL_FAIL : SL_PASS);
		/* no memcheck events: their red would be on screen too */
		struct sl_trace_entry end = *test_entry(&items[i].result, items[i].result.ntrace - 1);
		for (int k = 0; k < 4; k++)
			sl_result_drop_last(&items[i].result);
		append(&items[i].result, end);
	}
	char *path = in_tmp("index.html"), *png = in_tmp("first-screen.png");
	cr_assert_eq(sl_html_write(path, items, N, NULL), 0);
	cr_assert_eq(screenshot_sized(chromium, path, png, "1200,900"), 0);
	struct colours c;
	count_colours(png, &c);
	keep_shot(png, "first-screen.png");
	cr_assert_gt(c.fail_badge, 300, "the failure's red (#c62828) is in the first screen: %ld pixels", c.fail_badge);
	for (int i = 0; i < N; i++)
		sl_result_free(&items[i].result);
	sl_scenario_free(s);
	free(path);
	free(png);
	free(chromium);
}

/* Text in Chinese (the study's claims quote it) is drawn with a CJK font,
 * not as boxes: the same page with CJK text and with characters no font has
 * (U+E000..) renders differently only if the CJK glyphs are real. */
Test(html, screenshot_draws_cjk_text, .timeout = 55)
{
	char *chromium = find_chromium();
	if (!chromium)
		cr_skip_test("chromium is not installed (Debian: apt-get install chromium; ci/setup.sh does it)");
	const char *texts[2] = { "\xe6\x80\xbb\xe7\xbb\x93 \xe5\x85\xb1\xe4\xba\xab\xe5\x86\x85\xe5\xad\x98",
				 "\xee\x80\x80\xee\x80\x81 \xee\x80\x82\xee\x80\x83\xee\x80\x84\xee\x80\x85" };
	struct colours c[2];
	for (int k = 0; k < 2; k++) {
		/* the name is in the first screen, in the list and the summary */
		struct sl_scenario *s = sl_scenario_new(texts[k]);
		cr_assert_not_null(s);
		s->file = strdup("scenarios/cjk.scn");
		int a = sl_scenario_add_actor(s, "owner");
		step(s, a, SL_OP_SHMCTL, 3, "owner shmctl seg IPC_RMID");
		struct sl_report_item it;
		memset(&it, 0, sizeof(it));
		it.scenario = s;
		sl_result_init(&it.result);
		it.result.outcome = SL_FAIL;
		snprintf(it.result.reason, sizeof(it.result.reason), "%s", texts[k]);
		append(&it.result, entry(0, a, SL_FAIL, 0, 0)); /* the run's time: the same for both pages */
		char name[32], *path, *png;
		snprintf(name, sizeof(name), "cjk%d.html", k);
		path = in_tmp(name);
		snprintf(name, sizeof(name), "cjk%d.png", k);
		png = in_tmp(name);
		cr_assert_eq(sl_html_write(path, &it, 1, NULL), 0);
		cr_assert_eq(screenshot_sized(chromium, path, png, "800,600"), 0);
		count_colours(png, &c[k]);
		keep_shot(png, name);
		sl_result_free(&it.result);
		sl_scenario_free(s);
		free(path);
		free(png);
	}
	cr_assert_neq(c[0].non_white, c[1].non_white,
		      "CJK text drew as the boxes of missing glyphs: no CJK font (Debian: fonts-wqy-microhei)");
	free(chromium);
}

