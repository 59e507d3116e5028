/* libc-views.c - shmlife-scn-libc-views: does the C library tell what the
 * kernel says about every segment of the namespace?  For each segment (found
 * by the raw SHM_INFO / SHM_STAT_ANY system calls), IPC_STAT through libc's
 * shmctl() is compared field by field with IPC_STAT through syscall(2), and
 * SHM_STAT through libc with SHM_STAT_ANY through syscall(2).
 * (scenarios/segment/libc-agrees-with-kernel.scn; under ci/mutants.sh a
 * libc that lies about IPC_STAT is caught here: the observer itself never
 * calls libc for kernel state.)
 *
 *   shmlife-scn-libc-views [segments=N]
 *
 * Prints each disagreement as "shmid 3: libc says key 0x1234, kernel says 0"
 * on stdout.  Exit: 0 libc and kernel agree on every segment (and there are
 * N of them, if given); 1 bad usage; 2 the kernel could not be read;
 * 3 they disagree; 4 not N segments.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

static int raw_shmctl(int id, int cmd, void *buf)
{
	return (int)syscall(SYS_shmctl, id, cmd, buf);
}

static int differs;

static void compare(int shmid, const char *name, long long libc, long long kernel, int hex)
{
	if (libc == kernel)
		return;
	differs = 1;
	if (hex)
		printf("shmid %d: libc says %s 0x%llx, kernel says 0x%llx\n", shmid, name, libc, kernel);
	else
		printf("shmid %d: libc says %s %lld, kernel says %lld\n", shmid, name, libc, kernel);
}

static void compare_ds(int shmid, const char *how, const struct shmid_ds *l, const struct shmid_ds *k)
{
	printf("shmid %d (%s): key 0x%x nattch %llu mode 0%o\n", shmid, how, (unsigned)k->shm_perm.__key,
	       (unsigned long long)k->shm_nattch, (unsigned)k->shm_perm.mode);
	compare(shmid, "key", (unsigned)l->shm_perm.__key, (unsigned)k->shm_perm.__key, 1);
	compare(shmid, "mode", l->shm_perm.mode, k->shm_perm.mode, 1);
	compare(shmid, "uid", l->shm_perm.uid, k->shm_perm.uid, 0);
	compare(shmid, "gid", l->shm_perm.gid, k->shm_perm.gid, 0);
	compare(shmid, "cuid", l->shm_perm.cuid, k->shm_perm.cuid, 0);
	compare(shmid, "cgid", l->shm_perm.cgid, k->shm_perm.cgid, 0);
	compare(shmid, "size", (long long)l->shm_segsz, (long long)k->shm_segsz, 0);
	compare(shmid, "nattch", (long long)l->shm_nattch, (long long)k->shm_nattch, 0);
	compare(shmid, "cpid", l->shm_cpid, k->shm_cpid, 0);
	compare(shmid, "lpid", l->shm_lpid, k->shm_lpid, 0);
	compare(shmid, "atime", l->shm_atime, k->shm_atime, 0);
	compare(shmid, "dtime", l->shm_dtime, k->shm_dtime, 0);
	compare(shmid, "ctime", l->shm_ctime, k->shm_ctime, 0);
}

/* The segment at `index`: IPC_STAT and SHM_STAT, libc against kernel.
 * 1 if there is one, 0 if the index is free, -1 if the kernel failed. */
static int check_index(int index)
{
	struct shmid_ds k, l;
	int shmid = raw_shmctl(index, SHM_STAT_ANY, &k);
	if (shmid == -1)
		return errno == EINVAL ? 0 : -1;
	memset(&l, 0, sizeof(l));
	if (shmctl(shmid, IPC_STAT, &l) == -1) {
		printf("shmid %d: libc's IPC_STAT fails (%s), the kernel's succeeds\n", shmid, strerror(errno));
		differs = 1;
	} else if (raw_shmctl(shmid, IPC_STAT, &k) == 0) {
		compare_ds(shmid, "IPC_STAT", &l, &k);
	}
	memset(&l, 0, sizeof(l));
	int libc_id = shmctl(index, SHM_STAT, &l);
	if (libc_id != -1 && raw_shmctl(index, SHM_STAT_ANY, &k) != -1)
		compare_ds(shmid, "SHM_STAT", &l, &k);
	return 1;
}

int main(int argc, char **argv)
{
	long want = -1;
	struct shm_info info;

	if (argc > 2 || (argc == 2 && sscanf(argv[1], "segments=%ld", &want) != 1)) {
		fprintf(stderr, "usage: shmlife-scn-libc-views [segments=N]\n");
		return 1;
	}
	int max_index = raw_shmctl(0, SHM_INFO, &info);
	if (max_index == -1) {
		perror("SHM_INFO");
		return 2;
	}
	long found = 0;
	for (int i = 0; i <= max_index; i++) {
		int r = check_index(i);
		if (r == -1) {
			perror("SHM_STAT_ANY");
			return 2;
		}
		found += r;
	}
	if (differs)
		return 3;
	if (want >= 0 && found != want) {
		printf("%ld segments, not %ld\n", found, want);
		return 4;
	}
	printf("libc and kernel agree on %ld segments\n", found);
	return 0;
}
