/* bench_inject.c - what fault injection costs a supervised program: one
 * call intercepted by the seccomp filter and let through by the conductor
 * (counted, not failed), against the same call bare; with an intercepted
 * call that is failed, and a call the filter lets through in the kernel, for
 * scale.
 *
 * Each measurement is a scenario run by the engine (sl_run): one actor
 * execs this program with --loop, which times CALLS calls of one kind and
 * writes the mean ns per call to a file.  The same program runs
 *   bare         without faults: no filter;
 *   intercepted  with `inject shmctl count`: every shmctl goes to the
 *                conductor and back (SECCOMP_USER_NOTIF_FLAG_CONTINUE);
 *   failed       with `inject shmctl calls=1..CALLS errno=EINVAL`: answered
 *                with an errno, the call never runs;
 *   filtered-out under the filter, a call it does not intercept (getppid).
 * REPS runs each, alternating; prints median, p10 and p90 per call and the
 * ratio intercepted / bare.  No test asserts a time.
 *
 *   bench_inject [REPS] [CALLS]
 *   bench_inject --loop shmctl|getppid CALLS FILE      (what the actor execs)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "shmlife/build.h"
#include "shmlife/run.h"

/* ---- the program the actor execs ------------------------------------------- */

static int loop(const char *call, long calls, const char *file)
{
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	if (id < 0)
		return 2;
	int shm = strcmp(call, "shmctl") == 0;
	struct shmid_ds ds;
	uint64_t t0 = bench_now_ns();
	for (long i = 0; i < calls; i++) {
		if (shm)
			shmctl(id, IPC_STAT, &ds);
		else
			syscall(SYS_getppid);
	}
	uint64_t ns = bench_now_ns() - t0;
	shmctl(id, IPC_RMID, NULL);
	FILE *f = fopen(file, "w");
	if (!f)
		return 3;
	fprintf(f, "%.1f\n", (double)ns / (double)calls);
	return fclose(f) == 0 ? 0 : 3;
}

/* ---- the measurements ------------------------------------------------------- */

enum way { BARE, INTERCEPTED, FAILED, FILTERED_OUT, NWAYS };
static const char *const way_name[NWAYS] = { "bare", "intercepted", "failed", "filtered-out" };

/* One run of `way`: the mean ns per call the program measured, or -1. */
static double measure(enum way w, const char *self, long calls, const char *file)
{
	char n[32];
	snprintf(n, sizeof(n), "%ld", calls);
	const char *call = w == FILTERED_OUT ? "getppid" : "shmctl";
	const char *const argv[] = { self, "--loop", call, n, file, NULL };
	struct sl_scenario *s = sl_scenario_new("bench-inject");
	int app = sl_scenario_add_actor(s, "app");
	struct sl_step *st = sl_add_exec(s, app, argv);
	if (!st)
		return -1;
	if (w == INTERCEPTED || w == FILTERED_OUT)
		sl_step_add_fault(st, SL_FAULT_TRACE, "shmctl", 1, 0, 0);
	else if (w == FAILED)
		sl_step_add_fault(st, SL_FAULT_ERRNO, "shmctl", 1, (int)calls, EINVAL); /* not its IPC_RMID */
	struct sl_run_options o;
	sl_run_options_default(&o);
	o.step_timeout_ms = 60000;
	o.scenario_timeout_ms = 120000;
	struct sl_result r;
	double per_call = -1;
	unlink(file);
	if (sl_run(s, &o, &r) == 0) {
		FILE *f = fopen(file, "r");
		if (r.outcome == SL_PASS && f && fscanf(f, "%lf", &per_call) != 1)
			per_call = -1;
		if (f)
			fclose(f);
		if (r.outcome != SL_PASS)
			fprintf(stderr, "bench_inject: %s: %s: %s\n", way_name[w], sl_outcome_name(r.outcome), r.reason);
		sl_result_free(&r);
	}
	sl_scenario_free(s);
	return per_call;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "--loop") == 0)
		return loop(argv[2], atol(argv[3]), argv[4]);
	int reps = argc > 1 ? atoi(argv[1]) : 7;
	long calls = argc > 2 ? atol(argv[2]) : 20000;
	if (reps < 1 || calls < 1) {
		fprintf(stderr, "usage: bench_inject [REPS] [CALLS]\n");
		return 2;
	}
	char self[4096];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0)
		return 1;
	self[len] = '\0';
	char file[] = "/tmp/bench-inject-XXXXXX";
	int fd = mkstemp(file);
	if (fd < 0)
		return 1;
	close(fd);
	struct bench_samples v[NWAYS];
	for (int w = 0; w < NWAYS; w++)
		bench_samples_init(&v[w], reps);
	for (int i = 0; i < reps; i++)
		for (int w = 0; w < NWAYS; w++) {
			double ns = measure((enum way)w, self, calls, file);
			if (ns < 0) {
				unlink(file);
				return 1;
			}
			bench_samples_add(&v[w], (uint64_t)(ns * 1000.0)); /* picoseconds: keep the decimals */
		}
	unlink(file);
	printf("fault injection: ns per call, %ld calls a run, %d runs (median p10 p90)\n", calls, reps);
	for (int w = 0; w < NWAYS; w++)
		printf("  %-13s %9.1f %9.1f %9.1f   %s\n", way_name[w], bench_samples_median(&v[w]) / 1000.0,
		       bench_samples_percentile(&v[w], 10) / 1000.0, bench_samples_percentile(&v[w], 90) / 1000.0,
		       w == BARE ? "shmctl(IPC_STAT), no filter"
		       : w == INTERCEPTED ? "shmctl(IPC_STAT) to the conductor and back, let through"
		       : w == FAILED ? "shmctl(IPC_STAT) answered EINVAL by the conductor"
				     : "getppid() under the filter, not intercepted");
	double bare = (double)bench_samples_median(&v[BARE]);
	if (bare > 0)
		printf("  intercepted / bare: %.1fx, +%.1f us per call\n",
		       (double)bench_samples_median(&v[INTERCEPTED]) / bare,
		       ((double)bench_samples_median(&v[INTERCEPTED]) - bare) / 1e6);
	for (int w = 0; w < NWAYS; w++)
		bench_samples_free(&v[w]);
	return 0;
}
