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

/* Runs items[0..n) (scenario and repeat set; result is filled), `parallel`
 * at a time.  Returns 0, or the signal that stopped the run: items that were
 * running are then BROK, items not started SKIP, both saying so. */
int runner_run(struct sl_report_item *items, int n, int parallel, const struct sl_run_options *o,
	       const struct runner_hooks *h);

#endif
