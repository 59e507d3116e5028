/* report_common.h - internal to the report writers (report_*.c): names of
 * things, the expected/observed wording of a failing step, string cleaning
 * and atomic file writing.  Not a public header.
 */
#ifndef SHMLIFE_REPORT_COMMON_H
#define SHMLIFE_REPORT_COMMON_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "shmlife/report.h"
#include "util.h" /* sl_write_file_atomic: every report is written whole */

#ifndef SHMLIFE_VERSION
#define SHMLIFE_VERSION "0.1.0"
#endif

/* "EINVAL", or "E123" for an unknown number; buf holds at least 16. */
const char *rc_errno_name(int err, char *buf, size_t len);
/* "SIGKILL", or "SIG123"; buf holds at least 16. */
const char *rc_signal_name(int sig, char *buf, size_t len);

/* The scenario's name, with `#k` (k = repeat + 1) from the second repetition on. */
void rc_item_name(const struct sl_report_item *it, char *buf, size_t len);
/* The actor's name, "conductor" or "-". */
const char *rc_actor_name(const struct sl_scenario *s, int actor);
/* The scenario step an entry is about, or NULL. */
const struct sl_step *rc_entry_step(const struct sl_scenario *s, const struct sl_trace_entry *e);
/* The entry that made the scenario fail, copied into *e: the failed step's
 * non-PASS entry, else the last non-PASS entry; else NULL. */
const struct sl_trace_entry *rc_failing_entry(const struct sl_result *r, struct sl_trace_entry *e);

/* The step the scenario failed at: result.failed_step, else the failing
 * entry's step; for a TIMEOUT without either, the step after the last one
 * performed (the one that never answered).  -1 if none, or if the
 * scenario passed or was skipped. */
int rc_failing_step(const struct sl_scenario *s, const struct sl_result *r);

/* Reports detail the first run of each scenario and every repetition that
 * differed from it (another outcome, or another failing step); the others
 * are summarised, so that --repeat N does not make reports N times larger.
 * Returns -1 when items[i] is to be detailed, else the index of the first
 * run it is the same as.  Repetitions of a scenario are adjacent. */
int rc_same_as_first(const struct sl_report_item *items, int n, int i);

/* What the script expected of a step: "fails with EIDRM or EINVAL". */
void rc_expected_text(const struct sl_scenario *s, const struct sl_step *st, char *buf, size_t len);
/* What the kernel answered: "returned 32769", "failed with EINVAL",
 * "killed by SIGSEGV"; for expectations the entry's detail. */
void rc_observed_text(const struct sl_step *st, const struct sl_trace_entry *e, char *buf, size_t len);
/* The step as written, or its operation's name. */
const char *rc_step_text(const struct sl_step *st);

/* A copy of s (malloc'ed; NULL when out of memory) that is valid UTF-8:
 * bytes that are not are written as the four characters \xNN.  With
 * escape_controls, C0 controls other than tab, newline and carriage return,
 * and DEL, are written the same way (XML 1.0 cannot hold them at all). */
char *rc_clean_utf8(const char *s, int escape_controls);
/* 1 if s is valid UTF-8 already (rc_clean_utf8(s, 0) would copy it as it
 * is), else 0. */
int rc_is_utf8(const char *s);

/* The run's start: set by sl_tap_begin(); else the earliest wall-clock
 * second of any trace entry; else now. */
/* The system under test, for every report: the kernel (`uname -srvm`) and
 * the C library ("glibc 2.36"; "unknown" for another libc), on one line each. */
struct rc_system {
	char kernel[400];
	char libc[64];
};
void rc_system(struct rc_system *sys);
/* The run's own machine as the first column of a side-by-side report:
 * uname's release and version, "this machine", the run's items. */
void rc_host_column(struct sl_report_column *c, const struct sl_report_item *items, int n);
/* Writes the programs' output of step `step` (every step's if step < 0),
 * of the streams in `streams` (1 stdout, 2 stderr, 4 the terminal): for each, a
 * line "stdout of line 3 (a: exec prog ...), 40 bytes:" after `indent` and
 * its text, each line after `indent` and two blanks; at most `max` bytes of each (0: all that was kept),
 * and where anything is left out, how much and where the rest is. */
void rc_outputs_text(FILE *out, const struct sl_scenario *s, const struct sl_result *r, int step, int streams,
		     const char *indent, size_t max);

void rc_note_run_start(void);
time_t rc_run_start(const struct sl_report_item *items, int n);


#endif
