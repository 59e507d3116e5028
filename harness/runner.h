/* runner.h - the parallel pool: up to N scenarios at once in one process,
 * their jobs (run.h) polled together, each finished when it ends or when
 * its deadline passes (then it is TIMEOUT).  SIGINT, SIGTERM, SIGHUP and
 * SIGPIPE stop the run: running jobs are finished (killed), and every item
 * still gets a result. */
#ifndef SHMLIFE_HARNESS_RUNNER_H
#define SHMLIFE_HARNESS_RUNNER_H

#include "shmlife/report.h"
#include "shmlife/run.h"

struct runner_hooks {
	void (*started)(void *ctx, int index);  /* may be NULL */
	void (*finished)(void *ctx, int index); /* items[index].result is final */
	void *ctx;
};

/* Stop signals.  runner_note_start() is called first in main(): a stop
 * signal ignored then (nohup) stays ignored.  runner_catch_signals() makes
 * the others stop the run instead of killing the harness (a second one while
 * stopping kills it at once); runner_release_signals() restores them.  The
 * pair nests: a command holds them from its start until its reports are
 * written, so a ^C at any moment still leaves complete reports.
 * runner_stop_signal() is the first signal caught since the outermost catch,
 * or 0.  runner_test_raise(MOMENT) raises the signal that the environment
 * variable SHMLIFE_TEST_RAISE=SIGNAME@MOMENT names (for tests: MOMENT is
 * "run", as the pool starts, or "reports", as a command starts writing). */
void runner_note_start(void);
void runner_catch_signals(void);
void runner_release_signals(void);
int runner_stop_signal(void);
/* From a hook of runner_run(): start nothing more; what runs finishes, what
 * has not started is SKIP, `not run: WHY` (--fail-fast). */
void runner_stop_starting(const char *why);
/* --retries N: a scenario that FAILs, is BROK or TIMEs OUT is run again, up
 * to N more times, before it is finished; one that then passes is PASS with
 * flaky set, attempts, and the reason `passed on attempt K; attempt 1: ...`. */
void runner_set_retries(int n);
void runner_test_raise(const char *moment);

/* Runs items[0..n) (scenario and repeat set; result is filled), `parallel`
 * at a time.  Returns 0, or the signal that stopped the run (also one caught
 * before it started, under an outer runner_catch_signals()): items that were
 * running are then BROK, items not started SKIP, both saying so. */
int runner_run(struct sl_report_item *items, int n, int parallel, const struct sl_run_options *o,
	       const struct runner_hooks *h);

#endif
