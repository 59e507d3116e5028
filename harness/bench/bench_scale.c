/* bench_scale.c - benchmark 3: scenarios that are big rather than long.
 *
 * Runs each SCRIPT with the real harness (`shmlife run -q -j 1`) REPS times
 * and prints, per script, the median wall time, the median CPU time of the
 * whole process tree (wait4's user and system time: the harness, its
 * conductors and their actors, on every CPU they ran on), the harness's own peak
 * resident set (VmHWM, reported by bench_hwm.so preloaded into it) and the
 * largest resident set in its whole process tree (wait4's ru_maxrss), and
 * whether every run passed.  Targets (issue 8): under 3 s and under 64 MiB.
 *
 *   bench_scale SHMLIFE_BIN BENCH_HWM_SO REPS SCRIPT...
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench_util.h"

static long read_hwm(const char *path)
{
	FILE *f = fopen(path, "re");
	long kib = -1;
	if (f) {
		if (fscanf(f, "%ld", &kib) != 1)
			kib = -1;
		fclose(f);
	}
	unlink(path);
	return kib;
}

static int bench_one(const char *bin, const char *script, int reps, const char *tmpdir)
{
	char hwm_file[4200], spec[4300], reports[4200];
	snprintf(hwm_file, sizeof(hwm_file), "%s/hwm", tmpdir);
	snprintf(reports, sizeof(reports), "%s/reports", tmpdir);
	snprintf(spec, sizeof(spec), "%ld:%s", (long)getpid(), hwm_file);
	setenv("SHMLIFE_BENCH_HWM", spec, 1);
	const char *argv[] = { bin, "run", "-q", "-j", "1", "--report-dir", reports, script, NULL };
	struct bench_samples wall, cpu;
	bench_samples_init(&wall, reps);
	bench_samples_init(&cpu, reps);
	long hwm_max = -1, tree_max = 0;
	int failed = 0;
	for (int i = 0; i < reps; i++) {
		struct rusage ru;
		uint64_t t = bench_now_ns();
		int st = bench_spawn_wait(argv, &ru);
		bench_samples_add(&wall, bench_now_ns() - t);
		bench_samples_add(&cpu, (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000u +
						(uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000u);
		failed += st != 0;
		long hwm = read_hwm(hwm_file);
		if (hwm > hwm_max)
			hwm_max = hwm;
		if (ru.ru_maxrss > tree_max)
			tree_max = ru.ru_maxrss;
		bench_rmtree_reports(reports);
	}
	const char *name = strrchr(script, '/');
	printf("  %-28s %8.3f %8.3f %8.3f %12.1f %12.1f  %s\n", name ? name + 1 : script,
	       (double)bench_samples_median(&wall) / 1e9, (double)bench_samples_percentile(&wall, 100) / 1e9,
	       (double)bench_samples_median(&cpu) / 1e9, hwm_max / 1024.0, tree_max / 1024.0,
	       failed ? "NOT PASSED" : "passed");
	bench_samples_free(&wall);
	bench_samples_free(&cpu);
	unsetenv("SHMLIFE_BENCH_HWM");
	return failed;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: bench_scale SHMLIFE_BIN BENCH_HWM_SO REPS SCRIPT...\n");
		return 2;
	}
	const char *bin = argv[1];
	int reps = atoi(argv[3]);
	if (reps < 1)
		reps = 1;
	char tmpdir[] = "/tmp/shmlife-bench-XXXXXX";
	if (!mkdtemp(tmpdir))
		return 2;
	setenv("LD_PRELOAD", argv[2], 1);
	printf("scale: each script run %d times by `shmlife run -j 1`\n", reps);
	printf("  %-28s %8s %8s %8s %12s %12s\n", "", "median s", "max s", "CPU s", "harness MiB", "tree MiB");
	int failed = 0;
	for (int i = 4; i < argc; i++)
		failed += bench_one(bin, argv[i], reps, tmpdir);
	unsetenv("LD_PRELOAD");
	rmdir(tmpdir);
	return failed ? 1 : 0;
}
