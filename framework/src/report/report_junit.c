/* report_junit.c - junit.xml (report.h), written with xml_writer.h.
 *
 * One <testsuite> per directory holding scenario scripts: the suite is the
 * last component of the script's directory (`scenarios/daemons/x.scn` is in
 * suite `daemons`), dots made underscores, `top` for scripts given in the
 * current directory.  Test cases are `shmlife.<suite>` / `<name>[#k]`, made
 * unique within a suite by ` (2)`, ` (3)` ... if names clash.  FAIL and
 * TIMEOUT are <failure type=...>, BROK is <error>, SKIP is <skipped> with
 * the reason as its message and its text; bodies hold the trace as text.
 * Strings are made valid XML 1.0 first: control bytes and bytes that are not
 * UTF-8 are written as the text \xNN.
 *
 * The document is valid against both Jenkins xunit-plugin's JUnit schema
 * (junit-10.xsd) and the Apache Ant JUnit schema (windyroad's JUnit.xsd),
 * which is what the intersection allows: no attributes on <testsuites>; a
 * suite has package, id, tests, failures, errors, skipped, time, timestamp
 * (no zone) and hostname, then <properties>, its <testcase>s, <system-out>
 * (the flaky notes, the programs' stdout) and <system-err> (their stderr);
 * a test case has classname, name and
 * time (no file) and at most one child.  tests/data/junit/ states both
 * schemas' rules; tests/test_report.c validates against them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_common.h"
#include "xml_writer.h"

struct case_info {
	char suite[128];
	char name[600];
};

static void suite_of(const struct sl_scenario *s, char *buf, size_t len)
{
	const char *file = s && s->file ? s->file : "";
	const char *slash = strrchr(file, '/');
	const char *start = file, *end = slash ? slash : file;

	while (end > file && end[-1] == '/')
		end--;
	for (const char *p = file; p < end; p++)
		if (*p == '/')
			start = p + 1;
	size_t n = (size_t)(end - start);
	if (n == 0 || (n == 1 && *start == '.'))
		snprintf(buf, len, "top");
	else
		snprintf(buf, len, "%.*s", (int)n, start);
	for (char *p = buf; *p; p++)
		if (*p == '.')
			*p = '_';
}

static struct case_info *describe_cases(const struct sl_report_item *items, int n)
{
	struct case_info *c = calloc((size_t)(n > 0 ? n : 1), sizeof(*c));
	if (!c)
		return NULL;
	for (int i = 0; i < n; i++) {
		char base[512];
		suite_of(items[i].scenario, c[i].suite, sizeof(c[i].suite));
		rc_item_name(&items[i], base, sizeof(base));
		snprintf(c[i].name, sizeof(c[i].name), "%s", base);
		for (int k = 2, j = 0; j < i; j++) {
			if (strcmp(c[j].suite, c[i].suite) || strcmp(c[j].name, c[i].name))
				continue;
			snprintf(c[i].name, sizeof(c[i].name), "%s (%d)", base, k++);
			j = -1;                 /* look again for the new name */
		}
	}
	return c;
}

/* Writes an attribute, its value made valid XML first. */
static int attr(struct sl_xml_writer *w, const char *name, const char *value)
{
	char *clean = rc_clean_utf8(value, 1);
	if (!clean)
		return -1;
	sl_xml_attr(w, name, clean);
	free(clean);
	return 0;
}

static int attr_int(struct sl_xml_writer *w, const char *name, int value)
{
	sl_xml_attrf(w, name, "%d", value);
	return 0;
}

static int attr_seconds(struct sl_xml_writer *w, const char *name, uint64_t ns)
{
	sl_xml_attrf(w, name, "%.3f", (double)ns / 1e9);
	return 0;
}

static int counts(struct sl_xml_writer *w, const struct sl_report_item *items, int n, const struct case_info *c,
		  const char *suite)
{
	struct sl_report_totals t = { 0 };
	uint64_t ns = 0;
	int tests = 0;

	for (int i = 0; i < n; i++) {
		if (suite && strcmp(c[i].suite, suite))
			continue;
		struct sl_report_totals one;
		sl_report_totals(&items[i], 1, &one);
		t.passed += one.passed, t.failed += one.failed, t.skipped += one.skipped;
		t.broken += one.broken, t.timedout += one.timedout;
		ns += items[i].result.duration_ns;
		tests++;
	}
	if (attr_int(w, "tests", tests) || attr_int(w, "failures", t.failed + t.timedout) ||
	    attr_int(w, "errors", t.broken) || attr_int(w, "skipped", t.skipped))
		return -1;
	return attr_seconds(w, "time", ns);
}

/* The body of a <failure>/<error>: the reason, then the trace. */
static char *failure_body(const struct sl_report_item *it)
{
	char *text = NULL, *clean;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	fprintf(f, "%.*s\n", (int)sizeof(it->result.reason), it->result.reason);
	if (it->scenario && it->scenario->file)
		fprintf(f, "file: %s\n", it->scenario->file);
	fputs("\ntrace:\n", f);
	sl_report_trace_text(f, it, 1);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	clean = rc_clean_utf8(text, 1);
	free(text);
	return clean;
}

/* first: the run this one is the same as (its body names it instead of
 * repeating the trace), or NULL. */
static int write_outcome(struct sl_xml_writer *w, const struct sl_report_item *it, const char *first)
{
	const struct sl_result *r = &it->result;
	char reason[sizeof(r->reason) + 1];
	const char *element = r->outcome == SL_BROK ? "error" : "failure";
	char *body;

	snprintf(reason, sizeof(reason), "%.*s", (int)sizeof(r->reason), r->reason);
	if (r->outcome == SL_PASS)
		return 0;
	if (r->outcome == SL_SKIP) {
		/* the reason as text too: GitLab shows the text, not the attribute */
		char *text = rc_clean_utf8(reason, 1);
		int rc = -1;
		if (text) {
			sl_xml_start(w, "skipped");
			rc = attr(w, "message", reason);
			sl_xml_text(w, text);
			sl_xml_end(w);
		}
		free(text);
		return rc;
	}
	sl_xml_start(w, element);
	if (attr(w, "message", reason) || attr(w, "type", sl_outcome_name(r->outcome)))
		return -1;
	if (first) {
		char said[sizeof(r->reason) + 700];
		snprintf(said, sizeof(said), "%s\n(the same as %s: its trace is there)", reason, first);
		body = rc_clean_utf8(said, 1);
	} else {
		body = failure_body(it);
	}
	if (!body)
		return -1;
	sl_xml_text(w, body);
	free(body);
	sl_xml_end(w);
	return 0;
}

static int write_case(struct sl_xml_writer *w, const struct sl_report_item *it, const struct case_info *c,
		      const char *first)
{
	char classname[sizeof(c->suite) + 8];

	snprintf(classname, sizeof(classname), "shmlife.%s", c->suite);
	sl_xml_start(w, "testcase");
	if (attr(w, "classname", classname) || attr(w, "name", c->name) ||
	    attr_seconds(w, "time", it->result.duration_ns) || write_outcome(w, it, first))
		return -1;
	sl_xml_end(w);
	return 0;
}

/* The suite's <system-out> (stream 1: a line for each of its flaky test
 * cases, then the programs' stdout of each case) or <system-err> (2: their
 * stderr); a test case may not hold them itself in the Ant schema.  A
 * repetition the same as the first run (rc_same_as_first) says nothing. */
static int write_suite_stream(struct sl_xml_writer *w, const struct sl_report_item *items, int n,
			      const struct case_info *c, const char *suite, int stream)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return -1;
	for (int i = 0; stream == 1 && i < n; i++) {
		const struct sl_report_item *it = &items[i];
		if (strcmp(c[i].suite, suite) || !it->flaky)
			continue;
		if (sl_report_passed_on_retry(it))
			fprintf(f, "flaky: %s: %.*s\n", c[i].name, (int)sizeof(it->result.reason), it->result.reason);
		else
			fprintf(f, "flaky: %s: the outcome differed between repetitions\n", c[i].name);
	}
	for (int i = 0; i < n; i++) {
		const struct sl_report_item *it = &items[i];
		if (strcmp(c[i].suite, suite) || rc_same_as_first(items, n, i) >= 0 || !it->result.noutputs)
			continue;
		char *one = NULL;
		size_t one_len = 0;
		FILE *m = open_memstream(&one, &one_len);
		if (!m) {
			fclose(f);
			free(text);
			return -1;
		}
		rc_outputs_text(m, it->scenario, &it->result, -1, stream == 1 ? 1 | 4 : 2, "  ", 0); /* the terminal with stdout */
		if (fclose(m) == 0 && one_len)
			fprintf(f, "%s:\n%s", c[i].name, one);
		free(one);
	}
	if (fclose(f)) {
		free(text);
		return -1;
	}
	char *clean = rc_clean_utf8(text, 0);
	if (clean)
		sl_xml_element(w, stream == 1 ? "system-out" : "system-err", clean);
	free(clean);
	free(text);
	return clean ? 0 : -1;
}

/* The system under test, as the suite's <properties> (its first child). */
static int write_properties(struct sl_xml_writer *w, const struct rc_system *sys)
{
	const char *names[] = { "kernel", "libc" }, *values[] = { sys->kernel, sys->libc };

	sl_xml_start(w, "properties");
	for (int i = 0; i < 2; i++) {
		sl_xml_start(w, "property");
		if (attr(w, "name", names[i]) || attr(w, "value", values[i]))
			return -1;
		sl_xml_end(w);
	}
	sl_xml_end(w);
	return 0;
}

static int write_suite(struct sl_xml_writer *w, const struct sl_report_item *items, int n,
		       const struct case_info *c, const char *suite, int id, const char *stamp,
		       const char *host, const struct rc_system *sys)
{
	char package[sizeof(c->suite) + 8];

	snprintf(package, sizeof(package), "shmlife.%s", suite);
	sl_xml_start(w, "testsuite");
	if (attr(w, "name", suite) ||
	    attr(w, "package", package) || attr_int(w, "id", id) || counts(w, items, n, c, suite) ||
	    attr(w, "timestamp", stamp) || attr(w, "hostname", host) || write_properties(w, sys))
		return -1;
	for (int i = 0; i < n; i++) {
		int first = rc_same_as_first(items, n, i);
		if (strcmp(c[i].suite, suite) == 0 && write_case(w, &items[i], &c[i], first >= 0 ? c[first].name : NULL))
			return -1;
	}
	if (write_suite_stream(w, items, n, c, suite, 1) || write_suite_stream(w, items, n, c, suite, 2))
		return -1;
	sl_xml_end(w);
	return 0;
}

/* A property of a kernel's suite. */
static int property(struct sl_xml_writer *w, const char *name, const char *value)
{
	sl_xml_start(w, "property");
	if (attr(w, "name", name) || attr(w, "value", value))
		return -1;
	sl_xml_end(w);
	return 0;
}

/* Another kernel's results (run --kernel): a suite of its own, "kernel
 * RELEASE", its properties saying which kernel and how it ran, a test case
 * for each of the run's items (classname shmlife.kernel.RELEASE.SUITE), a
 * <skipped> one where it has none; a kernel that gave no results is one
 * test case "boot" in <error>. */
static int write_kernel_suite(struct sl_xml_writer *w, const struct sl_report_item *items, int n,
			      const struct case_info *c, const struct sl_report_column *k, int id, const char *stamp,
			      const char *host)
{
	char name[sizeof(k->name) + 16], seconds[32], release[sizeof(k->name)];
	int failed = 0, broken = 0, skipped = 0;
	uint64_t ns = 0;
	snprintf(release, sizeof(release), "%s", k->name);
	for (char *p = release; *p; p++)
		if (*p == '.' || *p == ' ')
			*p = '_';
	for (int i = 0; !k->broken && i < n; i++) {
		const struct sl_report_item *it = sl_report_column_item(k, items[i].scenario, items[i].repeat);
		enum sl_outcome o = it ? it->result.outcome : SL_SKIP;
		failed += o == SL_FAIL || o == SL_TIMEOUT;
		broken += o == SL_BROK;
		skipped += o == SL_SKIP;
		ns += it ? it->result.duration_ns : 0;
	}
	/* "kernel 6.1.0-57-amd64"; another libc on this kernel: "libc musl 1.2.3" */
	snprintf(name, sizeof(name), "%s %s", strcmp(k->name, k->kernel) == 0 ? "kernel" : "libc", k->name);
	snprintf(seconds, sizeof(seconds), "%.1f", k->seconds);
	sl_xml_start(w, "testsuite");
	if (attr(w, "name", name) || attr(w, "package", "shmlife.kernel") || attr_int(w, "id", id) ||
	    attr_int(w, "tests", k->broken ? 1 : n) || attr_int(w, "failures", failed) ||
	    attr_int(w, "errors", k->broken ? 1 : broken) || attr_int(w, "skipped", skipped) ||
	    attr_seconds(w, "time", ns) || attr(w, "timestamp", stamp) || attr(w, "hostname", host))
		return -1;
	sl_xml_start(w, "properties");
	if (property(w, "kernel", k->kernel) || property(w, "kernel_version", k->version) || property(w, "libc", k->libc) ||
	    property(w, "how", k->how) ||
	    property(w, "seconds", seconds))
		return -1;
	sl_xml_end(w);
	if (k->broken) {
		sl_xml_start(w, "testcase");
		if (attr(w, "classname", "shmlife.kernel") || attr(w, "name", "boot") || attr_seconds(w, "time", 0))
			return -1;
		sl_xml_start(w, "error");
		if (attr(w, "message", k->broken) || attr(w, "type", "BROK"))
			return -1;
		sl_xml_end(w);
		sl_xml_end(w);
	}
	for (int i = 0; !k->broken && i < n; i++) {
		const struct sl_report_item *it = sl_report_column_item(k, items[i].scenario, items[i].repeat);
		struct case_info kc;
		sl_setf(kc.suite, sizeof(kc.suite), "kernel.%s.%s", release, c[i].suite);
		snprintf(kc.name, sizeof(kc.name), "%s", c[i].name);
		if (it && write_case(w, it, &kc, NULL))
			return -1;
		if (!it) {
			sl_xml_start(w, "testcase");
			char classname[sizeof(kc.suite) + 8];
			snprintf(classname, sizeof(classname), "shmlife.%s", kc.suite);
			if (attr(w, "classname", classname) || attr(w, "name", kc.name) || attr_seconds(w, "time", 0))
				return -1;
			sl_xml_start(w, "skipped");
			if (attr(w, "message", "not run on this kernel"))
				return -1;
			sl_xml_end(w);
			sl_xml_end(w);
		}
	}
	sl_xml_end(w);
	return 0;
}

static int write_document(struct sl_xml_writer *w, const struct sl_report_item *items, int n,
			  const struct case_info *c, const struct sl_report_column *columns, int ncolumns)
{
	char stamp[32], host[256] = "localhost";
	time_t start = rc_run_start(items, n);
	struct tm tm;
	struct rc_system sys;

	rc_system(&sys);
	gmtime_r(&start, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	if (gethostname(host, sizeof(host) - 1))
		snprintf(host, sizeof(host), "localhost");
	sl_xml_start(w, "testsuites");
	int id = 0;
	for (int i = 0; i < n; i++) {
		int seen = 0;
		for (int j = 0; j < i && !seen; j++)
			seen = strcmp(c[j].suite, c[i].suite) == 0;
		if (!seen && write_suite(w, items, n, c, c[i].suite, id++, stamp, host, &sys))
			return -1;
	}
	for (int k = 0; k < ncolumns; k++)
		if (write_kernel_suite(w, items, n, c, &columns[k], id++, stamp, host))
			return -1;
	return 0;
}

int sl_junit_write(const char *path, const struct sl_report_item *items, int n)
{
	return sl_junit_write_columns(path, items, n, NULL, 0);
}

int sl_junit_write_columns(const char *path, const struct sl_report_item *items, int n,
			   const struct sl_report_column *columns, int ncolumns)
{
	struct case_info *cases = describe_cases(items, n);
	char *text = NULL;
	size_t len = 0;
	FILE *f = cases ? open_memstream(&text, &len) : NULL;
	int rc = -1;

	if (f) {
		struct sl_xml_writer w;
		sl_xml_begin(&w, f);
		rc = write_document(&w, items, n, cases, columns, ncolumns);
		if (sl_xml_finish(&w) < 0)
			rc = -1;
		if (fclose(f))
			rc = -1;
	}
	if (rc == 0)
		rc = sl_write_file_atomic(path, text, len);
	else
		errno = ENOMEM;         /* only memory runs out (input is cleaned) */
	int saved = errno;
	free(text);
	free(cases);
	errno = saved;
	return rc;
}
