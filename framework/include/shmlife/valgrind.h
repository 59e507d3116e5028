/* valgrind.h - scenarios under valgrind memcheck.
 *
 * When sl_run_options.valgrind names a directory, each scenario gets its own
 * subdirectory there (PIDs repeat from one scenario to the next: the
 * conductor is always PID 1), and its conductor is exec'd under
 *   valgrind --tool=memcheck --trace-children=yes --xml=yes
 *            --xml-file=<dir>/vg.%p.xml ... <harness> __conductor <record fd> ...
 * so that memcheck follows every actor it forks, and every program they
 * exec, one XML file per process.  The harness's hidden subcommand
 * `__conductor` is sl_vg_conductor_main().  When the scenario has ended,
 * sl_vg_apply() reads the XML files (libxml2) and adds the findings to the
 * result: every error and every definitely lost block, per process, makes
 * the scenario FAIL, named in its reason.  A file without its closing
 * </valgrindoutput> is the file of a process that was killed: it is said to
 * be truncated, its errors up to the kill still count, its leaks could not
 * be checked.
 *
 * The findings are trace events (SL_ENTRY_EVENT) whose detail begins with
 * "memcheck: ": FAIL for an error or a leak, SKIP for a truncated file, and
 * one summary (PASS, or FAIL if anything was found) naming the directory.
 */
#ifndef SHMLIFE_VALGRIND_H
#define SHMLIFE_VALGRIND_H

#include <stddef.h>
#include <stdint.h>

#include "shmlife/report.h"
#include "shmlife/result.h"
#include "shmlife/run.h"
#include "shmlife/scenario.h"

#define SL_VG_MAX_FINDINGS 16            /* kept per process; more are counted */
#define SL_VG_SLOWDOWN     20            /* step and scenario limits are this much longer */

struct sl_vg_finding {
	char kind[32];                   /* UninitCondition, Leak_DefinitelyLost, ... */
	char what[160];                  /* memcheck's words                    */
	char where[128];                 /* first frame with a source line: "leaky.c:12 (main)" */
	uint64_t leaked_bytes, leaked_blocks;
};

struct sl_vg_process {
	int pid, ppid;                   /* inside the scenario's PID namespace */
	char exe[128];                   /* the program memcheck ran            */
	char role[96];                   /* "conductor", "actor owner", "program leaky run by actor owner" */
	char file[64];                   /* its XML file's name                 */
	int truncated;                   /* no </valgrindoutput>: it was killed */
	int observer;                    /* the observer's child that ran ipcs (not traced) */
	int unreadable;                  /* not XML at all (not even a start)   */
	int nerrors, nleaks;             /* all of them, also past SL_VG_MAX_FINDINGS */
	int nfindings;
	struct sl_vg_finding findings[SL_VG_MAX_FINDINGS];
};

struct sl_vg_report {
	struct sl_vg_process *procs;     /* by pid                              */
	int n;
};

/* Reads every vg.*.xml of `dir`.  `s` and `r` (may be NULL) name the
 * processes: actors by the pids of their steps, programs by their parent.
 * Returns 0, or -1 with errno if the directory cannot be read. */
int sl_vg_read_dir(const char *dir, const struct sl_scenario *s, const struct sl_result *r,
		   struct sl_vg_report *rep);
/* Frees what sl_vg_read_dir filled in. */
void sl_vg_report_free(struct sl_vg_report *rep);

/* Reads `dir` and adds the findings to `r` as memcheck events, before its
 * END entry; a PASS becomes FAIL with every finding named in the reason.
 * Other outcomes stay (their findings are still listed). */
void sl_vg_apply(const char *dir, const struct sl_scenario *s, struct sl_result *r);

/* A fresh directory for one scenario's XML files: <base>/<name>, or
 * <base>/<name>.2, .3 ... if taken (the name made safe for a path).
 * Returns 0, or -1 with errno. */
int sl_vg_scenario_dir(const char *base, const char *scenario_name, char *out, size_t len);

/* Removes what an earlier run left in `base`: the vg.* files of its
 * subdirectories, the emptied subdirectories, and summary.txt.  Nothing
 * else is touched.  0, or -1 with errno. */
int sl_vg_clear(const char *base);

/* `base`/summary.txt: per scenario, per process, what memcheck found.
 * 0, or -1 with errno. */
int sl_vg_write_summary(const char *path, const struct sl_report_item *items, int n);

/* ---- the conductor's side (sandbox.c and the harness) ------------------------ */

/* Execs the scenario's conductor under memcheck, its XML files into
 * o->valgrind; called in the conductor's process once it is PID 1 with its
 * /proc.  Returns only if that fails (errno set, `why` says what). */
void sl_vg_exec_conductor(const struct sl_scenario *s, const struct sl_run_options *o, int trace_fd,
			  char *why, size_t len);

/* The hidden subcommand `__conductor RECORD_FD FD STEP_MS OBSERVE DIR`
 * (argv[0] is "__conductor"), run under memcheck: reads the scenario from
 * the record in descriptor RECORD_FD (a memfd the harness wrote), and
 * conducts it, its trace to FD.  Returns the conductor's exit status. */
int sl_vg_conductor_main(int argc, char **argv);

#endif
