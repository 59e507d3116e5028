/* rdonly-ignored.c - mutant: shmat ignores SHM_RDONLY (attaches read-write
 * whenever the caller may write).
 * Rule broken: a SHM_RDONLY attachment cannot be written (SIGSEGV). */
#include <sys/shm.h>
#include "mutant.h"

typedef void *(*shmat_fn)(int, const void *, int);
MUTANT_REAL(shmat_fn, shmat)

void *shmat(int shmid, const void *addr, int flags)
{
	mutant_find_shmat();
	if (flags & SHM_RDONLY) {
		void *p = real_shmat(shmid, addr, flags & ~SHM_RDONLY);
		if (p != (void *)-1)
			return p;
	}
	return real_shmat(shmid, addr, flags);
}
