/* report_tap.c - the TAP stream (report.h): the version line and plan, one
 * test point a scenario with a YAML diagnostic block for FAIL, BROK and
 * TIMEOUT, and the plain closing line CI reads.
 *
 * The version line says `TAP version 13`, which every prove accepts
 * (Test::Harness before 3.48, Debian 12's 3.44, rejects 14);
 * SHMLIFE_TAP_VERSION=14 in the environment (`shmlife run --tap-version=14`
 * sets it) says 14 instead: the stream is the same, it uses nothing that
 * version 13 lacks.  A comment after the plan names the system under test:
 * `# kernel: Linux 6.1.0-18-amd64 #1 SMP ... x86_64; libc: glibc 2.36`.
 */
#include <stdlib.h>
#include <string.h>

#include "report_common.h"

void sl_tap_begin(FILE *out, int planned)
{
	const char *v = getenv("SHMLIFE_TAP_VERSION");
	rc_note_run_start();
	fprintf(out, "TAP version %s\n", v && strcmp(v, "14") == 0 ? "14" : "13");
	fprintf(out, "1..%d\n", planned);
	struct rc_system sys;
	rc_system(&sys);
	char *kernel = rc_clean_utf8(sys.kernel, 1), *libc = rc_clean_utf8(sys.libc, 1);
	fprintf(out, "# kernel: %s; libc: %s\n", kernel ? kernel : "?", libc ? libc : "?");
	free(kernel);
	free(libc);
	fflush(out);
}

/* A description or directive reason: one line, `#` and `\` escaped. */
static void put_tap_text(FILE *out, const char *s)
{
	char *clean = rc_clean_utf8(s, 1);
	for (const char *p = clean ? clean : "?"; *p; p++) {
		if (*p == '\\' || *p == '#')
			fputc('\\', out);
		fputc(*p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p, out);
	}
	free(clean);
}

/* A YAML double-quoted scalar. */
static void put_yaml_string(FILE *out, const char *s)
{
	char *clean = rc_clean_utf8(s, 0);
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)(clean ? clean : "?"); *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p == '\t')
			fputs("\\t", out);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
	free(clean);
}

static void put_yaml_field(FILE *out, const char *indent, const char *key, const char *value)
{
	fprintf(out, "%s%s: ", indent, key);
	put_yaml_string(out, value);
	fputc('\n', out);
}

static void put_failed_step(FILE *out, const struct sl_report_item *it,
			    const struct sl_trace_entry *fail)
{
	const struct sl_scenario *s = it->scenario;
	int index = rc_failing_step(s, &it->result);
	const struct sl_step *st = s && index >= 0 && index < s->nsteps ? &s->steps[index] : NULL;
	char text[320];

	if (st) {
		fprintf(out, "  failed_step:\n    number: %d\n    line: %d\n", index + 1, st->line);
		put_yaml_field(out, "    ", "actor", rc_actor_name(s, st->actor));
		put_yaml_field(out, "    ", "text", rc_step_text(st));
		rc_expected_text(s, st, text, sizeof(text));
		put_yaml_field(out, "  ", "expected", text);
	}
	if (fail) {
		rc_observed_text(st, fail, text, sizeof(text));
		put_yaml_field(out, "  ", "observed", text);
		if (fail->detail[0]) {
			char detail[sizeof(fail->detail) + 1];
			snprintf(detail, sizeof(detail), "%.*s", (int)sizeof(fail->detail), fail->detail);
			put_yaml_field(out, "  ", "detail", detail);
		}
	} else if (st && it->result.outcome == SL_TIMEOUT) {
		put_yaml_field(out, "  ", "observed", "no answer before the deadline");
	}
}

static void put_yaml_block(FILE *out, const struct sl_report_item *it)
{
	const struct sl_result *r = &it->result;
	const struct sl_scenario *s = it->scenario;

	fputs("  ---\n", out);
	fprintf(out, "  outcome: %s\n", sl_outcome_name(r->outcome));
	if (r->reason[0]) {
		char reason[sizeof(r->reason) + 1];
		snprintf(reason, sizeof(reason), "%.*s", (int)sizeof(r->reason), r->reason);
		put_yaml_field(out, "  ", "reason", reason);
	}
	struct sl_trace_entry failing;
	if (r->outcome != SL_PASS && r->outcome != SL_SKIP)
		put_failed_step(out, it, rc_failing_entry(r, &failing));
	if (r->outcome != SL_PASS && r->outcome != SL_SKIP && r->noutputs) {
		fputs("  output: |\n", out); /* a literal block: every line indented below the key */
		rc_outputs_text(out, s, r, -1, 7, "    ", 2048);
	}
	if (s && s->file)
		put_yaml_field(out, "  ", "file", s->file);
	if (r->scratch[0]) {
		char kept[sizeof(r->scratch) + 1];
		snprintf(kept, sizeof(kept), "%.*s", (int)sizeof(r->scratch), r->scratch);
		put_yaml_field(out, "  ", "scratch", kept);
	}
	fprintf(out, "  duration_ms: %.3f\n", (double)r->duration_ns / 1e6);
	if (it->flaky)
		fputs("  flaky: true\n", out);
	if (it->attempts > 1)
		fprintf(out, "  attempts: %d\n", it->attempts);
	fputs("  ...\n", out);
}

void sl_tap_item(FILE *out, int number, const struct sl_report_item *it)
{
	char name[512];
	enum sl_outcome o = it->result.outcome;

	rc_item_name(it, name, sizeof(name));
	fprintf(out, "%s %d - ", o == SL_PASS || o == SL_SKIP ? "ok" : "not ok", number);
	put_tap_text(out, name);
	if (o == SL_SKIP) {
		fputs(" # SKIP ", out);
		put_tap_text(out, it->result.reason[0] ? it->result.reason : "requirements not met");
	}
	fputc('\n', out);
	if ((o != SL_PASS && o != SL_SKIP) || it->flaky)
		put_yaml_block(out, it);
	fflush(out);
}

void sl_tap_end(FILE *out, const struct sl_report_totals *t)
{
	fprintf(out, "%d passed, %d failed, %d skipped", t->passed, t->failed, t->skipped);
	if (t->broken)
		fprintf(out, ", %d broken", t->broken);
	if (t->timedout)
		fprintf(out, ", %d timed out", t->timedout);
	if (t->passed_on_retry)
		fprintf(out, ", %d passed on a retry", t->passed_on_retry);
	fputc('\n', out);
	fflush(out);
}
