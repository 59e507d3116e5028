/* catalog.h - the scenarios of a command line: every script parsed (all
 * errors printed, nothing returned if any), names checked for duplicates,
 * and selection by --filter patterns and --shard. */
#ifndef SHMLIFE_HARNESS_CATALOG_H
#define SHMLIFE_HARNESS_CATALOG_H

#include "shmlife/report.h"
#include "shmlife/scenario.h"

struct catalog {
	struct sl_scenario **v;          /* sorted by the path of its script  */
	int n;
};

/* Finds and parses the scripts args name (see discover_scripts).  Returns 0,
 * or -1 after printing every `file:line:col: message` to stderr (the user's
 * error: exit 2), or -2 when the harness itself failed (out of memory, a
 * read error; said on stderr: exit 3). */
int catalog_load(const char *cmd, char *const *args, int nargs, struct catalog *c);
void catalog_free(struct catalog *c);

/* 1 if no patterns are given, or one matches (fnmatch) the name or a tag. */
int catalog_matches(const struct sl_scenario *s, char *const *patterns, int npatterns);
/* The scenario named `name`, or NULL. */
const struct sl_scenario *catalog_find(const struct catalog *c, const char *name);

/* 0 if this machine can make a scenario's sandbox; otherwise says on stderr,
 * in one line, what it lacks and what to do, and returns -1 (the caller
 * exits EXIT_NO_SANDBOX without running anything); -2 if the probe itself
 * could not be made (said; the caller exits EXIT_BROKEN). */
int catalog_require_sandbox(const char *cmd);

/* Runs `run` over the selected items (NULL when selecting ran out of memory:
 * said, EXIT_BROKEN), says so when nothing was selected, then frees every
 * result and the array.  Returns what `run` returned. */
int catalog_run_selection(const char *cmd, struct sl_report_item *items, int n,
			  int (*run)(const void *args, struct sl_report_item *items, int n), const void *args);

#endif
