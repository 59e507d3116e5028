/* discover.h - finding scenario scripts: files named on the command line,
 * directories searched recursively for *.scn, or the default catalog. */
#ifndef SHMLIFE_HARNESS_DISCOVER_H
#define SHMLIFE_HARNESS_DISCOVER_H

struct path_list {
	char **v;
	int n, cap;
};

/* The catalog used when no FILES or DIRS are given: $SHMLIFE_CATALOG (one
 * path, or several separated by ':'), else `scenarios` in the current dir. */
#define DEFAULT_CATALOG "scenarios"

/* Fills `out` with the scripts named by args (nargs == 0: the default
 * catalog), sorted by path, each once.  A directory contributes every *.scn
 * below it (hidden entries skipped); a file is taken whatever its name.
 * Returns 0, or -1 after printing why to stderr (a path that does not exist),
 * or -2 when the failure is the harness's own (out of memory, no descriptor
 * left, an I/O error). */
int discover_scripts(const char *cmd, char *const *args, int nargs, struct path_list *out);
void path_list_free(struct path_list *l);

#endif
