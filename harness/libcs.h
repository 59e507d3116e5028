/* libcs.h - `shmlife run --libc LIST` and `claims --libc LIST`: which C
 * library the actors' own calls go through (docs/libc.md).  LIST is one or
 * more of glibc (the harness's own, the default) and musl, separated by
 * commas: the first is the run's; each other runs the selection again, here,
 * with its lean actor (sl_lean_actor_find), and is a column of the
 * side-by-side reports (struct sl_report_column). */
#ifndef SHMLIFE_HARNESS_LIBCS_H
#define SHMLIFE_HARNESS_LIBCS_H

#include "shmlife/report.h"
#include "shmlife/run.h"

#define LIBCS_MAX 4

struct libcs {
	int n;                           /* 0: --libc not given (glibc)        */
	char names[LIBCS_MAX][16];       /* "glibc", "musl"                    */
	char programs[LIBCS_MAX][4096];  /* the lean actor; "" for glibc       */
	struct sl_report_item *items[LIBCS_MAX];
	int nitems[LIBCS_MAX];
	struct sl_report_column columns[LIBCS_MAX];  /* [1..n): the other libcs */
};

/* Parses LIST and finds each lean actor: 0, or -1 after saying what is
 * wrong (an unknown name, one given twice, a libc whose actor is not built). */
int libcs_parse(const char *cmd, const char *list, struct libcs *l);
/* The run's own actor program (sl_run_options.actor_program): NULL for glibc. */
const char *libcs_program(const struct libcs *l, int i);
/* Which libc the i-th is (SL_LIBC_GLIBC when --libc was not given). */
enum sl_libc libcs_libc(const struct libcs *l, int i);
/* "glibc 2.36", "musl 1.2.3". */
const char *libcs_label(const char *name);
/* Runs items' scenarios again with each libc after the first, jobs at a
 * time, options as `base` but the actor program: l->columns[1..n) filled.
 * Returns the signal that stopped it, or 0. */
int libcs_run_columns(struct libcs *l, const struct sl_report_item *items, int n, int jobs,
		      const struct sl_run_options *base);
void libcs_free(struct libcs *l);

/* "glibc,musl": the list as --libc takes it (a guest gets the same). */
void libcs_list(const struct libcs *l, char *buf, size_t len);
/* Every other column of the run, in the reports' order: the other libcs
 * here, then the kernels' (kernels.h, its `all`).  *n of them, in an
 * array to free (the columns are shared, not copied); NULL when out of
 * memory. */
struct sl_report_column *libcs_join_columns(const struct libcs *l, const struct sl_report_column *kernels,
					    int nkernels, int *n);

#endif
