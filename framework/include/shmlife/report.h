/* report.h - the report writers: TAP on stdout, JUnit XML, JSON, HTML.
 *
 * A run hands each writer the list of what it ran, in a stable order: the
 * scenario (as parsed) and its result.  TAP is streamed as results arrive;
 * the others are written once, at the end, into the report directory.
 */
#ifndef SHMLIFE_REPORT_H
#define SHMLIFE_REPORT_H

#include <stdio.h>
#include "shmlife/result.h"
#include "shmlife/scenario.h"

struct sl_report_item {
	const struct sl_scenario *scenario;
	struct sl_result result;
	int repeat;                      /* 0-based repetition (--repeat)      */
	int flaky;                       /* outcome differed between repetitions,
					    or it passed only on a retry        */
	int attempts;                    /* runs it took (--retries); 0 or 1: one */
};

/* The same selection run on another kernel (`shmlife run --kernel`): one
 * column of the side-by-side reports.  Its items name the scenarios of the
 * run's own items (the same pointers), in any order; an item of the run
 * that a column lacks was not run there.  A column whose machine gave no
 * results has broken set (why, with the console's last lines) and no items.
 * The run's own machine is not a column: the writers add it, first, from
 * uname(2). */
struct sl_report_column {
	char name[128];                  /* its heading: the kernel's release, or
					    "musl 1.2.3" for another libc here  */
	char kernel[128];                /* the release: "6.1.0-57-amd64"      */
	char libc[64];                   /* the actors' C library: "glibc 2.36" */
	char version[256];               /* the kernel's whole version string  */
	char how[128];                   /* "qemu, software emulation (tcg), 2 cpus" */
	double seconds;                  /* boot to power-off                  */
	const char *broken;              /* NULL, or why it has no results     */
	const struct sl_report_item *items;
	int n;
};

/* The C library the run's actors call through (`run --libc musl`), for the
 * reports' "libc" (default: the harness's own, "glibc 2.36").  One for the
 * process, like sl_tap_begin's start; `libc` is copied. */
void sl_report_note_libc(const char *libc);

/* The item of column c for (scenario, repeat), or NULL. */
const struct sl_report_item *sl_report_column_item(const struct sl_report_column *c, const struct sl_scenario *s,
						   int repeat);

/* passed does not count the items that passed only on a retry (--retries):
 * passed_on_retry does. */
struct sl_report_totals { int passed, failed, skipped, broken, timedout, passed_on_retry; };

/* 1 if the item passed, but only on a retry. */
int sl_report_passed_on_retry(const struct sl_report_item *it);

void sl_report_totals(const struct sl_report_item *items, int n, struct sl_report_totals *t);

/* Frees what no report will show of items[i]: the trace and the programs'
 * output of a repetition (--repeat) that is the same as its scenario's first
 * run (same outcome, failing step, leaks and retry story), which the JSON,
 * JUnit and HTML reports summarise as "the same as #1".  Its outcome,
 * reason, failing step, duration, phases and counts stay.  Call it once
 * items[i] is final and its TAP line is out (TAP shows a failing repetition's
 * step in full), and not under --valgrind (the memcheck summary counts every
 * run's findings).  Returns 1 if it freed them, else 0 (the first run, a
 * different run, or one whose failing step is known only from its trace).
 * This is what keeps a long --repeat at the memory of one pass: a trace is
 * about a kilobyte a step.  Not thread-safe on the same items.
 *
 *   on_finished(i): sl_tap_item(stdout, i + 1, &items[i]);
 *                   sl_report_compact(items, n, i);                       */
int sl_report_compact(struct sl_report_item *items, int n, int i);

/* TAP version 13, or 14 when SHMLIFE_TAP_VERSION=14 (the same stream).
 * Also notes the run's start (one for the process: the JUnit and HTML
 * writers stamp it), so it is not for two runs in two threads at once. */
void sl_tap_begin(FILE *out, int planned);
void sl_tap_item(FILE *out, int number, const struct sl_report_item *it);
/* The closing line: `N passed, N failed, N skipped` (+ broken, timed out). */
void sl_tap_end(FILE *out, const struct sl_report_totals *t);

/* Each returns 0, or -1 with errno (nothing half-written is left: they write
 * to a temporary name and rename). */
int sl_junit_write(const char *path, const struct sl_report_item *items, int n);
int sl_json_write(const char *path, const struct sl_report_item *items, int n);
/* The same with other kernels' columns (NULL, 0: none): JUnit gets a
 * testsuite per kernel, each with its properties (kernel, version, how,
 * seconds); results.json a "kernels" array, this machine's first, each
 * kernel's outcome of every scenario and verdict of every claim. */
int sl_junit_write_columns(const char *path, const struct sl_report_item *items, int n,
			   const struct sl_report_column *columns, int ncolumns);
int sl_json_write_columns(const char *path, const struct sl_report_item *items, int n,
			  const struct sl_report_column *columns, int ncolumns);

/* results.json read back (shmlife merge): for each scenario of the file,
 * find(ctx, name, file) gives the scenario its results are of (the caller
 * parses the script the file names), or NULL (an error).  Returns 0 with
 * *items and *n (in the file's order; free with sl_report_items_free), -1
 * when the file is not a results.json this shmlife reads, names a scenario
 * that cannot be found, or holds other kernels' or libcs' columns (a run
 * with --kernel or --libc glibc,musl: refused, not read in part), -2 out of
 * memory; why says it. */
typedef const struct sl_scenario *(*sl_scenario_finder)(void *ctx, const char *name, const char *file);
int sl_json_read(const char *path, sl_scenario_finder find, void *ctx, struct sl_report_item **items, int *n,
		 char *why, size_t why_len);
/* The same, of the text of a results.json (text_len bytes, no NUL needed)
 * that `label` names in what is said: `run --kernel` receives a guest's so.
 * A file with other columns is read too (its own run's items only): read
 * them with sl_json_read_columns_text. */
int sl_json_read_text(const char *label, const char *text, size_t text_len, sl_scenario_finder find, void *ctx,
		      struct sl_report_item **items, int *n, char *why, size_t why_len);
/* Frees what sl_json_read* gave (each item's result, then the array). */
void sl_report_items_free(struct sl_report_item *items, int n);
/* The other columns of a results.json's text (its "kernels" but the first,
 * which is its own run): each column's name, kernel, libc and how, and an
 * item for each result that ran there, with its outcome, reason and libc
 * (no trace: the file keeps only those).  0 with *columns (free with
 * sl_report_columns_free) and *ncolumns (0 if there are none), or -1/-2 as
 * sl_json_read_text. */
int sl_json_read_columns_text(const char *label, const char *text_in, size_t text_len, sl_scenario_finder find, void *ctx,
			      struct sl_report_column **columns, int *ncolumns, char *why, size_t why_len);
/* Frees what sl_json_read_columns_text gave (each column's items, then
 * the array). */
void sl_report_columns_free(struct sl_report_column *columns, int n);

/* The trace of one item as text, a few lines an entry (JUnit failure bodies,
 * `shmlife show`).  snapshots: 0 none, 1 those of entries that did not pass,
 * 2 all of them. */
void sl_report_trace_text(FILE *out, const struct sl_report_item *it, int snapshots);

#endif
