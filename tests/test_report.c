/* test_report.c - the report writers (report.h): the exact TAP text, that
 * junit.xml parses with libxml2 and counts right, that results.json parses
 * with json-c and holds the trace, escaping of hostile names, and that a
 * writer that cannot write says so and leaves nothing behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <json-c/json.h>
#include "shmlife/report_html.h"
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>

#include "shmlife/report.h"
#include "shmlife/result.h"
#include "shmlife/scenario.h"
#include "support/tap_system.h"
#include "../framework/src/report/json_writer.h" /* tested below against json-c itself */

/* ---- fixtures ------------------------------------------------------------ */

#include "support/tmp_fixture.h"

static void make_tmpdir(void)
{
	tmpdir_make("/tmp/test_report.XXXXXX");
}

static char *path_in_tmp(const char *name)
{
	char *p = NULL;
	cr_assert_neq(asprintf(&p, "%s/%s", tmpdir, name), -1);
	return p;
}

/* A three-step scenario: create, remove, remove again (which must fail). */
static struct sl_scenario *scenario(const char *name, const char *file)
{
	struct sl_scenario *s = sl_scenario_new(name);
	struct sl_step *st;

	cr_assert_not_null(s);
	s->file = strdup(file);
	s->description = strdup("IPC_RMID twice");
	s->line = 1;
	cr_assert_eq(sl_scenario_add_tag(s, "lifecycle"), 0);
	cr_assert_eq(sl_scenario_add_actor(s, "owner"), 0);
	cr_assert_eq(sl_scenario_add_slot(s, "seg"), 0);
	cr_assert_eq(sl_scenario_add_claim(s, "rmid-twice", "a second IPC_RMID fails", "shmctl(2)", 1), 0);
	st = sl_scenario_add_step(s, 0, SL_OP_SHMGET);
	st->line = 5;
	st->bind = 0;
	st->text = strdup("owner: shmget auto 4096 create 0600 -> seg");
	st = sl_scenario_add_step(s, 0, SL_OP_SHMCTL);
	st->line = 6;
	st->text = strdup("owner: shmctl seg IPC_RMID");
	st = sl_scenario_add_step(s, 0, SL_OP_SHMCTL);
	st->line = 7;
	st->text = strdup("owner: shmctl seg IPC_RMID fails EINVAL EIDRM");
	sl_step_expect_errno(st, EINVAL);
	sl_step_expect_errno(st, EIDRM);
	st->claim = 0;
	return s;
}

static struct sl_trace_entry step_entry(int step, enum sl_outcome verdict, long long ret, int err)
{
	struct sl_trace_entry e;
	memset(&e, 0, sizeof(e));
	e.kind = SL_ENTRY_STEP;
	e.step = step;
	e.actor = 0;
	e.pid = 42;
	e.verdict = verdict;
	e.ret = ret;
	e.err = err;
	e.wall_sec = 1700000000;
	e.t_ns = (uint64_t)step * 1000000;
	e.dur_ns = 1000;
	e.brief.slot = 0;
	e.brief.shmid = 32769;
	e.brief.present = 1;
	e.brief.key = 0x1234;
	return e;
}

/* A result: PASS, or FAIL at the third step (IPC_RMID succeeded again). */
static void result(struct sl_result *r, enum sl_outcome outcome)
{
	struct sl_trace_entry e;

	sl_result_init(r);
	r->outcome = outcome;
	r->duration_ns = 1500000;
	e = step_entry(0, SL_PASS, 32769, 0);
	e.obs_kind = SL_OBS_SEGMENT;
	e.obs.seg.shmid = 32769;
	e.obs.seg.stat.present = e.obs.seg.proc.present = 1;
	e.obs.seg.stat.shmid = e.obs.seg.proc.shmid = 32769;
	e.obs.seg.stat.size = e.obs.seg.proc.size = 4096;
	e.obs.seg.stat.nattch = 0;
	e.obs.seg.proc.nattch = 1;
	e.obs.seg.disagree = 1;
	snprintf(e.obs.seg.disagreement, sizeof(e.obs.seg.disagreement), "nattch: IPC_STAT 0, /proc 1");
	cr_assert_eq(sl_result_append(r, &e), 0);
	e = step_entry(1, SL_PASS, 0, 0);
	e.brief.dest = 1;
	cr_assert_eq(sl_result_append(r, &e), 0);
	if (outcome == SL_FAIL) {
		e = step_entry(2, SL_FAIL, 0, 0);
		snprintf(e.detail, sizeof(e.detail), "shmctl returned 0");
		r->failed_step = 2;
		snprintf(r->reason, sizeof(r->reason),
			 "step 3 (line 7): expected EINVAL or EIDRM, the call succeeded");
	} else {
		e = step_entry(2, SL_PASS, -1, EINVAL);
	}
	cr_assert_eq(sl_result_append(r, &e), 0);
	memset(&e, 0, sizeof(e));
	e.kind = SL_ENTRY_END;
	e.step = -1;
	e.actor = SL_CONDUCTOR;
	e.verdict = outcome;
	cr_assert_eq(sl_result_append(r, &e), 0);
}

static struct sl_report_item item(struct sl_scenario *s, enum sl_outcome outcome, const char *reason)
{
	struct sl_report_item it;
	memset(&it, 0, sizeof(it));
	it.scenario = s;
	if (outcome == SL_PASS || outcome == SL_FAIL) {
		result(&it.result, outcome);
	} else {
		sl_result_init(&it.result);
		it.result.outcome = outcome;
		it.result.duration_ns = 2000000;
		snprintf(it.result.reason, sizeof(it.result.reason), "%s", reason);
	}
	return it;
}

/* Runs fn into a memory stream and returns what it wrote. */
static char *tap_of(const struct sl_report_item *items, int n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct sl_report_totals t;

	cr_assert_not_null(f);
	sl_tap_begin(f, n);
	for (int i = 0; i < n; i++)
		sl_tap_item(f, i + 1, &items[i]);
	sl_report_totals(items, n, &t);
	sl_tap_end(f, &t);
	cr_assert_eq(fclose(f), 0);
	return text;
}

/* ---- TAP ------------------------------------------------------------------- */

Test(tap, pass_and_skip_exactly)
{
	struct sl_scenario *a = scenario("create-remove", "scenarios/lifecycle/create-remove.scn");
	struct sl_scenario *b = scenario("needs-new-kernel", "scenarios/lifecycle/new.scn");
	struct sl_report_item items[2] = {
		item(a, SL_PASS, ""),
		item(b, SL_SKIP, "kernel 9.1 or later required"),
	};
	char *tap;

	unsetenv("SHMLIFE_TAP_VERSION");
	tap = tap_of(items, 2);
	tap_without_system(tap);
	cr_assert_str_eq(tap, "TAP version 13\n"
			      "1..2\n"
			      "ok 1 - create-remove\n"
			      "ok 2 - needs-new-kernel # SKIP kernel 9.1 or later required\n"
			      "1 passed, 0 failed, 1 skipped\n");
	free(tap);
	for (int i = 0; i < 2; i++)
		sl_result_free(&items[i].result);
	sl_scenario_free(a);
	sl_scenario_free(b);
}

Test(tap, failure_has_a_yaml_block_exactly)
{
	struct sl_scenario *s = scenario("double-rmid", "scenarios/lifecycle/double-rmid.scn");
	struct sl_report_item it = item(s, SL_FAIL, "");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cr_assert_not_null(f);
	sl_tap_item(f, 2, &it);
	cr_assert_eq(fclose(f), 0);
	cr_assert_str_eq(text,
		"not ok 2 - double-rmid\n"
		"  ---\n"
		"  outcome: FAIL\n"
		"  reason: \"step 3 (line 7): expected EINVAL or EIDRM, the call succeeded\"\n"
		"  failed_step:\n"
		"    number: 3\n"
		"    line: 7\n"
		"    actor: \"owner\"\n"
		"    text: \"owner: shmctl seg IPC_RMID fails EINVAL EIDRM\"\n"
		"  expected: \"fails with EINVAL or EIDRM\"\n"
		"  observed: \"returned 0\"\n"
		"  detail: \"shmctl returned 0\"\n"
		"  file: \"scenarios/lifecycle/double-rmid.scn\"\n"
		"  duration_ms: 1.500\n"
		"  ...\n");
	free(text);
	sl_result_free(&it.result);
	sl_scenario_free(s);
}

Test(tap, timeout_and_broken_are_not_ok_with_the_outcome_in_yaml)
{
	struct sl_scenario *a = scenario("hangs", "scenarios/hangs.scn");
	struct sl_scenario *b = scenario("breaks", "scenarios/breaks.scn");
	struct sl_report_item items[2] = {
		item(a, SL_TIMEOUT, "scenario took longer than 30 s"),
		item(b, SL_BROK, "could not enter a new IPC namespace: EPERM"),
	};
	struct sl_trace_entry done0 = step_entry(0, SL_PASS, 32769, 0), done1 = step_entry(1, SL_PASS, 0, 0);
	char *tap;

	/* two steps answered: the third is the one that never did */
	cr_assert_eq(sl_result_append(&items[0].result, &done0), 0);
	cr_assert_eq(sl_result_append(&items[0].result, &done1), 0);
	tap = tap_of(items, 2);

	tap_without_system(tap);
	cr_assert_str_eq(tap, "TAP version 13\n"
			      "1..2\n"
			      "not ok 1 - hangs\n"
			      "  ---\n"
			      "  outcome: TIMEOUT\n"
			      "  reason: \"scenario took longer than 30 s\"\n"
			      "  failed_step:\n"
			      "    number: 3\n"
			      "    line: 7\n"
			      "    actor: \"owner\"\n"
			      "    text: \"owner: shmctl seg IPC_RMID fails EINVAL EIDRM\"\n"
			      "  expected: \"fails with EINVAL or EIDRM\"\n"
			      "  observed: \"no answer before the deadline\"\n"
			      "  file: \"scenarios/hangs.scn\"\n"
			      "  duration_ms: 2.000\n"
			      "  ...\n"
			      "not ok 2 - breaks\n"
			      "  ---\n"
			      "  outcome: BROK\n"
			      "  reason: \"could not enter a new IPC namespace: EPERM\"\n"
			      "  file: \"scenarios/breaks.scn\"\n"
			      "  duration_ms: 2.000\n"
			      "  ...\n"
			      "0 passed, 0 failed, 0 skipped, 1 broken, 1 timed out\n");
	cr_assert_null(strstr(tap, "# TIMEOUT"));
	free(tap);
	for (int i = 0; i < 2; i++)
		sl_result_free(&items[i].result);
	sl_scenario_free(a);
	sl_scenario_free(b);
}

Test(tap, closing_line_names_broken_and_timed_out_only_when_nonzero)
{
	struct sl_report_totals t = { .passed = 12, .failed = 1, .skipped = 2 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cr_assert_not_null(f);
	sl_tap_end(f, &t);
	t.broken = 3;
	sl_tap_end(f, &t);
	t.broken = 0;
	t.timedout = 4;
	sl_tap_end(f, &t);
	cr_assert_eq(fclose(f), 0);
	cr_assert_str_eq(text, "12 passed, 1 failed, 2 skipped\n"
			       "12 passed, 1 failed, 2 skipped, 3 broken\n"
			       "12 passed, 1 failed, 2 skipped, 4 timed out\n");
	free(text);
}

Test(tap, hostile_names_stay_on_one_line_and_repeats_are_suffixed)
{
	struct sl_scenario *s = scenario("a#b\nc\\d\x01", "x.scn");
	struct sl_report_item it = item(s, SL_SKIP, "no #tty\nhere");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cr_assert_not_null(f);
	it.repeat = 2;
	sl_tap_item(f, 7, &it);
	cr_assert_eq(fclose(f), 0);
	cr_assert_str_eq(text, "ok 7 - a\\#b c\\\\d\\\\x01\\#3 # SKIP no \\#tty here\n",
			 "got <%s>", text);
	free(text);
	sl_result_free(&it.result);
	sl_scenario_free(s);
}

/* "glibc 2.36": the C library under test, as the reports name it. */
static const char *libc_name(void)
{
	static char name[64];
	snprintf(name, sizeof(name), "glibc %s", gnu_get_libc_version());
	return name;
}

/* The kernel and the C library under test are a comment after the plan. */
Test(tap, names_the_kernel_and_libc)
{
	char want[1024];
	char *tap = tap_of(NULL, 0);

	tap_system_line(want, sizeof(want));
	cr_assert(strstr(want, libc_name()), "%s", want);
	const char *head = "TAP version 13\n1..0\n# kernel: Linux ";
	cr_assert(strncmp(tap, head, strlen(head)) == 0, "%s", tap);
	cr_assert(strstr(tap, want), "want %sin %s", want, tap);
	tap_without_system(tap);
	cr_assert_str_eq(tap, "TAP version 13\n1..0\n0 passed, 0 failed, 0 skipped\n");
	free(tap);
}

Test(tap, version_14_on_request)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cr_assert_not_null(f);
	setenv("SHMLIFE_TAP_VERSION", "14", 1);
	sl_tap_begin(f, 0);
	cr_assert_eq(fclose(f), 0);
	tap_without_system(text);
	cr_assert_str_eq(text, "TAP version 14\n1..0\n");
	free(text);
}

/* prove (Test::Harness) accepts the default stream: exit 0 when all pass, 1
 * when one fails.  Debian 12's Test::Harness (3.44) knows TAP 13 only. */
static int prove(const char *file)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "prove -e cat '%s' >/dev/null 2>&1", file);
	int status = system(cmd);
	cr_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

Test(tap, accepted_by_prove, .init = make_tmpdir, .fini = remove_tmpdir)
{
	struct sl_scenario *a = scenario("create-remove", "scenarios/create-remove.scn");
	struct sl_scenario *b = scenario("double-rmid", "scenarios/double-rmid.scn");
	struct sl_report_item items[3] = {
		item(a, SL_PASS, ""), item(a, SL_SKIP, "no pty"), item(b, SL_FAIL, ""),
	};
	char *good = path_in_tmp("good.tap"), *bad = path_in_tmp("bad.tap");
	char *tap;
	FILE *f;

	if (system("command -v prove >/dev/null 2>&1") != 0)
		cr_skip_test("prove is not installed");
	unsetenv("SHMLIFE_TAP_VERSION");
	tap = tap_of(items, 2);
	cr_assert_not_null(f = fopen(good, "w"));
	fputs(tap, f);
	cr_assert_eq(fclose(f), 0);
	free(tap);
	tap = tap_of(items, 3);
	cr_assert_not_null(f = fopen(bad, "w"));
	fputs(tap, f);
	cr_assert_eq(fclose(f), 0);
	free(tap);
	cr_assert_eq(prove(good), 0);
	cr_assert_eq(prove(bad), 1);
	free(good);
	free(bad);
	for (int i = 0; i < 3; i++)
		sl_result_free(&items[i].result);
	sl_scenario_free(a);
	sl_scenario_free(b);
}

/* ---- the trace as text ---------------------------------------------------------- */

Test(trace_text, names_the_answer_the_verdict_and_the_snapshot)
{
	struct sl_scenario *s = scenario("double-rmid", "d.scn");
	struct sl_report_item it = item(s, SL_FAIL, "");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cr_assert_not_null(f);
	sl_report_trace_text(f, &it, 2);
	cr_assert_eq(fclose(f), 0);
	cr_assert_not_null(strstr(text, "step 3, line 7, owner (pid 42): owner: shmctl seg IPC_RMID fails"));
	cr_assert_not_null(strstr(text, "kernel: returned 0"));
	cr_assert_not_null(strstr(text, "verdict: FAIL (expected fails with EINVAL or EIDRM)"));
	cr_assert_not_null(strstr(text, "views disagree: nattch: IPC_STAT 0, /proc 1"));
	cr_assert_not_null(strstr(text, "segment seg: shmid 32769 key 0x00001234 nattch 0 dest"));
	free(text);
	sl_result_free(&it.result);
	sl_scenario_free(s);
}

/* ---- JUnit ------------------------------------------------------------------------- */

static xmlChar *xpath_string(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr res = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	xmlChar *s;

	cr_assert_not_null(res, "xpath %s", expr);
	s = xmlXPathCastToString(res);
	xmlXPathFreeObject(res);
	xmlXPathFreeContext(ctx);
	return s;
}

static void assert_xpath(xmlDocPtr doc, const char *expr, const char *want)
{
	xmlChar *got = xpath_string(doc, expr);
	cr_assert_str_eq((const char *)got, want, "%s", expr);
	xmlFree(got);
}

Test(junit, parses_and_counts, .init = make_tmpdir, .fini = remove_tmpdir)
{
	struct sl_scenario *a = scenario("create-remove", "scenarios/lifecycle/create-remove.scn");
	struct sl_scenario *b = scenario("double-rmid", "scenarios/lifecycle/double-rmid.scn");
	struct sl_scenario *c = scenario("daemon-hangs", "scenarios/daemons/hangs.scn");
	struct sl_scenario *d = scenario("daemon-breaks", "scenarios/daemons/breaks.scn");
	struct sl_scenario *e = scenario("no-tty", "scenarios/daemons/no-tty.scn");
	struct sl_report_item items[5] = {
		item(a, SL_PASS, ""), item(b, SL_FAIL, ""),
		item(c, SL_TIMEOUT, "took longer than 30 s"), item(d, SL_BROK, "fork failed"),
		item(e, SL_SKIP, "no pty"),
	};
	char *path = path_in_tmp("junit.xml"), *tmp = path_in_tmp("junit.xml.tmp");
	xmlDocPtr doc;

	cr_assert_eq(sl_junit_write(path, items, 5), 0, "%s", strerror(errno));
	cr_assert_eq(access(tmp, F_OK), -1, "the temporary file is left");
	doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	cr_assert_not_null(doc);
	assert_xpath(doc, "count(/testsuites/@*)", "0");
	assert_xpath(doc, "count(/testsuites/testsuite)", "2");
	assert_xpath(doc, "string(/testsuites/testsuite[2]/@id)", "1");
	assert_xpath(doc, "string(/testsuites/testsuite[2]/@package)", "shmlife.daemons");
	assert_xpath(doc, "string(/testsuites/testsuite[1]/@name)", "lifecycle");
	assert_xpath(doc, "string(/testsuites/testsuite[1]/@tests)", "2");
	assert_xpath(doc, "string(/testsuites/testsuite[1]/@failures)", "1");
	assert_xpath(doc, "string(/testsuites/testsuite[2]/@failures)", "1");
	assert_xpath(doc, "string(/testsuites/testsuite[2]/@errors)", "1");
	assert_xpath(doc, "string(/testsuites/testsuite[2]/@skipped)", "1");
	assert_xpath(doc, "string(//testcase[@name='double-rmid']/@classname)", "shmlife.lifecycle");
	assert_xpath(doc, "string(//testcase[@name='double-rmid']/failure/@type)", "FAIL");
	assert_xpath(doc, "string(//testcase[@name='daemon-hangs']/failure/@type)", "TIMEOUT");
	assert_xpath(doc, "string(//testcase[@name='daemon-breaks']/error/@message)", "fork failed");
	assert_xpath(doc, "string(//testcase[@name='no-tty']/skipped/@message)", "no pty");
	assert_xpath(doc, "string(//testcase[@name='no-tty']/skipped)", "no pty");
	assert_xpath(doc, "count(//testcase[@name='create-remove']/*)", "0");
	assert_xpath(doc, "contains(//testcase[@name='double-rmid']/failure, 'verdict: FAIL')", "true");
	xmlFreeDoc(doc);
	free(path);
	free(tmp);
	for (int i = 0; i < 5; i++)
		sl_result_free(&items[i].result);
	sl_scenario_free(a);
	sl_scenario_free(b);
	sl_scenario_free(c);
	sl_scenario_free(d);
	sl_scenario_free(e);
}

/* 0 if the document at path is valid against the schema tests/data/junit/NAME;
 * libxml2 says why not on stderr. */
static int schema_check(const char *path, const char *name)
{
	char xsd[512];
	const char *src = getenv("SHMLIFE_SOURCE_DIR");
	snprintf(xsd, sizeof(xsd), "%s/tests/data/junit/%s", src ? src : ".", name);
	xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd);
	xmlSchemaPtr schema = pc ? xmlSchemaParse(pc) : NULL;
	cr_assert_not_null(schema, "cannot read the schema %s", xsd);
	xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
	cr_assert_not_null(vc);
	int rc = xmlSchemaValidateFile(vc, path, 0);
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pc);
	return rc;
}

/* junit.xml is valid against Jenkins xunit-plugin's JUnit schema and the Ant
 * JUnit schema (tests/data/junit/ restates both), with every outcome, a
 * flaky item, a repetition, a name that clashes, hostile text and an empty
 * run; the skip reason is the <skipped> element's text too (GitLab shows
 * that, not the attribute). */
Test(junit, valid_against_the_jenkins_xunit_and_ant_schemas, .init = make_tmpdir, .fini = remove_tmpdir)
{
	struct sl_scenario *a = scenario("create-remove", "scenarios/lifecycle/create-remove.scn");
	struct sl_scenario *b = scenario("double-rmid", "scenarios/lifecycle/double-rmid.scn");
	struct sl_scenario *c = scenario("daemon-hangs", "scenarios/daemons/hangs.scn");
	struct sl_scenario *d = scenario("daemon-breaks", "scenarios/daemons/breaks.scn");
	struct sl_scenario *e = scenario("no-tty <&\"\x01>", "top.scn");
	struct sl_report_item items[7] = {
		item(a, SL_PASS, ""),         item(a, SL_FAIL, "second time"), item(b, SL_FAIL, "x < y & \x02"),
		item(c, SL_TIMEOUT, "slow"), item(d, SL_BROK, "fork failed"), item(e, SL_SKIP, "no pty"),
		item(d, SL_PASS, "passed on attempt 2; attempt 1: FAIL: no"),
	};
	items[1].repeat = 1;
	items[0].flaky = items[1].flaky = 1;
	items[6].flaky = 1;
	items[6].attempts = 2;
	snprintf(items[6].result.reason, sizeof(items[6].result.reason), "passed on attempt 2; attempt 1: FAIL: no");
	char *path = path_in_tmp("junit.xml"), *empty = path_in_tmp("empty.xml");

	cr_assert_eq(sl_junit_write(path, items, 7), 0, "%s", strerror(errno));
	cr_assert_eq(schema_check(path, "jenkins-xunit.xsd"), 0, "junit.xml is not valid for Jenkins xunit");
	cr_assert_eq(schema_check(path, "ant-junit.xsd"), 0, "junit.xml is not valid against the Ant schema");
	cr_assert_eq(sl_junit_write(empty, NULL, 0), 0, "%s", strerror(errno));
	cr_assert_eq(schema_check(empty, "jenkins-xunit.xsd"), 0);
	cr_assert_eq(schema_check(empty, "ant-junit.xsd"), 0);

	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	cr_assert_not_null(doc);
	assert_xpath(doc, "string(//testcase[@name='no-tty <&\"\\x01>']/skipped)", "no pty");
	assert_xpath(doc, "count(//testcase/@file)", "0");
	assert_xpath(doc, "count(//testcase/system-out)", "0");
	assert_xpath(doc, "contains(/testsuites/testsuite[1]/system-out, "
			  "'flaky: create-remove: the outcome differed between repetitions')", "true");
	assert_xpath(doc, "contains(/testsuites/testsuite[1]/system-out, 'flaky: create-remove#2: ')", "true");
	assert_xpath(doc, "contains(/testsuites/testsuite[2]/system-out, "
			  "'flaky: daemon-breaks (2): passed on attempt 2; attempt 1: FAIL: no')", "true");
	xmlFreeDoc(doc);
	free(path);
	free(empty);
	for (int i = 0; i < 7; i++)
		sl_result_free(&items[i].result);
	sl_scenario_free(a);
	sl_scenario_free(b);
	sl_scenario_free(c);
	sl_scenario_free(d);
	sl_scenario_free(e);
}

/* Each suite's first child is <properties> naming the kernel and libc. */
Test(junit, suites_name_the_kernel_and_libc, .init = make_tmpdir, .fini = remove_tmpdir)
{
	struct sl_scenario *a = scenario("create-remove", "scenarios/lifecycle/create-remove.scn");
	struct sl_scenario *b = scenario("daemon-hangs", "scenarios/daemons/hangs.scn");
	struct sl_report_item items[2] = { item(a, SL_PASS, ""), item(b, SL_FAIL, "") };
	char *path = path_in_tmp("junit.xml");
	char kernel[1024];
	struct utsname u;
	xmlDocPtr doc;

	cr_assert_eq(uname(&u), 0);
	snprintf(kernel, sizeof(kernel), "%s %s %s %s", u.sysname, u.release, u.version, u.machine);
	cr_assert_eq(sl_junit_write(path, items, 2), 0, "%s", strerror(errno));
	doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	cr_assert_not_null(doc);
	assert_xpath(doc, "count(/testsuites/testsuite)", "2");
	assert_xpath(doc, "count(/testsuites/testsuite[*[1][self::properties]])", "2");
	assert_xpath(doc, "count(/testsuites/testsuite/properties/property)", "4");
	assert_xpath(doc, "string(/testsuites/testsuite[2]/properties/property[@name='kernel']/@value)", kernel);
	assert_xpath(doc, "string(/testsuites/testsuite[1]/properties/property[@name='libc']/@value)", libc_name());
	xmlFreeDoc(doc);
	free(path);
	for (int i = 0; i < 2; i++)
		sl_result_free(&items[i].result);
	sl_scenario_free(a);
	sl_scenario_free(b);
}

Test(junit, hostile_names_are_escaped, .init = make_tmpdir, .fini = remove_tmpdir)
{
	struct sl_scenario *s = scenario("<&\"'>\x01\xff", "scenarios/x.scn");
	struct sl_report_item it = item(s, SL_FAIL, "");
	char *path = path_in_tmp("junit.xml");
	xmlDocPtr doc;

	snprintf(it.result.reason, sizeof(it.result.reason), "]]> <b>&amp;\x02");
	cr_assert_eq(sl_junit_write(path, &it, 1), 0, "%s", strerror(errno));
	doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	cr_assert_not_null(doc, "junit.xml does not parse");
	assert_xpath(doc, "string(//testcase/@name)", "<&\"'>\\x01\\xff");
	assert_xpath(doc, "string(//testcase/failure/@message)", "]]> <b>&amp;\\x02");
	xmlFreeDoc(doc);
	free(path);
	sl_result_free(&it.result);
	sl_scenario_free(s);
}

Test(junit, repeated_and_clashing_names_are_unique, .init = make_tmpdir, .fini = remove_tmpdir)
{
	struct sl_scenario *a = scenario("same", "scenarios/a.scn");
	struct sl_scenario *b = scenario("same", "scenarios/b.scn");
	struct sl_report_item items[3] = { item(a, SL_PASS, ""), item(a, SL_PASS, ""), item(b, SL_PASS, "") };
	char *path = path_in_tmp("junit.xml");
	xmlDocPtr doc;

	items[1].repeat = 1;
	cr_assert_eq(sl_junit_write(path, items, 3), 0);
	doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	cr_assert_not_null(doc);
	assert_xpath(doc, "string(//testcase[1]/@name)", "same");
	assert_xpath(doc, "string(//testcase[2]/@name)", "same#2");
	assert_xpath(doc, "string(//testcase[3]/@name)", "same (2)");
	xmlFreeDoc(doc);
	free(path);
	for (int i = 0; i < 3; i++)
		sl_result_free(&items[i].result);
	sl_scenario_free(a);
	sl_scenario_free(b);
}

/* ---- JSON ----------------------------------------------------------------------------- */

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;
	cr_assert(json_object_object_get_ex(o, key, &v), "no key %s", key);
	return v;
}

Test(json, parses_and_holds_the_trace, .init = make_tmpdir, .fini = remove_tmpdir)
{
	struct sl_scenario *a = scenario("double-rmid", "scenarios/double-rmid.scn");
	struct sl_report_item items[2] = { item(a, SL_FAIL, ""), item(a, SL_SKIP, "no pty") };
	char *path = path_in_tmp("results.json");
	json_object *root, *sc, *trace, *e0, *seg;

	cr_assert_eq(sl_json_write(path, items, 2), 0, "%s", strerror(errno));
	root = json_object_from_file(path);
	cr_assert_not_null(root, "results.json does not parse");
	cr_assert_gt(strlen(json_object_get_string(get(root, "shmlife_version"))), 0);
	cr_assert_gt(strlen(json_object_get_string(get(root, "kernel_release"))), 0);
	cr_assert_str_eq(json_object_get_string(get(root, "libc")), libc_name());
	cr_assert_eq(json_object_get_int(get(get(root, "totals"), "failed")), 1);
	cr_assert_eq(json_object_get_int(get(get(root, "totals"), "skipped")), 1);
	cr_assert_eq(json_object_array_length(get(root, "scenarios")), 2);
	sc = json_object_array_get_idx(get(root, "scenarios"), 0);
	cr_assert_str_eq(json_object_get_string(get(sc, "outcome")), "FAIL");
	cr_assert_eq(json_object_array_length(get(sc, "tags")), 1);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(get(sc, "tags"), 0)), "lifecycle");
	cr_assert_eq(json_object_get_int(get(get(sc, "failed_step"), "line")), 7);
	cr_assert(json_object_get_boolean(get(json_object_array_get_idx(get(sc, "claims"), 0),
					      "kernel_agrees")));
	cr_assert_str_eq(json_object_get_string(get(json_object_array_get_idx(get(sc, "claims"), 0),
						    "verdict")), "unsettled");
	trace = get(sc, "trace");
	cr_assert_eq(json_object_array_length(trace), 4);
	e0 = json_object_array_get_idx(trace, 0);
	cr_assert_str_eq(json_object_get_string(get(e0, "step_text")),
			 "owner: shmget auto 4096 create 0600 -> seg");
	cr_assert_eq(json_object_get_int(get(e0, "step_line")), 5);
	cr_assert_str_eq(json_object_get_string(get(e0, "obs_kind")), "segment");
	seg = get(e0, "obs");
	cr_assert_eq(json_object_get_int(get(get(seg, "stat"), "nattch")), 0);
	cr_assert_eq(json_object_get_int(get(get(seg, "proc"), "nattch")), 1);
	cr_assert(json_object_get_boolean(get(seg, "disagree")));
	cr_assert_str_eq(json_object_get_string(get(get(e0, "brief"), "slot_name")), "seg");
	cr_assert_str_eq(json_object_get_string(get(json_object_array_get_idx(trace, 2), "detail")),
			 "shmctl returned 0");
	cr_assert_str_eq(json_object_get_string(get(json_object_array_get_idx(trace, 3), "kind")), "end");
	cr_assert(json_object_is_type(get(json_object_array_get_idx(get(root, "scenarios"), 1),
					  "failed_step"), json_type_null));
	json_object_put(root);
	free(path);
	for (int i = 0; i < 2; i++)
		sl_result_free(&items[i].result);
	sl_scenario_free(a);
}

static const struct sl_scenario *the_scenario(void *ctx, const char *name, const char *file)
{
	(void)name;
	(void)file;
	return ctx;
}

/* memcheck's record on an event (run --valgrind) is written with its kind
 * and read back as such: it was written "obs_kind": "unknown" (the kinds
 * were bounded by the one before it), and `shmlife merge`, `run --kernel`
 * read it as no record at all. */
Test(json, a_memcheck_record_is_written_as_memcheck_and_read_back, .init = make_tmpdir, .fini = remove_tmpdir)
{
	struct sl_scenario *a = scenario("double-rmid", "scenarios/double-rmid.scn");
	struct sl_report_item it = item(a, SL_PASS, "");
	struct sl_trace_entry e;
	memset(&e, 0, sizeof(e));
	e.kind = SL_ENTRY_EVENT;
	e.step = e.actor = -1;
	e.brief.slot = -1;
	e.verdict = SL_PASS;
	snprintf(e.detail, sizeof(e.detail), "memcheck: 3 processes, 0 errors, 0 leaks");
	e.obs_kind = SL_OBS_MEMCHECK;
	e.obs.memcheck.role = SL_MEMCHECK_SUMMARY;
	e.obs.memcheck.processes = 3;
	e.obs.memcheck.errors = 2;
	e.obs.memcheck.leaks = 1;
	snprintf(e.obs.memcheck.dir, sizeof(e.obs.memcheck.dir), "reports/out/valgrind/double-rmid");
	cr_assert_eq(sl_result_append(&it.result, &e), 0);
	char *path = path_in_tmp("results.json");
	cr_assert_eq(sl_json_write(path, &it, 1), 0, "%s", strerror(errno));
	json_object *root = json_object_from_file(path);
	cr_assert_not_null(root);
	json_object *trace = get(json_object_array_get_idx(get(root, "scenarios"), 0), "trace");
	json_object *last = json_object_array_get_idx(trace, json_object_array_length(trace) - 1);
	cr_assert_str_eq(json_object_get_string(get(last, "obs_kind")), "memcheck");
	json_object_put(root);
	struct sl_report_item *back = NULL;
	int n = 0;
	char why[256] = "";
	cr_assert_eq(sl_json_read(path, the_scenario, a, &back, &n, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(n, 1);
	struct sl_trace_entry got;
	sl_result_entry(&back[0].result, back[0].result.ntrace - 1, &got);
	cr_assert_eq(got.obs_kind, SL_OBS_MEMCHECK, "read back as kind %d", (int)got.obs_kind);
	cr_assert_eq(got.obs.memcheck.errors, 2);
	cr_assert_eq(got.obs.memcheck.leaks, 1);
	cr_assert_str_eq(got.obs.memcheck.dir, "reports/out/valgrind/double-rmid");
	sl_report_items_free(back, n);
	free(path);
	sl_result_free(&it.result);
	sl_scenario_free(a);
}

/* An entry's texts are written whole and valid: a byte that is not UTF-8
 * as the text \xNN, a control character escaped (and read back as
 * itself), a detail that fills its array without a NUL to its last byte. */
Test(json, an_entrys_texts_are_written_whole_and_valid_utf8, .init = make_tmpdir, .fini = remove_tmpdir)
{
	struct sl_scenario *a = scenario("double-rmid", "scenarios/double-rmid.scn");
	struct sl_report_item it = item(a, SL_PASS, "");
	struct sl_trace_entry e = step_entry(1, SL_PASS, 0, 0);
	snprintf(e.detail, sizeof(e.detail), "bad \xff byte, a \x01 control, caf\xc3\xa9");
	cr_assert_eq(sl_result_append(&it.result, &e), 0);
	memset(e.detail, 'x', sizeof(e.detail));
	e.detail[sizeof(e.detail) - 1] = 'y';
	cr_assert_eq(sl_result_append(&it.result, &e), 0);
	char *path = path_in_tmp("results.json");
	cr_assert_eq(sl_json_write(path, &it, 1), 0, "%s", strerror(errno));
	json_object *root = json_object_from_file(path);
	cr_assert_not_null(root, "results.json does not parse");
	json_object *trace = get(json_object_array_get_idx(get(root, "scenarios"), 0), "trace");
	size_t n = json_object_array_length(trace);
	cr_assert_str_eq(json_object_get_string(get(json_object_array_get_idx(trace, n - 2), "detail")),
			 "bad \\xff byte, a \x01 control, caf\xc3\xa9");
	const char *whole = json_object_get_string(get(json_object_array_get_idx(trace, n - 1), "detail"));
	cr_assert_eq(strlen(whole), sizeof(e.detail));
	cr_assert_eq(whole[sizeof(e.detail) - 1], 'y', "the last byte is written");
	json_object_put(root);
	free(path);
	sl_result_free(&it.result);
	sl_scenario_free(a);
}

/* ---- a result's trace, kept packed (result_trace.c) ------------------------- */

/* Every entry comes back byte for byte, whatever its bytes (padding too):
 * all zeros, all ones, random, a real-looking step; and the last leaves
 * and another takes its place. */
Test(trace_store, entries_come_back_byte_for_byte)
{
	struct sl_result r;
	sl_result_init(&r);
	enum { N = 3000 };
	static struct sl_trace_entry want[N];
	unsigned seed = 12345;
	for (int i = 0; i < N; i++) {
		unsigned char *b = (unsigned char *)&want[i];
		if (i % 4 == 0) {
			memset(b, 0, sizeof(want[i]));
		} else if (i % 4 == 1) {
			memset(b, 0xff, sizeof(want[i]));
		} else if (i % 4 == 2) {
			for (size_t k = 0; k < sizeof(want[i]); k++)
				b[k] = (unsigned char)((seed = seed * 1103515245u + 12345u) >> 16);
		} else {
			memset(b, 0, sizeof(want[i]));
			want[i].kind = SL_ENTRY_STEP;
			want[i].step = i;
			want[i].pid = 4242;
			snprintf(want[i].detail, sizeof(want[i].detail), "expected success; kernel said %d", i);
		}
		cr_assert_eq(sl_result_append(&r, &want[i]), 0);
	}
	cr_assert_eq(r.ntrace, N);
	struct sl_trace_entry got;
	for (int i = 0; i < N; i++)
		cr_assert_eq(memcmp(sl_result_entry(&r, i, &got), &want[i], sizeof(got)), 0, "entry %d", i);
	/* a zero entry and a short step cost far less than their 1008 bytes */
	cr_expect_lt(r.trace_at[1] - r.trace_at[0], 32u);
	cr_expect_lt(r.trace_at[4] - r.trace_at[3], 200u);
	sl_result_drop_last(&r);
	cr_assert_eq(r.ntrace, N - 1);
	cr_assert_eq(sl_result_append(&r, &want[0]), 0);
	cr_assert_eq(memcmp(sl_result_entry(&r, N - 1, &got), &want[0], sizeof(got)), 0);
	sl_result_free(&r);
	cr_expect_eq(r.ntrace, 0);
	sl_result_drop_last(&r); /* on an empty trace: nothing */
	cr_expect_eq(r.ntrace, 0);
}

/* ---- json_writer: json-c's layout, byte for byte, without its print buffer ---- */

#define JSONC_FLAGS (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE)

/* o as json_writer writes it, in a malloc'd string. */
static char *written(json_object *o)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	cr_assert_not_null(f);
	struct sl_json_writer w = { .f = f };
	cr_assert_eq(sl_json_write_value(&w, o, 0), 0);
	cr_assert_eq(fclose(f), 0);
	return text;
}

static void assert_as_json_c(json_object *o)
{
	char *mine = written(o);
	cr_expect_str_eq(mine, json_object_to_json_string_ext(o, JSONC_FLAGS));
	free(mine);
}

Test(json_writer, writes_what_json_c_writes)
{
	char every[256];
	for (int i = 1; i < 256; i++)
		every[i - 1] = (char)i; /* every byte but NUL: escapes, '/', UTF-8 leads */
	every[255] = '\0';
	json_object *root = json_object_new_object();
	json_object_object_add(root, "empty object", json_object_new_object());
	json_object_object_add(root, "empty array", json_object_new_array());
	json_object_object_add(root, "null", NULL);
	json_object_object_add(root, "true", json_object_new_boolean(1));
	json_object_object_add(root, "false", json_object_new_boolean(0));
	json_object_object_add(root, "every byte", json_object_new_string(every));
	json_object_object_add(root, "key \"with\" \\ and \n", json_object_new_string(""));
	json_object *nums = json_object_new_array();
	json_object_array_add(nums, json_object_new_int64(0));
	json_object_array_add(nums, json_object_new_int64(-1));
	json_object_array_add(nums, json_object_new_int64(INT64_MIN));
	json_object_array_add(nums, json_object_new_int64(INT64_MAX));
	json_object_array_add(nums, json_object_new_uint64(UINT64_MAX));
	json_object_array_add(nums, json_object_new_uint64((uint64_t)INT64_MAX + 1));
	const double doubles[] = { 0.0, -0.0, 1.0, 3.5, 0.1, 1e21, 1e-7, -123456.75, 12.345678 };
	for (size_t i = 0; i < sizeof(doubles) / sizeof(doubles[0]); i++)
		json_object_array_add(nums, json_object_new_double(doubles[i]));
	json_object_array_add(nums, NULL);
	json_object_object_add(root, "numbers", nums);
	json_object *deep = json_object_new_array(), *inner = json_object_new_object();
	json_object_object_add(inner, "a", json_object_new_array());
	json_object_object_add(inner, "b", json_object_new_object());
	json_object_array_add(deep, inner);
	json_object_array_add(deep, json_object_new_array());
	json_object_object_add(root, "deep", deep);
	assert_as_json_c(root);
	assert_as_json_c(json_object_object_get(root, "empty array"));
	assert_as_json_c(json_object_object_get(root, "every byte"));
	json_object_put(root);
}

/* The whole results.json of a run is json-c's own serialization of it:
 * read back and written by json-c, the same bytes. */
Test(json_writer, results_json_is_laid_out_as_json_c_lays_it_out, .init = make_tmpdir, .fini = remove_tmpdir)
{
	struct sl_scenario *a = scenario("double-rmid", "scenarios/double-rmid.scn");
	struct sl_report_item items[3] = { item(a, SL_FAIL, ""), item(a, SL_SKIP, "no pty"), item(a, SL_PASS, "") };
	char *path = path_in_tmp("results.json");
	cr_assert_eq(sl_json_write(path, items, 3), 0, "%s", strerror(errno));
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f);
	char *text = NULL;
	size_t cap = 0;
	ssize_t len = getdelim(&text, &cap, '\0', f);
	fclose(f);
	cr_assert_gt(len, 0);
	json_object *root = json_tokener_parse(text);
	cr_assert_not_null(root);
	char *again = NULL;
	cr_assert_gt(asprintf(&again, "%s\n", json_object_to_json_string_ext(root, JSONC_FLAGS)), 0);
	cr_expect_str_eq(text, again);
	free(again);
	free(text);
	json_object_put(root);
	free(path);
	for (int i = 0; i < 3; i++)
		sl_result_free(&items[i].result);
	sl_scenario_free(a);
}

/* A write that fails is said: a full device, here. */
Test(json_writer, a_failed_write_is_an_error)
{
	FILE *f = fopen("/dev/full", "w");
	cr_assert_not_null(f);
	setvbuf(f, NULL, _IONBF, 0);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "k", json_object_new_string("v"));
	struct sl_json_writer w = { .f = f };
	cr_expect_eq(sl_json_write_value(&w, o, 0), -1);
	json_object_put(o);
	fclose(f);
}

Test(json, hostile_names_round_trip, .init = make_tmpdir, .fini = remove_tmpdir)
{
	struct sl_scenario *s = scenario("<&\"'>\x01\t/", "scenarios/x.scn");
	struct sl_report_item it = item(s, SL_PASS, "");
	char *path = path_in_tmp("results.json");
	json_object *root, *sc;

	free(s->description);
	s->description = strdup("bad byte \xff here");
	cr_assert_eq(sl_json_write(path, &it, 1), 0);
	root = json_object_from_file(path);
	cr_assert_not_null(root);
	sc = json_object_array_get_idx(get(root, "scenarios"), 0);
	cr_assert_str_eq(json_object_get_string(get(sc, "name")), "<&\"'>\x01\t/");
	cr_assert_str_eq(json_object_get_string(get(sc, "description")), "bad byte \\xff here");
	json_object_put(root);
	free(path);
	sl_result_free(&it.result);
	sl_scenario_free(s);
}

Test(json, flaky_scenarios_are_counted_once, .init = make_tmpdir, .fini = remove_tmpdir)
{
	struct sl_scenario *a = scenario("sometimes", "scenarios/sometimes.scn");
	struct sl_report_item items[3] = { item(a, SL_PASS, ""), item(a, SL_FAIL, ""), item(a, SL_PASS, "") };
	char *path = path_in_tmp("results.json");
	json_object *root;

	for (int i = 0; i < 3; i++) {
		items[i].repeat = i;
		items[i].flaky = 1;
	}
	cr_assert_eq(sl_json_write(path, items, 3), 0);
	root = json_object_from_file(path);
	cr_assert_not_null(root);
	cr_assert_eq(json_object_get_int(get(get(root, "totals"), "flaky")), 1);
	cr_assert_eq(json_object_get_int(get(get(root, "totals"), "scenarios")), 3);
	cr_assert_str_eq(json_object_get_string(get(json_object_array_get_idx(get(root, "scenarios"), 2),
						    "display_name")), "sometimes#3");
	cr_assert(json_object_get_boolean(get(json_object_array_get_idx(get(root, "scenarios"), 0), "flaky")));
	json_object_put(root);
	free(path);
	for (int i = 0; i < 3; i++)
		sl_result_free(&items[i].result);
	sl_scenario_free(a);
}

/* ---- failures to write ------------------------------------------------------------------ */

Test(write, fails_with_errno_and_leaves_nothing, .init = make_tmpdir, .fini = remove_tmpdir)
{
	struct sl_scenario *s = scenario("x", "x.scn");
	struct sl_report_item it = item(s, SL_PASS, "");
	char *junit = path_in_tmp("missing/junit.xml"), *json = path_in_tmp("missing/results.json");
	char *dir = path_in_tmp("a-directory");

	errno = 0;
	cr_assert_eq(sl_junit_write(junit, &it, 1), -1);
	cr_assert_eq(errno, ENOENT);
	errno = 0;
	cr_assert_eq(sl_json_write(json, &it, 1), -1);
	cr_assert_eq(errno, ENOENT);
	/* rename() over a directory fails after the temporary was written */
	cr_assert_eq(mkdir(dir, 0755), 0);
	cr_assert_eq(sl_json_write(dir, &it, 1), -1);
	cr_assert_eq(errno, EISDIR);
	free(dir);
	dir = path_in_tmp("a-directory.tmp");
	cr_assert_eq(access(dir, F_OK), -1, "the temporary file is left");
	free(dir);
	free(junit);
	free(json);
	sl_result_free(&it.result);
	sl_scenario_free(s);
}

Test(write, empty_runs_are_valid_documents, .init = make_tmpdir, .fini = remove_tmpdir)
{
	char *junit = path_in_tmp("junit.xml"), *json = path_in_tmp("results.json");
	xmlDocPtr doc;
	json_object *root;

	cr_assert_eq(sl_junit_write(junit, NULL, 0), 0);
	cr_assert_eq(sl_json_write(json, NULL, 0), 0);
	doc = xmlReadFile(junit, NULL, XML_PARSE_NONET);
	cr_assert_not_null(doc);
	assert_xpath(doc, "count(/testsuites/*)", "0");
	xmlFreeDoc(doc);
	root = json_object_from_file(json);
	cr_assert_not_null(root);
	cr_assert_eq(json_object_array_length(get(root, "scenarios")), 0);
	json_object_put(root);
	free(junit);
	free(json);
}

/* --repeat N: the first run of a scenario and every run that differed from
 * it are detailed; a run the same as the first is summarised (no trace, no
 * claims), naming that first run, in results.json and junit.xml. */
Test(write, repetitions_the_same_as_the_first_are_summarised, .init = make_tmpdir, .fini = remove_tmpdir)
{
	struct sl_scenario *a = scenario("double-rmid", "scenarios/lifecycle/double-rmid.scn");
	struct sl_report_item items[4] = { item(a, SL_FAIL, ""), item(a, SL_FAIL, ""), item(a, SL_PASS, ""),
					   item(a, SL_FAIL, "") };
	for (int i = 0; i < 4; i++)
		items[i].repeat = i;
	char *json = path_in_tmp("results.json"), *junit = path_in_tmp("junit.xml");
	cr_assert_eq(sl_json_write(json, items, 4), 0, "%s", strerror(errno));
	cr_assert_eq(sl_junit_write(junit, items, 4), 0, "%s", strerror(errno));

	json_object *root = json_object_from_file(json), *list = get(root, "scenarios");
	const int detailed[4] = { 1, 0, 1, 0 };
	for (int i = 0; i < 4; i++) {
		json_object *s = json_object_array_get_idx(list, (size_t)i);
		cr_assert_eq(json_object_get_boolean(get(s, "detailed")), detailed[i], "run %d", i + 1);
		size_t trace = json_object_array_length(get(s, "trace"));
		if (detailed[i]) {
			cr_assert_gt(trace, 0, "run %d has its trace", i + 1);
			cr_assert(json_object_is_type(get(s, "same_as"), json_type_null));
		} else {
			cr_assert_eq(trace, 0, "run %d is summarised", i + 1);
			cr_assert_str_eq(json_object_get_string(get(s, "same_as")), "double-rmid");
			cr_assert_str_eq(json_object_get_string(get(s, "outcome")), "FAIL", "its outcome stays");
		}
	}
	json_object_put(root);

	xmlDocPtr doc = xmlReadFile(junit, NULL, XML_PARSE_NONET);
	cr_assert_not_null(doc);
	assert_xpath(doc, "contains(//testcase[@name='double-rmid']/failure, 'trace:')", "true");
	assert_xpath(doc, "contains(//testcase[@name='double-rmid#2']/failure, 'the same as double-rmid')", "true");
	assert_xpath(doc, "contains(//testcase[@name='double-rmid#2']/failure, 'trace:')", "false");
	assert_xpath(doc, "contains(//testcase[@name='double-rmid#4']/failure, 'the same as double-rmid')", "true");
	xmlFreeDoc(doc);
	free(json);
	free(junit);
	for (int i = 0; i < 4; i++)
		sl_result_free(&items[i].result);
	sl_scenario_free(a);
}


static char *file_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t cap = 0;
	cr_assert_not_null(f, "%s", path);
	ssize_t n = getdelim(&text, &cap, '\0', f);
	fclose(f);
	cr_assert_geq(n, 0);
	return text;
}

/* A long --repeat keeps only what the reports show (sl_report_compact): the
 * repetitions the same as their first run lose their traces, and every
 * report is byte for byte what it was. */
Test(write, compacting_repetitions_changes_no_report, .init = make_tmpdir, .fini = remove_tmpdir)
{
	struct sl_scenario *a = scenario("double-rmid", "scenarios/lifecycle/double-rmid.scn");
	struct sl_report_item items[4] = { item(a, SL_FAIL, ""), item(a, SL_FAIL, ""), item(a, SL_PASS, ""),
					   item(a, SL_FAIL, "") };
	const char *names[] = { "results.json", "junit.xml", "index.html" };
	char *before[3], *after[3];
	FILE *null = fopen("/dev/null", "w");
	cr_assert_not_null(null);
	sl_tap_begin(null, 4); /* the run's start, for both */
	fclose(null);
	for (int i = 0; i < 4; i++)
		items[i].repeat = i;
	for (int pass = 0; pass < 2; pass++) {
		char *p[3];
		for (int k = 0; k < 3; k++)
			p[k] = path_in_tmp(names[k]);
		cr_assert_eq(sl_json_write(p[0], items, 4), 0, "%s", strerror(errno));
		cr_assert_eq(sl_junit_write(p[1], items, 4), 0, "%s", strerror(errno));
		cr_assert_eq(sl_html_write(p[2], items, 4, NULL), 0, "%s", strerror(errno));
		for (int k = 0; k < 3; k++) {
			(pass ? after : before)[k] = file_text(p[k]);
			free(p[k]);
		}
		if (pass == 0) {
			const int freed[4] = { 0, 1, 0, 1 }; /* #1 is the first, #3 differs */
			for (int i = 0; i < 4; i++) {
				cr_assert_eq(sl_report_compact(items, 4, i), freed[i], "run %d", i + 1);
				cr_assert_eq(items[i].result.ntrace == 0, freed[i], "run %d", i + 1);
			}
			cr_assert_eq(items[1].result.outcome, SL_FAIL, "the outcome stays");
			cr_assert_eq(items[1].result.failed_step, 2, "the failing step stays");
		}
	}
	for (int k = 0; k < 3; k++) {
		cr_expect_str_eq(after[k], before[k], "%s changed", names[k]);
		free(before[k]);
		free(after[k]);
	}
	for (int i = 0; i < 4; i++)
		sl_result_free(&items[i].result);
	sl_scenario_free(a);
}

/* ---- the claims' evidence: written once (claims.c), whole ---- */
#include "engine_fixture.h"
#include "shmlife/claims.h"

Test(claims, evidence_is_whole_however_many_steps_name_the_claim)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	cr_assert_not_null(f);
	fputs("scenario many-steps\n"
	      "claim c: \"a segment stays\" source: \"shmget(2)\" kernel: agrees\n"
	      "actors: a\n"
	      "a shmget key=auto size=4096 flags=IPC_CREAT|0600 -> seg\n",
	      f);
	for (int i = 0; i < 60; i++)
		fputs("expect seg exists nattch=0 [claim c]\n", f);
	fputs("a shmctl seg IPC_RMID\n", f);
	cr_assert_eq(fclose(f), 0);
	struct sl_scenario *s = parse_scenario(text);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	struct sl_claim_finding c;
	cr_assert_eq(sl_claim_judge(s, 0, &r, &c), 0);
	cr_assert_eq(c.verdict, SL_CLAIM_AGREES);
	cr_assert_not_null(c.evidence);
	cr_expect_gt(strlen(c.evidence), 1024, "60 steps' evidence: %zu bytes", strlen(c.evidence));
	cr_expect(strstr(c.evidence, "line 5: expect seg exists nattch=0: observed exists, nattch=0"), "%.200s",
		  c.evidence);
	cr_expect(strstr(c.evidence, "; line 64: expect seg exists nattch=0: observed exists, nattch=0"),
		  "the last step is there too: ...%s", c.evidence + (strlen(c.evidence) > 200 ? strlen(c.evidence) - 200 : 0));
	sl_claim_finding_free(&c);
	cr_expect_null(c.evidence);
	sl_result_free(&r);
	sl_scenario_free(s);
	free(text);
}
