/* shm-info.c - shmlife-scn-shm-info: do IPC_INFO and SHM_INFO agree with
 * /proc/sys/kernel/shm* and /proc/sysvipc/shm?  (scenarios/segment/
 * info-agrees-with-proc.scn runs it inside the scenario's IPC namespace.)
 *
 *   shmlife-scn-shm-info [shmmax=N] [shmall=N] [shmmni=N] [segments=N]
 *
 * Prints each comparison on stdout.  The exit status says which one failed
 * first, so that a scenario's trace names it:
 *   0   everything agrees (and equals the values given)
 *   1   bad usage          2  a view could not be read
 *   10  IPC_INFO shmmax != /proc/sys/kernel/shmmax
 *   11  IPC_INFO shmall != /proc/sys/kernel/shmall
 *   12  IPC_INFO shmmni != /proc/sys/kernel/shmmni
 *   13  IPC_INFO shmmin != 1 (SHMMIN)
 *   14  SHM_INFO used_ids != rows of /proc/sysvipc/shm
 *   15  IPC_INFO and SHM_INFO return different highest indices
 *   20..23  shmmax, shmall, shmmni, segments differ from the value given
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

enum { N_GIVEN = 4 };
static const char *const given_names[N_GIVEN] = { "shmmax", "shmall", "shmmni", "segments" };

static int read_number(const char *path, unsigned long long *out)
{
	FILE *f = fopen(path, "re");
	int ok;

	if (!f) {
		perror(path);
		return -1;
	}
	ok = fscanf(f, "%llu", out) == 1;
	fclose(f);
	if (!ok)
		fprintf(stderr, "%s: not a number\n", path);
	return ok ? 0 : -1;
}

/* Rows of /proc/sysvipc/shm after its header, -1 if unreadable. */
static long count_rows(void)
{
	FILE *f = fopen("/proc/sysvipc/shm", "re");
	char line[512];
	long rows = -1;

	if (!f) {
		perror("/proc/sysvipc/shm");
		return -1;
	}
	while (fgets(line, sizeof(line), f))
		rows++;
	fclose(f);
	return rows < 0 ? 0 : rows;
}

/* name=N arguments into want[] (have[] says which were given); -1 on a bad one. */
static int parse_args(int argc, char **argv, unsigned long long *want, int *have)
{
	for (int i = 1; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		int k = -1;
		for (int j = 0; eq && j < N_GIVEN; j++)
			if (strlen(given_names[j]) == (size_t)(eq - argv[i]) &&
			    strncmp(argv[i], given_names[j], (size_t)(eq - argv[i])) == 0)
				k = j;
		char *end = NULL;
		if (k >= 0)
			want[k] = strtoull(eq + 1, &end, 0);
		if (k < 0 || !end || end == eq + 1 || *end) {
			fprintf(stderr, "usage: shmlife-scn-shm-info [shmmax=N] [shmall=N] [shmmni=N] [segments=N]\n");
			return -1;
		}
		have[k] = 1;
	}
	return 0;
}

/* Prints one comparison; returns `status` if the two differ, else 0. */
static int compare(const char *what, unsigned long long a, const char *a_name, unsigned long long b,
		   const char *b_name, int status)
{
	printf("%-9s %s %llu, %s %llu: %s\n", what, a_name, a, b_name, b, a == b ? "agree" : "DIFFER");
	return a == b ? 0 : status;
}

int main(int argc, char **argv)
{
	unsigned long long want[N_GIVEN] = { 0 }, proc[3];
	int have[N_GIVEN] = { 0 }, status = 0;
	struct shminfo info;
	struct shm_info sinfo;

	if (parse_args(argc, argv, want, have))
		return 1;
	memset(&info, 0, sizeof(info));
	memset(&sinfo, 0, sizeof(sinfo));
	int max_ipc = shmctl(0, IPC_INFO, (struct shmid_ds *)(void *)&info);
	int max_shm = shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&sinfo);
	long rows = count_rows();
	if (max_ipc < 0 || max_shm < 0) {
		perror("shmctl");
		return 2;
	}
	if (rows < 0 || read_number("/proc/sys/kernel/shmmax", &proc[0]) ||
	    read_number("/proc/sys/kernel/shmall", &proc[1]) || read_number("/proc/sys/kernel/shmmni", &proc[2]))
		return 2;
	unsigned long long got[N_GIVEN] = { info.shmmax, info.shmall, info.shmmni, (unsigned long long)sinfo.used_ids };
	for (int k = 0; k < 3; k++) {
		char name[32];
		snprintf(name, sizeof(name), "/proc %s", given_names[k]);
		int rc = compare(given_names[k], got[k], "IPC_INFO", proc[k], name, 10 + k);
		if (!status)
			status = rc;
	}
	int rc = compare("shmmin", info.shmmin, "IPC_INFO", 1, "SHMMIN", 13);
	status = status ? status : rc;
	rc = compare("segments", got[3], "SHM_INFO used_ids", (unsigned long long)rows, "/proc/sysvipc/shm rows", 14);
	status = status ? status : rc;
	rc = compare("max index", (unsigned long long)max_ipc, "IPC_INFO", (unsigned long long)max_shm, "SHM_INFO", 15);
	status = status ? status : rc;
	for (int k = 0; k < N_GIVEN; k++) {
		if (!have[k])
			continue;
		rc = compare(given_names[k], got[k], "kernel", want[k], "given", 20 + k);
		status = status ? status : rc;
	}
	return status;
}
