/* sandbox.h - starting a scenario's conductor in its own namespaces
 * (internal; see sandbox.c). */
#ifndef SHMLIFE_SANDBOX_H
#define SHMLIFE_SANDBOX_H

#include <sys/types.h>

#include "shmlife/run.h"

/* Starts the conductor of `s`, a child of the caller and PID 1 of new IPC,
 * PID and mount namespaces (and network, loopback up, unless the scenario
 * says `network: host`), with `scratch` (NULL: none) as SHMLIFE_TMP and
 * TMPDIR in its environment, which streams its trace into `fd` (the write end
 * of the trace pipe; the caller closes its copy).  Killing it kills the
 * whole scenario.  Returns its pid, or -1 when it could not be started: then
 * *outcome (SL_SKIP: no namespaces here; SL_BROK: out of processes or
 * memory) and `why` say what the scenario's result is. */
pid_t sl_sandbox_start(const struct sl_scenario *s, const struct sl_run_options *o, int fd, const char *scratch,
		       enum sl_outcome *outcome, char *why, size_t len);


#endif
