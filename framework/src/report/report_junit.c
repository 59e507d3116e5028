/* report_junit.c - junit.xml (report.h), with libxml2's xmlTextWriter.
 *
 * One <testsuite> per directory holding scenario scripts: the suite is the
 * last component of the script's directory (`scenarios/daemons/x.scn` is in
 * suite `daemons`), dots made underscores, `top` for scripts given in the
 * current directory.  Test cases are `shmlife.<suite>` / `<name>[#k]`, made
 * unique within a suite by ` (2)`, ` (3)` ... if names clash.  FAIL and
 * TIMEOUT are <failure type=...>, BROK is <error>, SKIP is <skipped>; bodies
 * hold the trace as text.  Strings are made valid XML 1.0 first: control
 * bytes and bytes that are not UTF-8 are written as the text \xNN.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlwriter.h>

#include "report_common.h"

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
static int attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	char *clean = rc_clean_utf8(value, 1);
	int rc = clean ? xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST clean) : -1;
	free(clean);
	return rc < 0 ? -1 : 0;
}

static int attr_int(xmlTextWriterPtr w, const char *name, int value)
{
	return xmlTextWriterWriteFormatAttribute(w, BAD_CAST name, "%d", value) < 0 ? -1 : 0;
}

static int attr_seconds(xmlTextWriterPtr w, const char *name, uint64_t ns)
{
	return xmlTextWriterWriteFormatAttribute(w, BAD_CAST name, "%.3f", (double)ns / 1e9) < 0 ? -1 : 0;
}

static int counts(xmlTextWriterPtr w, const struct sl_report_item *items, int n,
		  const struct case_info *c, const char *suite)
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

static int write_outcome(xmlTextWriterPtr w, const struct sl_report_item *it)
{
	const struct sl_result *r = &it->result;
	char reason[sizeof(r->reason) + 1];
	const char *element = r->outcome == SL_BROK ? "error" : "failure";
	char *body;
	int rc;

	snprintf(reason, sizeof(reason), "%.*s", (int)sizeof(r->reason), r->reason);
	if (r->outcome == SL_PASS)
		return 0;
	if (r->outcome == SL_SKIP) {
		if (xmlTextWriterStartElement(w, BAD_CAST "skipped") < 0 || attr(w, "message", reason))
			return -1;
		return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
	}
	if (xmlTextWriterStartElement(w, BAD_CAST element) < 0 || attr(w, "message", reason) ||
	    attr(w, "type", sl_outcome_name(r->outcome)))
		return -1;
	body = failure_body(it);
	rc = body ? xmlTextWriterWriteString(w, BAD_CAST body) : -1;
	free(body);
	if (rc < 0)
		return -1;
	return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

/* <system-out> (stream 1: the flaky note and the programs' stdout) or
 * <system-err> (2: their stderr), if there is anything to say. */
static int write_system_stream(xmlTextWriterPtr w, const struct sl_report_item *it, int stream)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m)
		return -1;
	if (stream == 1 && it->flaky)
		fputs("flaky: the outcome differed between repetitions\n", m);
	rc_outputs_text(m, it->scenario, &it->result, -1, stream == 1 ? 1 | 4 : 2, "", 0); /* the terminal with stdout */
	if (fclose(m) != 0) {
		free(text);
		return -1;
	}
	int rc = 0;
	if (len) {
		char *clean = rc_clean_utf8(text, 0);
		rc = !clean || xmlTextWriterWriteElement(w, BAD_CAST(stream == 1 ? "system-out" : "system-err"),
							  BAD_CAST clean) < 0 ? -1 : 0;
		free(clean);
	}
	free(text);
	return rc;
}

static int write_case(xmlTextWriterPtr w, const struct sl_report_item *it, const struct case_info *c)
{
	char classname[sizeof(c->suite) + 8];

	snprintf(classname, sizeof(classname), "shmlife.%s", c->suite);
	if (xmlTextWriterStartElement(w, BAD_CAST "testcase") < 0 || attr(w, "classname", classname) ||
	    attr(w, "name", c->name) ||
	    (it->scenario && it->scenario->file && attr(w, "file", it->scenario->file)) ||
	    attr_seconds(w, "time", it->result.duration_ns) || write_outcome(w, it))
		return -1;
	if (write_system_stream(w, it, 1) < 0 || write_system_stream(w, it, 2) < 0)
		return -1;
	return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

/* The system under test, as the suite's <properties> (its first child). */
static int write_properties(xmlTextWriterPtr w, const struct rc_system *sys)
{
	const char *names[] = { "kernel", "libc" }, *values[] = { sys->kernel, sys->libc };

	if (xmlTextWriterStartElement(w, BAD_CAST "properties") < 0)
		return -1;
	for (int i = 0; i < 2; i++)
		if (xmlTextWriterStartElement(w, BAD_CAST "property") < 0 || attr(w, "name", names[i]) ||
		    attr(w, "value", values[i]) || xmlTextWriterEndElement(w) < 0)
			return -1;
	return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

static int write_suite(xmlTextWriterPtr w, const struct sl_report_item *items, int n,
		       const struct case_info *c, const char *suite, const char *stamp,
		       const char *host, const struct rc_system *sys)
{
	if (xmlTextWriterStartElement(w, BAD_CAST "testsuite") < 0 || attr(w, "name", suite) ||
	    counts(w, items, n, c, suite) || attr(w, "timestamp", stamp) || attr(w, "hostname", host) ||
	    write_properties(w, sys))
		return -1;
	for (int i = 0; i < n; i++)
		if (strcmp(c[i].suite, suite) == 0 && write_case(w, &items[i], &c[i]))
			return -1;
	return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

static int write_document(xmlTextWriterPtr w, const struct sl_report_item *items, int n,
			  const struct case_info *c)
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
	if (xmlTextWriterSetIndent(w, 1) < 0 ||
	    xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElement(w, BAD_CAST "testsuites") < 0 || attr(w, "name", "shmlife") ||
	    counts(w, items, n, c, NULL))
		return -1;
	for (int i = 0; i < n; i++) {
		int seen = 0;
		for (int j = 0; j < i && !seen; j++)
			seen = strcmp(c[j].suite, c[i].suite) == 0;
		if (!seen && write_suite(w, items, n, c, c[i].suite, stamp, host, &sys))
			return -1;
	}
	return xmlTextWriterEndDocument(w) < 0 ? -1 : 0;
}

int sl_junit_write(const char *path, const struct sl_report_item *items, int n)
{
	struct case_info *cases = describe_cases(items, n);
	xmlBufferPtr buf = cases ? xmlBufferCreate() : NULL;
	xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
	int rc = -1;

	if (w) {
		rc = write_document(w, items, n, cases);
		xmlFreeTextWriter(w);   /* flushes into buf */
	}
	if (rc == 0)
		rc = sl_write_file_atomic(path, xmlBufferContent(buf), (size_t)xmlBufferLength(buf));
	else
		errno = ENOMEM;         /* the writer only fails to allocate (input is cleaned) */
	int saved = errno;
	if (buf)
		xmlBufferFree(buf);
	free(cases);
	errno = saved;
	return rc;
}
