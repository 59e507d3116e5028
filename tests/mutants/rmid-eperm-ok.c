/* rmid-eperm-ok.c - mutant: IPC_RMID and IPC_SET refused with EPERM report
 * success (and still do nothing).
 * Rule broken: only the owner, the creator or a privileged process may
 * remove a segment or change its owner and mode. */
#include <sys/shm.h>
#include "mutant.h"

typedef int (*shmctl_fn)(int, int, struct shmid_ds *);
MUTANT_REAL(shmctl_fn, shmctl)

int shmctl(int shmid, int cmd, struct shmid_ds *buf)
{
	mutant_find_shmctl();
	int r = real_shmctl(shmid, cmd, buf);
	if (r == -1 && errno == EPERM && (cmd == IPC_RMID || cmd == IPC_SET))
		return 0;
	return r;
}
