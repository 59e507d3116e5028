/* explore.h - crash-point exploration: `shmlife explore SCENARIO`.
 *
 * A scenario declares invariants: steps (expectations, or operations of an
 * actor with their outcome) that must hold however its processes crash, and
 * implicitly "no segment is leaked" (unless `leak: expected`).  sl_explore()
 * runs the scenario once without a crash (the baseline, which also counts
 * the calls of every exec'd program), then once for each crash point:
 *
 *   - each step of an actor: the actor is killed (SIGKILL) instead of
 *     performing it;
 *   - each call an exec'd program made in the baseline (shmget, shmat, ...,
 *     open, mmap: see scenario.h), call number N of each: the program is
 *     killed just before it, and just after it (not after fork).
 *
 * Every run is a keep-going run (scenario.h): the crashed actor's later
 * steps are skipped, the other actors' steps go on and what goes otherwise
 * is recorded, not fatal.  After the last step, with the survivors still
 * alive, the invariants are judged in the order written (an invariant
 * performed by an actor that has ended does not apply); then every process
 * is killed and the leak check looks for segments left in the namespace.
 *
 * For every crash point that breaks an invariant a reproducing script is
 * written (when the scenario came from a file and a report directory is
 * given): the script with `keep-going` and the crash made explicit (a
 * `crash SIGKILL` line, or an `inject ... signal=SIGKILL` clause).
 */
#ifndef SHMLIFE_EXPLORE_H
#define SHMLIFE_EXPLORE_H

#include <stdio.h>

#include "shmlife/result.h"
#include "shmlife/run.h"
#include "shmlife/scenario.h"

enum sl_crash_kind {
	SL_CRASH_NONE,          /* the baseline                                 */
	SL_CRASH_STEP,          /* the actor is killed instead of the step      */
	SL_CRASH_CALL_BEFORE,   /* the step's program, just before its Nth call */
	SL_CRASH_CALL_AFTER,    /* ... just after it                            */
};

struct sl_crash_point {
	enum sl_crash_kind kind;
	int step;               /* index in the scenario's steps               */
	int actor;
	int syscall_nr;         /* CALL_*: the call (as in sl_fault)           */
	int nth;                /* CALL_*: its number, from 1                  */
	char comm[16];          /* CALL_*: in the processes of this name of the
				 * program's tree ("": the program's and every
				 * process it starts, as a fault without comm=) */
	char parent_comm[16];   /* CALL_*: the parent of the first such process */
	int in_child;           /* CALL_*: not the program itself but a process
				 * it started (child, grandchild, reparented) */
	int processes;          /* CALL_*: how many processes had that name in
				 * the baseline (each dies at its own call N) */
};

struct sl_explore_point {
	struct sl_crash_point at;
	enum sl_outcome run;    /* the run's own outcome: BROK or TIMEOUT make it inconclusive */
	enum sl_outcome *held;  /* per invariant: PASS held, FAIL broken, SKIP did not apply */
	int broken;             /* how many invariants it breaks               */
	char detail[240];       /* what the first broken invariant saw         */
	char *script;           /* the reproducing script written, or NULL     */
};

struct sl_explore_result {
	char **names;           /* the invariants; "no-leak" last unless leaks are expected */
	int ninvariants;
	struct sl_explore_point baseline;
	struct sl_explore_point *points;
	int npoints;
	int nbroken;            /* crash points that break an invariant        */
	int ninconclusive;      /* crash points whose run was BROK or TIMEOUT  */
};

struct sl_explore_options {
	struct sl_run_options run;
	const char *report_dir; /* where reproducing scripts go; NULL: nowhere */
	unsigned calls;         /* bit i: explore calls of sl_fault_call_at(i); 0: every call */
	int steps_only;         /* 1: no crash points inside programs' calls    */
	FILE *progress;         /* a line per run, or NULL                     */
};

/* The defaults: every crash point, steps and calls, no reports, no
 * progress, the run options of sl_run_options_default. */
void sl_explore_options_default(struct sl_explore_options *o);

/* Runs the exploration.  Returns 0 and fills r (free it with
 * sl_explore_result_free) however the runs went; -1 with errno if it could
 * not run at all. */
int sl_explore(const struct sl_scenario *s, const struct sl_explore_options *o, struct sl_explore_result *r);
void sl_explore_result_free(struct sl_explore_result *r);

/* The table: the baseline and one line per crash point, with what it
 * breaks and the script that reproduces it; then a summary line. */
void sl_explore_print(FILE *out, const struct sl_scenario *s, const struct sl_explore_result *r);
/* "app killed by SIGKILL just after shmat call 1 of step 2 (line 7)" */
void sl_crash_point_describe(const struct sl_scenario *s, const struct sl_crash_point *p, char *buf,
			     size_t len);


#endif
