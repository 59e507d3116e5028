/* rmid-noop.c - mutant: shmctl(IPC_RMID) returns 0 and does nothing.
 * Rule broken: IPC_RMID marks the segment (key 0, SHM_DEST) and destroys it
 * once nobody is attached. */
#include <sys/shm.h>
#include "mutant.h"

typedef int (*shmctl_fn)(int, int, struct shmid_ds *);
MUTANT_REAL(shmctl_fn, shmctl)

int shmctl(int shmid, int cmd, struct shmid_ds *buf)
{
	mutant_find_shmctl();
	if (cmd == IPC_RMID)
		return 0;
	return real_shmctl(shmid, cmd, buf);
}
