/* scratch.h - a scenario's scratch folder (internal): an empty directory of
 * its own, made before the scenario starts and removed, with all in it,
 * when it ends (scratch.c; sl_run_options.scratch_root, keep_scratch). */
#ifndef SHMLIFE_SCRATCH_H
#define SHMLIFE_SCRATCH_H

#include <stddef.h>

/* Makes <root>/shmlife-<harness pid>-<scenario name>-XXXXXX, mode 01777 (an
 * actor of another uid writes there too, as in /tmp).  root NULL: $TMPDIR,
 * else /tmp.  Its path in `path`; 0, or -1 with errno. */
int sl_scratch_make(const char *root, const char *scenario, char *path, size_t len);
/* Removes the folder and everything in it, without following symbolic
 * links or leaving its file system.  0, or -1 with errno (what could not be
 * removed is left). */
int sl_scratch_remove(const char *path);
/* Keeps the folder for a person to look at: renames it
 * <root>/shmlife-kept-<scenario>-XXXXXX (no sweep removes that), the new
 * path in `kept`.  0, or -1 with errno (it stays where it was). */
int sl_scratch_keep(const char *path, char *kept, size_t len);
/* Removes the scratch folders in root that harnesses no longer running
 * left (killed by SIGKILL: nobody could clean up); returns how many. */
int sl_scratch_sweep(const char *root);

#endif
