/* engine_fixture.h - helpers shared by the engine's Criterion tests: build a
 * scenario in C, run it against the real kernel, find entries in its trace. */
#ifndef SHMLIFE_TEST_ENGINE_FIXTURE_H
#define SHMLIFE_TEST_ENGINE_FIXTURE_H

#include <criterion/criterion.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include "shmlife/build.h"
#include "shmlife/parse.h"
#include "shmlife/run.h"
#include "support/trace_entry.h"

/* Runs s with a short step timeout; the result must be freed. */
static inline struct sl_result run_scenario(const struct sl_scenario *s, int step_timeout_ms)
{
	struct sl_run_options o;
	sl_run_options_default(&o);
	if (step_timeout_ms)
		o.step_timeout_ms = step_timeout_ms;
	struct sl_result r;
	cr_assert_eq(sl_run(s, &o, &r), 0, "sl_run could not start");
	return r;
}

/* The trace entry of step `step`, or NULL. */
static inline const struct sl_trace_entry *entry_of(const struct sl_result *r, int step)
{
	struct sl_trace_entry e;
	for (int i = 0; i < r->ntrace; i++)
		if (sl_result_entry(r, i, &e)->kind == SL_ENTRY_STEP && e.step == step)
			return test_keep(&e);
	return NULL;
}

/* Parses a script given as text; it must parse (the first diagnostic is
 * the failure's message).  Free with sl_scenario_free. */
static inline struct sl_scenario *parse_scenario(const char *text)
{
	struct sl_diags d;
	memset(&d, 0, sizeof(d));
	struct sl_scenario *s = sl_parse_string(text, "t.scn", &d);
	cr_assert_not_null(s, "%s", d.n ? d.v[0].msg : "?");
	sl_diags_free(&d);
	return s;
}

/* Index of the step added last (step pointers move when steps are added). */
#define LAST_STEP(s) ((s)->nsteps - 1)

/* PASS, or, for a plain user, a SKIP that the engine gave for want of root
 * (an actor with another uid): then the test case is skipped with that
 * reason.  As root a SKIP fails the case. */
#define assert_passed(r)                                                                                  \
	do {                                                                                              \
		if ((r).outcome == SL_SKIP && geteuid() != 0)                                             \
			cr_skip_test("as a plain user the engine skipped it: %s", (r).reason);           \
		cr_assert_eq((r).outcome, SL_PASS, "outcome %s: %s", sl_outcome_name((r).outcome), (r).reason); \
	} while (0)

#endif
