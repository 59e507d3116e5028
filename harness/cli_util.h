/* cli_util.h - what the subcommands share: exit statuses, option values,
 * making the report directory. */
#ifndef SHMLIFE_HARNESS_CLI_UTIL_H
#define SHMLIFE_HARNESS_CLI_UTIL_H

#include <stdio.h>

#include "shmlife/report.h"

enum cli_exit {
	EXIT_PASSED = 0,                 /* everything passed or was skipped   */
	EXIT_FAILED = 1,                 /* a FAIL or TIMEOUT, or a flaky scenario */
	EXIT_USAGE = 2,                  /* bad usage, or a script with an error */
	EXIT_BROKEN = 3,                 /* a BROK (wins over FAIL), or reports not written */
	EXIT_NO_SANDBOX = 4,             /* this machine cannot make the sandbox: nothing ran */
};

/* The exit status of a run: 3 if any BROK, else 1 if any FAIL, TIMEOUT or
 * flaky item, else 0. */
int cli_exit_status(const struct sl_report_item *items, int n);

/* --exit-codes: which runner reads the exit status. */
enum cli_exit_codes {
	CLI_CODES_SHMLIFE,               /* the table above                    */
	CLI_CODES_LTP,                   /* LTP (kirk): TFAIL 1 | TBROK 2, TCONF 32 */
	CLI_CODES_KSELFTEST,             /* kselftest: KSFT_FAIL 1, KSFT_SKIP 4 */
};
/* 0, or -1 after saying what is wrong. */
int cli_parse_exit_codes(const char *cmd, const char *text, enum cli_exit_codes *codes);
/* The exit status `status` (of the table above, from items[0..n) when they
 * ran; items NULL when nothing ran) in the convention `codes`. */
int cli_exit_in(enum cli_exit_codes codes, int status, const struct sl_report_item *items, int n);

/* Option values: 0, or -1 after printing `shmlife CMD: ...` to stderr.
 * Numbers are taken whole: decimal digits only (no sign, space, base prefix
 * or exponent), and a value out of range is refused, never wrapped. */
/* This program's own path (/proc/self/exe), in a static buffer; NULL if it
 * cannot be read.  The engine execs it for a big group's spawner. */
const char *cli_self_exe(void);
int cli_positive_int(const char *cmd, const char *option, const char *text, int *out);
int cli_whole_int(const char *cmd, const char *option, const char *text, int min, int max, int *out); /* min >= 0 */
int cli_seconds_ms(const char *cmd, const char *option, const char *text, int *out_ms);
int cli_shard(const char *cmd, const char *text, int *index, int *count);
/* Decimal digits only, up to 2^64-1: 0, or -1 (nothing printed). */
int cli_whole_u64(const char *text, unsigned long long *out);
/* --tap-version 13 or 14: sets SHMLIFE_TAP_VERSION, which the TAP writer reads. */
int cli_tap_version(const char *cmd, const char *text);

/* The name of names[0..n) closest to word (edit distance, at most a third
 * of word's length and at least 1; or word is a prefix of one name only),
 * or NULL when none is close: for "did you mean". */
const char *cli_closest(const char *word, const char *const *names, int n);

/* Writes s with control bytes as '?', so that it stays on one line. */
void cli_put_one_line(FILE *out, const char *s);

/* 1 if a call that failed with err failed for the harness's own reasons
 * (out of memory, descriptors, space, I/O: exit 3), not for what the user
 * asked (a missing path, a file where a folder must be: exit 2). */
int cli_errno_is_own(int err);

/* mkdir -p: 0, or -1 with errno. */
int cli_make_dirs(const char *path);

/* Prints `shmlife CMD: message` and `Try 'shmlife CMD --help'.` to stderr. */
void cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
