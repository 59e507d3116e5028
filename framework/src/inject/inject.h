/* inject.h - fault injection by seccomp user notification (internal).
 *
 * A process whose step arms faults installs, once, a seccomp filter that
 * sends every call of the list below to a listener (SECCOMP_RET_USER_NOTIF,
 * SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
 * and passes the listener to the conductor over its channel.  The conductor
 * (the supervisor, inject.c) counts each armed process's calls and answers
 * each one: go on, fail with an errno, or a signal just before or just after
 * it.  Filters survive fork and exec, so children, static binaries and raw
 * syscall() users are covered; a process has at most one listener above it,
 * so a child of a supervised process is announced, not filtered again.
 * Every process a program starts is of its tree, with counts of its own,
 * however it was reparented: by its parent pids, or by the listener its
 * calls come on (docs/fault-injection.md).
 * docs/fault-injection.md says it all in prose.
 */
#ifndef SHMLIFE_INJECT_H
#define SHMLIFE_INJECT_H

#include <poll.h>
#include <stddef.h>
#include <sys/types.h>

#include "fault.h"
#include "shmlife/result.h"
#include "shmlife/scenario.h"


/* ---- in the process to be supervised (actor.c) -------------------------- */

/* Installs the filter in the calling process.  Returns the listener
 * (close-on-exec), or -1 with errno (EBUSY: a listener is above it already). */
int inject_install_filter(void);

/* ---- in the conductor: the supervisor ----------------------------------- */

/* Arms `faults` for step `step`: for the process `pid` itself, or (exec) for
 * the program its child will run, bound when the child announces itself.
 * Returns 0, or -1 with the reason in why. */
int inject_arm(int step, pid_t pid, int exec, const struct sl_fault *faults, int nfaults,
	       char *why, size_t len);
/* A process of the step in progress announced itself on the channel of the
 * actor `actor_pid`: `listener` is its new listener (taken over) or -1 when
 * it inherited one; err is why it could not be supervised (0: it is). */
void inject_announced(pid_t pid, pid_t actor_pid, int listener, int err);
/* poll() over fds (at most 10), answering the listeners' notifications meanwhile.
 * Returns when one of fds is ready (their count), at the timeout (0), or
 * -1 with errno.  timeout_ms < 0: no timeout. */
int inject_poll(struct pollfd *fds, int nfds, int timeout_ms);
/* What inject_step_end() reports: a line for people, and with the calls of
 * one process, their record (NULL for a fault that fired). */
typedef void (*inject_report_fn)(void *ctx, const char *text, const struct sl_calls_obs *calls);
/* Ends the faults of `step`: each thing to report (faults that fired, calls
 * counted) is passed to `report`.  Returns 0, or the errno that kept a
 * process of the step from being supervised. */
int inject_step_end(int step, inject_report_fn report, void *ctx);
/* Listeners being supervised (0: no process is supervised). */
int inject_listeners(void);

#endif
