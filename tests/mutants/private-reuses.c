/* private-reuses.c - mutant: shmget(IPC_PRIVATE) hands back the last
 * IPC_PRIVATE segment this process made, while it exists.
 * Rule broken: IPC_PRIVATE always makes a new segment. */
#include <sys/shm.h>
#include "mutant.h"

typedef int (*shmget_fn)(key_t, size_t, int);
typedef int (*shmctl_fn)(int, int, struct shmid_ds *);
MUTANT_REAL(shmget_fn, shmget)
MUTANT_REAL(shmctl_fn, shmctl)

static int last_private = -1;

int shmget(key_t key, size_t size, int flags)
{
	struct shmid_ds ds;

	mutant_find_shmget();
	mutant_find_shmctl();
	if (key == IPC_PRIVATE && last_private >= 0 && real_shmctl(last_private, IPC_STAT, &ds) == 0 &&
	    size <= ds.shm_segsz)
		return last_private;
	int id = real_shmget(key, size, flags);
	if (key == IPC_PRIVATE && id >= 0)
		last_private = id;
	return id;
}
