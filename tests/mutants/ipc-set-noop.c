/* ipc-set-noop.c - mutant: shmctl(IPC_SET) returns 0 and changes nothing.
 * Rule broken: IPC_SET changes uid, gid and mode, and ctime. */
#include <sys/shm.h>
#include "mutant.h"

typedef int (*shmctl_fn)(int, int, struct shmid_ds *);
MUTANT_REAL(shmctl_fn, shmctl)

int shmctl(int shmid, int cmd, struct shmid_ds *buf)
{
	mutant_find_shmctl();
	if (cmd == IPC_SET)
		return 0;
	return real_shmctl(shmid, cmd, buf);
}
