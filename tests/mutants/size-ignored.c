/* size-ignored.c - mutant: shmget of an existing key asking for more than
 * its size succeeds (with the old, smaller segment).
 * Rule broken: the size is fixed at creation; asking more is EINVAL. */
#include <sys/shm.h>
#include "mutant.h"

typedef int (*shmget_fn)(key_t, size_t, int);
MUTANT_REAL(shmget_fn, shmget)

int shmget(key_t key, size_t size, int flags)
{
	mutant_find_shmget();
	int id = real_shmget(key, size, flags);
	if (id == -1 && errno == EINVAL && key != IPC_PRIVATE && size > 0) {
		int old = real_shmget(key, 0, flags & ~(IPC_CREAT | IPC_EXCL));
		if (old >= 0)
			return old;
		errno = EINVAL;
	}
	return id;
}
