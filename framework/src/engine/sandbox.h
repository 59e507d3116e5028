/* sandbox.h - starting a scenario's conductor in its own namespaces
 * (internal; see sandbox.c). */
#ifndef SHMLIFE_SANDBOX_H
#define SHMLIFE_SANDBOX_H

#include <sys/types.h>

#include "shmlife/run.h"

/* Starts the conductor of `s`, a child of the caller and PID 1 of new IPC,
 * PID and mount namespaces (and network, loopback up, as
 * sl_sandbox_namespaces() says), with `scratch` (NULL: none) as SHMLIFE_TMP and
 * TMPDIR in its environment, bound with its actors to `cpu` (cpu.h; -1: not
 * bound), which streams its trace into `fd` (the write end
 * of the trace pipe; the caller closes its copy).  Killing it kills the
 * whole scenario.  Returns its pid, or -1 when it could not be started: then
 * *outcome (SL_SKIP: no namespaces here; SL_BROK: out of processes or
 * memory) and `why` say what the scenario's result is. */
pid_t sl_sandbox_start(const struct sl_scenario *s, const struct sl_run_options *o, int fd, const char *scratch,
		       int cpu, enum sl_outcome *outcome, char *why, size_t len);

/* The CLONE_NEW* flags of the scenario's namespaces: IPC, PID and mount
 * always, user when `user_ns`, network when a step runs a program (`exec`)
 * and the scenario does not say `network: host`.  Shmlife's own steps never
 * touch the network, and a network namespace is the dearest to make and to
 * free (about 0.5 ms each here, and the kernel frees it later, on a
 * worker that competes with the next scenarios). */
int sl_sandbox_namespaces(const struct sl_scenario *s, int user_ns);


#endif
