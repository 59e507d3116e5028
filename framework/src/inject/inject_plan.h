/* inject_plan.h - what the supervisor keeps of each armed process
 * (internal to the inject stage): its step, its role in the step's tree,
 * its calls counted by kind, and the faults that fired.  inject.c keeps
 * and fills the plans; inject_describe.c tells them at the end of a step;
 * inject_signal.c reads a caller's signal state.
 */
#ifndef SHMLIFE_INJECT_PLAN_H
#define SHMLIFE_INJECT_PLAN_H

#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/types.h>

#include "fault.h"
#include "shmlife/result.h"
#include "shmlife/scenario.h"

#define INJECT_MAX_FIRED 8

struct fired {
	int call;
	unsigned nth;
	enum sl_fault_kind kind;
	int value;                       /* errno or signal                    */
	int missed;                      /* the process was gone before the answer */
	int held;                        /* signal before: 0 delivered, 'b' blocked, 'i' ignored */
};

struct plan {
	pid_t pid;                       /* the process (thread group id)      */
	int step;
	enum { PLAN_ACTOR, PLAN_PROGRAM, PLAN_CHILD, PLAN_WAITING } role;
	int renamed;                     /* a closed record: the process took the
					  * name `became` (exec, PR_SET_NAME) and
					  * its plan goes on, counted afresh */
	char became[16];
	pid_t parent;                    /* PLAN_CHILD: its parent when first seen,
					  * 0 if it had been reparented already;
					  * PLAN_WAITING: the actor whose child is awaited */
	char comm[16];                   /* PLAN_PROGRAM, PLAN_CHILD: its name at its last call */
	char parent_comm[16];            /* PLAN_CHILD: the parent's, "" unknown */
	int listener;                    /* PLAN_PROGRAM: the listener its calls came on, -1 none yet */
	const struct sl_fault *faults;   /* the step's, owned by the scenario  */
	int nfaults;
	unsigned calls[IC__COUNT];
	/* the call a signal-before sent back to be restarted: not counted twice */
	int restart_pending;
	struct seccomp_data restart;
	struct fired fired[INJECT_MAX_FIRED];
	int nfired, more_fired;
};

/* "inject: pid 12: shmget call 1: failed with ENOMEM; the call did not run" */
void inject_describe_fired(const struct plan *p, const struct fired *x, char *buf, size_t len);
/* "inject: calls of pid 12 (postgres, program of step 3): shmget=1 ..." */
void inject_describe_calls(const struct plan *p, char *buf, size_t len);
/* The same as a record (SL_OBS_CALLS), for explore. */
void inject_calls_record(const struct plan *p, struct sl_calls_obs *o);

/* inject_signal.c.  What `sig` sent now to thread `tid` of `tgid` would do
 * to its call, in *fate: 0 interrupt it (deliver, stop or kill), 'b' stay
 * pending (blocked in that thread), 'i' vanish (ignored, explicitly or by
 * default).  0, or -1 when the thread's status cannot be read (*fate 0). */
int inject_signal_fate(pid_t tgid, pid_t tid, int sig, int *fate);
/* Until `pid` is stopped or gone, bounded (2 s): a stop is taken
 * microseconds after the call it was sent in is answered. */
void inject_wait_stopped(pid_t pid);

#endif
