/* reattach-refused.c - mutant: shmat of a segment marked for removal fails
 * EIDRM (what the study notes believed).
 * Rule broken (Linux): a marked segment may still be attached by id until it
 * is destroyed. */
#include <sys/shm.h>
#include "mutant.h"

typedef void *(*shmat_fn)(int, const void *, int);
typedef int (*shmctl_fn)(int, int, struct shmid_ds *);
MUTANT_REAL(shmat_fn, shmat)
MUTANT_REAL(shmctl_fn, shmctl)

void *shmat(int shmid, const void *addr, int flags)
{
	struct shmid_ds ds;

	mutant_find_shmat();
	mutant_find_shmctl();
	if (real_shmctl(shmid, IPC_STAT, &ds) == 0 && (ds.shm_perm.mode & SHM_DEST)) {
		errno = EIDRM;
		return (void *)-1;
	}
	return real_shmat(shmid, addr, flags);
}
