/* shmdt-noop.c - mutant: shmdt() returns 0 and detaches nothing.
 * Rule broken: shmdt ends the attachment (nattch drops, the mapping goes,
 * a marked segment dies with its last detach). */
#include <sys/shm.h>
#include "mutant.h"

int shmdt(const void *addr)
{
	(void)addr;
	return 0;
}
