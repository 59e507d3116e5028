/* careless.c - the same life of a segment as careful.c, the way it is often
 * written: it removes the segment only at the very end, on the success
 * path.  When shmat or shmdt fails it returns at once and leaves the segment
 * behind; a crash anywhere between shmget and the final IPC_RMID leaves it
 * too, and the next run then fails on it (IPC_EXCL: EEXIST) instead of
 * cleaning it up.  Exits 0, 3 if the data read back differs, or the errno of
 * the call that failed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/shm.h>

#include "shm_common.h"

static int fail(const char *what, int err)
{
	fprintf(stderr, "careless: %s: %s\n", what, strerror(err));
	return err;
}

int main(int argc, char **argv)
{
	int id = shmget(program_key(argc, argv), SEGMENT_SIZE, IPC_CREAT | IPC_EXCL | 0600);
	if (id < 0)
		return fail("shmget", errno); /* a stale segment stops every later run */
	char *p = shmat(id, NULL, 0);
	if (p == (void *)-1)
		return fail("shmat", errno); /* BUG: the segment is left behind */
	memcpy(p, MESSAGE, sizeof(MESSAGE));
	int intact = strcmp(p, MESSAGE) == 0;
	if (shmdt(p) < 0)
		return fail("shmdt", errno); /* BUG: never removed */
	if (shmctl(id, IPC_RMID, NULL) < 0)
		return fail("shmctl(IPC_RMID)", errno);
	return intact ? 0 : 3;
}
