/* key-after-rmid.c - mutant: after IPC_RMID, IPC_STAT still reports the key
 * the segment had (or one made up, if this process never saw it).
 * Rule broken: a marked segment's key reads 0 (IPC_PRIVATE). */
#include <sys/shm.h>
#include "mutant.h"

typedef int (*shmctl_fn)(int, int, struct shmid_ds *);
typedef int (*shmget_fn)(key_t, size_t, int);
MUTANT_REAL(shmctl_fn, shmctl)
MUTANT_REAL(shmget_fn, shmget)

#define KEPT 64
static struct { int id; key_t key; } kept[KEPT]; /* inherited by fork */

int shmget(key_t key, size_t size, int flags)
{
	mutant_find_shmget();
	int id = real_shmget(key, size, flags);
	if (id >= 0 && key != IPC_PRIVATE)
		kept[(unsigned)id % KEPT].id = id, kept[(unsigned)id % KEPT].key = key;
	return id;
}

int shmctl(int shmid, int cmd, struct shmid_ds *buf)
{
	mutant_find_shmctl();
	int r = real_shmctl(shmid, cmd, buf);
	if (r == -1 || !buf || (cmd != IPC_STAT && cmd != SHM_STAT && cmd != SHM_STAT_ANY))
		return r;
	int id = cmd == IPC_STAT ? shmid : r;
	if ((buf->shm_perm.mode & SHM_DEST) && buf->shm_perm.__key == IPC_PRIVATE)
		buf->shm_perm.__key = id >= 0 && kept[(unsigned)id % KEPT].id == id && kept[(unsigned)id % KEPT].key
					      ? kept[(unsigned)id % KEPT].key
					      : (key_t)0x00c0ffee;
	return r;
}
