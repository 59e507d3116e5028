/* observe_namespace.c - the calling process's IPC namespace as a whole
 * (observe_namespace, observe.h): the segment count three ways (SHM_INFO
 * used_ids, rows of /proc/sysvipc/shm, a SHM_STAT_ANY walk) and the shm
 * sysctls, which are per IPC namespace.
 *
 * SHM_INFO is the main source: if it fails, -1.  A secondary source that
 * cannot be read is marked unknown: segments_proc / rmid_forced = -1,
 * shmmax / shmall / shmmni = 0.
 *
 * Everything is read with raw system calls (observe_raw.h), never through
 * libc, which may be a lying one under test.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "observe_raw.h"
#include "shmlife/observe.h"

/* Rows of /proc/sysvipc/shm that parse as segments, -1 if unreadable. */
static int count_proc_rows(void)
{
	char line[512];
	int rows = 0;
	char *text = sl_raw_read_file("/proc/sysvipc/shm", NULL);

	if (!text)
		return -1;
	const char *pos = text;
	while (sl_raw_next_line(&pos, line, sizeof(line))) {
		struct sl_segment_view v;
		if (sl_parse_sysvipc_shm_line(line, &v) == 0)
			rows++;
	}
	free(text);
	return rows;
}

/* Segments found at indices 0..max_index by SHM_STAT_ANY (no permission
 * check; Linux 4.17).  A free index answers EINVAL. */
static int count_stat_any(int max_index)
{
	int found = 0;

	for (int i = 0; i <= max_index; i++) {
		struct shmid_ds ds;
		if (sl_raw_shmctl(i, SHM_STAT_ANY, &ds) >= 0)
			found++;
	}
	return found;
}

/* One number from a /proc/sys file; -1 if it cannot be read. */
static int read_sysctl(const char *path, uint64_t *out)
{
	char text[64];

	if (sl_raw_read_small(path, text, sizeof(text)) <= 0 || text[0] < '0' || text[0] > '9')
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno || (*end != '\n' && *end != '\0'))
		return -1;
	*out = v;
	return 0;
}

int observe_namespace_segments(struct sl_namespace_obs *out)
{
	struct shm_info info;

	if (!out) {
		errno = EINVAL;
		return -1;
	}
	memset(out, 0, sizeof(*out));
	memset(&info, 0, sizeof(info));
	int max_index = sl_raw_shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&info);
	if (max_index == -1)
		return -1;
	/* The three counts are read one after the other: with segments made or
	 * removed meanwhile they differ for a moment.  Read in rounds until they
	 * agree; only counts that differ in every one of SL_SNAPSHOT_ROUNDS
	 * rounds are a disagreement the kernel keeps (result.h). */
	for (int round = 0;; round++) {
		out->segments_shm_info = info.used_ids;
		out->segments_proc = count_proc_rows();
		out->segments_stat_any = count_stat_any(max_index);
		if ((out->segments_shm_info == out->segments_proc && out->segments_proc == out->segments_stat_any) ||
		    round + 1 == SL_SNAPSHOT_ROUNDS)
			break;
		memset(&info, 0, sizeof(info));
		if ((max_index = sl_raw_shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&info)) == -1)
			return -1;
	}
	out->rmid_forced = -1;
	return 0;
}

int observe_namespace(struct sl_namespace_obs *out)
{
	uint64_t v;

	if (observe_namespace_segments(out) < 0)
		return -1;
	if (read_sysctl("/proc/sys/kernel/shmmax", &v) == 0)
		out->shmmax = v;
	if (read_sysctl("/proc/sys/kernel/shmall", &v) == 0)
		out->shmall = v;
	if (read_sysctl("/proc/sys/kernel/shmmni", &v) == 0)
		out->shmmni = v;
	if (read_sysctl("/proc/sys/kernel/shm_rmid_forced", &v) == 0 && v <= 1)
		out->rmid_forced = (int)v;
	return 0;
}
