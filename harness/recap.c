/* recap.c - the end of a run for people (recap.h):
 *
 *   2 of 5 did not pass:
 *     FAIL     rmid-twice-succeeds  tests/failing/rmid-twice-succeeds.scn:10  line 10: ...
 *     TIMEOUT  hangs  tests/failing/hangs.scn:3  scenario did not finish within 300 ms
 *   flaky:
 *     FLAKY    fails-first  x.scn:4  passed on attempt 2; attempt 1: FAIL: ...
 *   2 passed, 1 failed, 0 skipped, 1 timed out, 1 passed on a retry
 *
 * A repetition is `name#k`; a flaky scenario is listed with its outcomes.
 * The line is the failing step's, else the scenario header's. */
#include <string.h>

#include "cli_util.h"
#include "recap.h"
#include "term.h"

static int listed(const struct sl_report_item *it, int verbose)
{
	enum sl_outcome o = it->result.outcome;
	return o == SL_FAIL || o == SL_BROK || o == SL_TIMEOUT || (verbose && o == SL_SKIP);
}

static int item_line(const struct sl_report_item *it)
{
	const struct sl_scenario *s = it->scenario;
	int step = it->result.failed_step;
	if (s && step >= 0 && step < s->nsteps && s->steps[step].line > 0)
		return s->steps[step].line;
	return s ? s->line : 0;
}

/* `  WORD     name  file:line  reason`, WORD in the colour of outcome o. */
static void put_item(FILE *out, const struct sl_report_item *it, int color, const char *word, enum sl_outcome o)
{
	const struct sl_scenario *s = it->scenario;
	char reason[sizeof(it->result.reason) + 1];

	fprintf(out, "  %s%s%s%*s ", term_outcome_on(color, o), word, term_off(color), 8 - (int)strlen(word), "");
	cli_put_one_line(out, s && s->name ? s->name : "?");
	if (it->repeat > 0)
		fprintf(out, "#%d", it->repeat + 1);
	fputs("  ", out);
	cli_put_one_line(out, s && s->file ? s->file : "(built in C)");
	fprintf(out, ":%d  ", item_line(it));
	snprintf(reason, sizeof(reason), "%.*s", (int)sizeof(it->result.reason), it->result.reason);
	cli_put_one_line(out, reason[0] ? reason : "(no reason given)");
	fputc('\n', out);
}

/* The flaky scenarios: `  FLAKY    name  PASS FAIL PASS` (--repeat), or
 * `  FLAKY    name  file:line  passed on attempt 2; attempt 1: FAIL: ...`
 * (--retries). */
static int put_flaky(FILE *out, const struct sl_report_item *items, int n, int color)
{
	int count = 0;
	for (int first = 0, end; first < n; first = end) {
		for (end = first + 1; end < n && items[end].scenario == items[first].scenario; end++)
			;
		int retried = 0, repeated = 0;
		for (int i = first; i < end; i++) {
			retried |= sl_report_passed_on_retry(&items[i]);
			repeated |= items[i].flaky && !sl_report_passed_on_retry(&items[i]);
		}
		if (repeated) {
			count++;
			fprintf(out, "  %sFLAKY%s    ", term_outcome_on(color, SL_TIMEOUT), term_off(color));
			cli_put_one_line(out, items[first].scenario->name);
			fputc(' ', out);
			for (int i = first; i < end; i++)
				fprintf(out, " %s", sl_outcome_name(items[i].result.outcome));
			fputc('\n', out);
		}
		for (int i = first; retried && i < end; i++)
			if (sl_report_passed_on_retry(&items[i])) {
				count++;
				put_item(out, &items[i], color, "FLAKY", SL_TIMEOUT);
			}
	}
	return count;
}

static int count_flaky(const struct sl_report_item *items, int n)
{
	int flaky = 0;
	for (int i = 0; i < n; i++)
		flaky += sl_report_passed_on_retry(&items[i]) ||
			 (items[i].flaky && (i == 0 || items[i - 1].scenario != items[i].scenario));
	return flaky;
}

int recap_print(FILE *out, const struct sl_report_item *items, int n, const struct recap_style *st)
{
	int bad = 0, flaky = count_flaky(items, n);
	for (int i = 0; i < n; i++)
		bad += listed(&items[i], st->verbose);
	if (bad) {
		fprintf(out, "%d of %d did not pass%s:\n", bad, n, st->verbose ? " or were skipped" : "");
		for (int i = 0; i < n; i++)
			if (listed(&items[i], st->verbose))
				put_item(out, &items[i], st->color, sl_outcome_name(items[i].result.outcome),
					 items[i].result.outcome);
	}
	if (flaky) {
		fprintf(out, "flaky:\n");
		put_flaky(out, items, n, st->color);
	}
	if (st->counts) {
		struct sl_report_totals t;
		sl_report_totals(items, n, &t);
		fprintf(out, "%s%d passed%s, %s%d failed%s, %d skipped", term_outcome_on(st->color && t.passed, SL_PASS),
			t.passed, term_off(st->color && t.passed), term_outcome_on(st->color && t.failed, SL_FAIL),
			t.failed, term_off(st->color && t.failed), t.skipped);
		if (t.broken)
			fprintf(out, ", %d broken", t.broken);
		if (t.timedout)
			fprintf(out, ", %d timed out", t.timedout);
		if (t.passed_on_retry)
			fprintf(out, ", %d passed on a retry", t.passed_on_retry);
		fputc('\n', out);
	}
	fflush(out);
	return bad + flaky;
}
