/* record_fd.h - a scenario handed to a program of shmlife's that the engine
 * execs (valgrind's conductor, `__conductor`; a big group's spawner,
 * `__spawner`): as a record (scenario_record.h) in a memfd that survives
 * the exec, nothing on disk to remove and nothing another process can
 * change (internal).
 *
 *   int fd = sl_record_memfd(s);              // before the exec
 *   ... exec, with fd's number as an argument ...
 *   struct sl_scenario *copy = sl_record_from_fd(fd, why, sizeof(why));
 */
#ifndef SHMLIFE_RECORD_FD_H
#define SHMLIFE_RECORD_FD_H

#include <stddef.h>

#include "shmlife/scenario.h"

/* s as a record in a new memfd, not closed on exec: its descriptor, or -1
 * with errno. */
int sl_record_memfd(const struct sl_scenario *s);

/* The scenario the record in descriptor fd holds (fd is closed; the caller
 * frees the scenario with sl_scenario_free), or NULL with why. */
struct sl_scenario *sl_record_from_fd(int fd, char *why, size_t len);

#endif
