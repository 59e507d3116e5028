/* excl-ignored.c - mutant: shmget ignores IPC_EXCL: an existing key is
 * returned instead of EEXIST.
 * Rule broken: IPC_CREAT|IPC_EXCL fails EEXIST when the key exists. */
#include <sys/shm.h>
#include "mutant.h"

typedef int (*shmget_fn)(key_t, size_t, int);
MUTANT_REAL(shmget_fn, shmget)

int shmget(key_t key, size_t size, int flags)
{
	mutant_find_shmget();
	int id = real_shmget(key, size, flags);
	if (id == -1 && errno == EEXIST && (flags & IPC_EXCL))
		id = real_shmget(key, size, flags & ~IPC_EXCL);
	return id;
}
