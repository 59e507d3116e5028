/* shm-lock-noop.c - mutant: SHM_LOCK and SHM_UNLOCK return 0 and change
 * nothing.
 * Rule broken: SHM_LOCK sets SHM_LOCKED in the mode, SHM_UNLOCK clears it. */
#include <sys/shm.h>
#include "mutant.h"

typedef int (*shmctl_fn)(int, int, struct shmid_ds *);
MUTANT_REAL(shmctl_fn, shmctl)

int shmctl(int shmid, int cmd, struct shmid_ds *buf)
{
	mutant_find_shmctl();
	if (cmd == SHM_LOCK || cmd == SHM_UNLOCK)
		return 0;
	return real_shmctl(shmid, cmd, buf);
}
