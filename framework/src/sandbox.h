/* sandbox.h - the keeper process that puts a scenario in its own namespaces
 * (internal; see sandbox.c). */
#ifndef SHMLIFE_SANDBOX_H
#define SHMLIFE_SANDBOX_H

#include <sys/types.h>

#include "shmlife/run.h"

/* Runs in the child the harness forked; never returns.  `fd` is the write
 * end of the trace pipe.  SIGTERM makes it kill the whole scenario. */
void sl_sandbox_keeper(const struct sl_scenario *s, const struct sl_run_options *o, int fd,
		       pid_t harness) __attribute__((noreturn));

#endif
