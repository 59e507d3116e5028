/* test_conductor.c - the conductor's duties and its protocols (issue 12):
 * PID 1 reaps orphans and records their ends; unborn and ended actors are
 * errors of the step, never pid 0 or -1; answers on an actor's channel are
 * matched to their requests (a late one is recorded and discarded); set-up
 * failures are BROK where they happen; starting a scenario is safe from a
 * multi-threaded caller; found processes and programs not found are named as
 * such.  Each test is the reproducer of one item, written from a script. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine_fixture.h"
#include "shmlife/parse.h"

/* ---- helpers ------------------------------------------------------------------ */

static struct sl_scenario *parse_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static struct sl_scenario *parse_ok(const char *fmt, ...)
{
	char *text = NULL;
	va_list ap;
	va_start(ap, fmt);
	cr_assert_geq(vasprintf(&text, fmt, ap), 0);
	va_end(ap);
	struct sl_diags d = { 0 };
	struct sl_scenario *s = sl_parse_string(text, "t.scn", &d);
	if (!s)
		sl_diags_print(&d, stderr);
	sl_diags_free(&d);
	free(text);
	cr_assert_not_null(s, "the script parses");
	return s;
}

/* A fresh directory for files the scenario's processes share with the test. */
static char *scratch_dir(void)
{
	static char dir[] = "/tmp/shmlife-test-conductor-XXXXXX";
	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	return dir;
}

/* The first event of the trace whose detail contains `needle`, or NULL. */
static const struct sl_trace_entry *event_with(const struct sl_result *r, const char *needle)
{
	for (int i = 0; i < r->ntrace; i++)
		if (r->trace[i].kind == SL_ENTRY_EVENT && strstr(r->trace[i].detail, needle))
			return &r->trace[i];
	return NULL;
}

static void dump_trace(const struct sl_result *r)
{
	for (int i = 0; i < r->ntrace; i++)
		fprintf(stderr, "  [%d] kind %d step %d verdict %s: %s\n", i, r->trace[i].kind, r->trace[i].step,
			sl_outcome_name(r->trace[i].verdict), r->trace[i].detail);
}

/* ---- 1. PID 1 reaps orphans ------------------------------------------------------ */

/* The reproducer: a shell's background job outlives the shell, comes
 * to PID 1 and ends; a zombie would still answer kill -0. */
Test(orphans, an_orphan_that_ended_is_gone_not_a_zombie)
{
	char *dir = scratch_dir();
	struct sl_scenario *s = parse_ok("scenario orphan-reaped\n"
					 "actors: a\n"
					 "a exec /bin/sh -c \"sleep 0.2 & echo $! > %s/orphan.pid\"\n"
					 "a exec /bin/sleep 1\n"
					 "a exec /bin/sh -c \"! kill -0 $(cat %s/orphan.pid)\"\n",
					 dir, dir);
	struct sl_result r = run_scenario(s, 5000);
	if (r.outcome != SL_PASS)
		dump_trace(&r);
	assert_passed(r);
	const struct sl_trace_entry *e = event_with(&r, "orphan");
	cr_assert_not_null(e, "the orphan's end is in the trace");
	cr_assert_gt(e->pid, 1);
	cr_assert(strstr(e->detail, "(sleep)"), "its comm is named: %s", e->detail);
	cr_assert(strstr(e->detail, "exited with status 0"), "its status is named: %s", e->detail);
	cr_assert_eq(e->exited, 1);
	cr_assert_eq(e->exit_status, 0);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* start-stop-daemon --stop --retry: signal a daemon (an orphan), then wait
 * until it is gone.  With a zombie left by PID 1 the wait never ends. */
Test(orphans, a_killed_orphan_is_reaped_while_a_step_waits_for_it_and_its_signal_recorded)
{
	char *dir = scratch_dir();
	struct sl_scenario *s = parse_ok("scenario orphan-killed\n"
					 "actors: a\n"
					 "a exec /bin/sh -c \"sleep 30 & echo $! > %s/daemon.pid\"\n"
					 "a exec /bin/sh -c \"p=$(cat %s/daemon.pid); kill -TERM $p; "
					 "while kill -0 $p 2>/dev/null; do sleep 0.01; done\"\n",
					 dir, dir);
	struct sl_result r = run_scenario(s, 5000);
	if (r.outcome != SL_PASS)
		dump_trace(&r);
	assert_passed(r);
	const struct sl_trace_entry *e = event_with(&r, "orphan");
	cr_assert_not_null(e, "the orphan's end is in the trace");
	cr_assert(strstr(e->detail, "(sleep)"), "its comm is named: %s", e->detail);
	cr_assert(strstr(e->detail, "killed by SIGTERM"), "its signal is named: %s", e->detail);
	cr_assert_eq(e->signal, SIGTERM);
	sl_result_free(&r);
	sl_scenario_free(s);
}
