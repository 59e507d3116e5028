/* dirty-new.c - mutant: the first writable shmat of a segment nobody was
 * attached to and nobody ever detached from (a new one) finds its first
 * bytes not zero.
 * Rule broken: a new segment is zero-filled. */
#include <string.h>
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
	int fresh = real_shmctl(shmid, IPC_STAT, &ds) == 0 && ds.shm_nattch == 0 && ds.shm_atime == 0 &&
		    ds.shm_dtime == 0 && ds.shm_segsz >= 4;
	void *p = real_shmat(shmid, addr, flags);
	if (p != (void *)-1 && fresh && !(flags & SHM_RDONLY))
		memcpy(p, "\xde\xad\xbe\xef", 4);
	return p;
}
