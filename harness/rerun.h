/* rerun.h - `run --rerun-failed`: the names of the scenarios that did not
 * pass in the last run, read from its results.json. */
#ifndef SHMLIFE_HARNESS_RERUN_H
#define SHMLIFE_HARNESS_RERUN_H

struct rerun {
	char **names;                    /* FAIL, BROK or TIMEOUT in some item */
	int n;
};

/* Reads DIR/results.json.  0; -1 after saying why on stderr (no earlier run
 * there, not shmlife's results: exit 2); -2 when the harness itself failed
 * (out of memory, a read error: exit 3). */
int rerun_load(const char *cmd, const char *report_dir, struct rerun *r);
/* 1 if name is among them. */
int rerun_has(const struct rerun *r, const char *name);
void rerun_free(struct rerun *r);

#endif
