/* stat-nattch.c - mutant: IPC_STAT (and SHM_STAT, SHM_STAT_ANY) report
 * shm_nattch one too high.
 * Rule broken: shm_nattch is the number of current attachments. */
#include <sys/shm.h>
#include "mutant.h"

typedef int (*shmctl_fn)(int, int, struct shmid_ds *);
MUTANT_REAL(shmctl_fn, shmctl)

int shmctl(int shmid, int cmd, struct shmid_ds *buf)
{
	mutant_find_shmctl();
	int r = real_shmctl(shmid, cmd, buf);
	if (r != -1 && buf && (cmd == IPC_STAT || cmd == SHM_STAT || cmd == SHM_STAT_ANY))
		buf->shm_nattch++;
	return r;
}
