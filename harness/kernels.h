/* kernels.h - `shmlife run --kernel PATH ...`: the run's selection run again
 * on each other kernel, in a virtual machine (kernel_vm.h), and read back as
 * a column of the side-by-side reports (struct sl_report_column, report.h;
 * docs/kernels.md). */
#ifndef SHMLIFE_HARNESS_KERNELS_H
#define SHMLIFE_HARNESS_KERNELS_H

#include "kernel_vm.h"
#include "shmlife/report.h"

struct kernels {
	struct kernel_vm *vms;
	struct kernel_vm_result *results;
	struct sl_report_column *columns;
	struct sl_report_item **items;   /* each column's, read from its results.json */
	int *nitems;
	struct sl_report_column **extra; /* a guest's other libcs (--libc glibc,musl) */
	int *nextra;
	int n;
	/* every column of the run, in order: each kernel's, then its other libcs' */
	struct sl_report_column *all;
	int nall;
};

/* Each --kernel checked (a bootable image, its modules, qemu installed):
 * 0, or -1 after saying on stderr what is wrong (bad usage: exit 2). */
int kernels_prepare(const char *cmd, char *const *paths, int n, struct kernels *k);

/* The command the guests run: `shmlife run` with the selection's options
 * (guest_args: -j, --filter ... and the scripts, as the user gave them). */
struct kernels_run {
	char *const *guest_args;         /* NULL-ended                         */
	int scenario_timeout_ms;         /* the run's limit of a scenario (0: 30 s) */
	int quiet;                       /* no progress lines on stderr        */
	int (*stop)(void);               /* 1: stop now (a stop signal came)   */
	const char *libc;                /* the actors' libc there: "glibc 2.36" */
};

/* Boots each kernel in turn, runs the selection in it, and reads its
 * results into k->columns[i] (a kernel that gave none: broken set, said
 * on stderr), and the guest's other libcs' columns after it: all of them,
 * in order, in k->all.  find/ctx map a guest's scenario to the run's own.  Returns
 * the number of kernels that gave no results. */
int kernels_run(struct kernels *k, const struct kernels_run *how, sl_scenario_finder find, void *ctx);

void kernels_free(struct kernels *k);

/* The finder kernels_run wants, over the run's own items (ctx): a guest's
 * scenario is the run's scenario of that name. */
struct kernels_items {
	const struct sl_report_item *items;
	int n;
	int next;                        /* where the search starts: the guest's
					    items come in the run's order */
};
const struct sl_scenario *kernels_find_by_name(void *ctx, const char *name, const char *file);

#endif
