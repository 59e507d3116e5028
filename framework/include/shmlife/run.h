/* run.h - running scenarios against the real kernel.
 *
 * sl_run() runs one scenario and returns when it has ended, whatever way it
 * ended.  The scenario runs in a forked child that enters new IPC, PID and
 * mount namespaces; its conductor is PID 1 there, so that when it ends every
 * process of the scenario (daemons included) is killed by the kernel, and
 * the namespace with its segments is gone.  The host's segments are never
 * seen.
 *
 * For parallel runs, sl_job_start() / sl_job_fd() / sl_job_pump() /
 * sl_job_finish() expose the same machinery one scenario at a time, so a
 * caller can poll() many jobs at once.
 */
#ifndef SHMLIFE_RUN_H
#define SHMLIFE_RUN_H

#include "shmlife/result.h"
#include "shmlife/scenario.h"

struct sl_run_options {
	int step_timeout_ms;         /* per step unless the scenario says; 0 = 5000 */
	int scenario_timeout_ms;     /* whole scenario; 0 = 30000              */
	int observe_every_step;      /* take a full segment snapshot after each step */
	const char *valgrind;        /* non-NULL: run actors under memcheck, XML files here */
	int quiet;
};

void sl_run_options_default(struct sl_run_options *o);

/* Runs `s` to its end.  Returns 0 and fills `r` (sl_result_init'ed by the
 * callee; free with sl_result_free) whatever the outcome; -1 only if the
 * harness itself could not start (errno set).  Requirements not met give
 * SL_SKIP with the reason. */
int sl_run(const struct sl_scenario *s, const struct sl_run_options *o, struct sl_result *r);

/* Why this machine cannot run `s` (requirements), or NULL if it can. */
const char *sl_requirements_unmet(const struct sl_scenario *s, char *buf, size_t len);

/* Can this machine make a scenario's sandbox at all (IPC, PID and mount
 * namespaces; as a plain user, a user namespace to be root in)?  Tries it in
 * a child process, which exits at once.  Returns 0 if it can; -1 with what
 * the machine lacks in `why` (one line) if not.  Safe to call from any
 * thread; it forks.  The harness calls it once before running anything:
 *
 *     char why[256];
 *     if (sl_sandbox_probe(why, sizeof(why)) < 0)
 *             fprintf(stderr, "shmlife: %s\n", why);
 */
int sl_sandbox_probe(char *why, size_t len);

/* A running scenario. */
struct sl_job;
struct sl_job *sl_job_start(const struct sl_scenario *s, const struct sl_run_options *o);
int sl_job_fd(const struct sl_job *j);             /* poll() it for POLLIN     */
int64_t sl_job_deadline_ms(const struct sl_job *j); /* CLOCK_MONOTONIC ms      */
/* Reads what the conductor sent.  Returns 1 while running, 0 once ended. */
int sl_job_pump(struct sl_job *j);
/* What the job has received so far (trace, namespaces); valid until the next
 * pump or finish. */
const struct sl_result *sl_job_peek(const struct sl_job *j);
/* Kills it if still running (TIMEOUT), reaps it, hands its result over.
 * The job is freed. */
void sl_job_finish(struct sl_job *j, struct sl_result *r);

#endif
