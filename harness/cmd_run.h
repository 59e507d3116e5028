/* cmd_run.h - the options of `shmlife run` (cmd_run_args.c), read by the
 * command itself (cmd_run.c). */
#ifndef SHMLIFE_CMD_RUN_H
#define SHMLIFE_CMD_RUN_H

#include "cli_util.h"
#include "kernels.h"
#include "libcs.h"
#include "rerun.h"
#include "term.h"

#define CMD "run"
#define DEFAULT_REPORT_DIR "reports/out"

struct run_args {
	int jobs;
	char **filters;
	int nfilters;
	char **excludes;                 /* --exclude: left out if any matches */
	int nexcludes;
	int timeout_ms;                  /* 0: the engine's default            */
	int repeat;
	int shard, shards;               /* 1-based shard of `shards`          */
	const char *report_dir;
	int valgrind;
	int keep_scratch;                /* sl_run_options.keep_scratch         */
	int quiet;                       /* -q: no progress; -qq: no recap either */
	int verbose;                     /* -v: a line per scenario, skips in the recap */
	int fail_fast;                   /* start nothing after a failure      */
	int retries;                     /* --retries                          */
	int rerun_failed;                /* only what did not pass last time   */
	struct rerun rerun;              /* ... by name, from results.json     */
	enum cli_exit_codes codes;       /* --exit-codes                       */
	enum term_color_mode color;
	char **kernels;                  /* --kernel: run on these too, side by side */
	int nkernels;
	struct kernels vms;              /* ... checked, and their results      */
	struct libcs libcs;              /* --libc: the actors' C libraries      */
	int argc;                        /* the command line: its scripts are   */
	char **argv;                     /* argv[first_script..argc)            */
	int first_script;
};

/* Reads the command line into *a (its defaults first; --help prints the
 * usage and exits): 0, or -1 after saying what is wrong (exit status 2). */
int run_parse_args(int argc, char **argv, struct run_args *a);

#endif
