/* bench_hwm.c - a tiny LD_PRELOAD library for bench_scale: when the process
 * it is loaded into ends with exit() and is the direct child of the
 * benchmark (SHMLIFE_BENCH_HWM="PID:FILE", PID the benchmark's), it writes
 * its peak resident set (VmHWM of /proc/self/status, in KiB) to FILE.  So
 * the harness's own peak is measured, not that of its scenarios' processes
 * (they are its descendants, never the benchmark's children). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((destructor)) static void bench_hwm_report(void)
{
	const char *spec = getenv("SHMLIFE_BENCH_HWM");
	if (!spec)
		return;
	char *colon = strchr(spec, ':');
	if (!colon || atol(spec) != (long)getppid())
		return;
	FILE *st = fopen("/proc/self/status", "re");
	if (!st)
		return;
	char line[256];
	long kib = -1;
	while (fgets(line, sizeof(line), st))
		if (strncmp(line, "VmHWM:", 6) == 0)
			kib = atol(line + 6);
	fclose(st);
	FILE *out = fopen(colon + 1, "we");
	if (!out)
		return;
	fprintf(out, "%ld\n", kib);
	fclose(out);
}
