/* careful.c - one segment's whole life in one program, done right: a
 * segment left by an earlier run that crashed is removed first; the new one
 * is marked for removal (IPC_RMID) as soon as it is attached, so that it is
 * gone when this process ends, however it ends; every error path removes
 * what it created.  Run it again after any crash and nothing is left.
 * Exits 0, 3 if the data read back differs, or the errno of the call that
 * failed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/shm.h>

#include "shm_common.h"

static int fail(const char *what, int err)
{
	fprintf(stderr, "careful: %s: %s\n", what, strerror(err));
	return err;
}

int main(int argc, char **argv)
{
	key_t key = program_key(argc, argv);
	int stale = shmget(key, 0, 0);
	if (stale >= 0 && shmctl(stale, IPC_RMID, NULL) < 0)
		return fail("removing a stale segment", errno);
	if (stale < 0 && errno != ENOENT)
		return fail("looking for a stale segment", errno);
	int id = shmget(key, SEGMENT_SIZE, IPC_CREAT | IPC_EXCL | 0600);
	if (id < 0)
		return fail("shmget", errno);
	char *p = shmat(id, NULL, 0);
	if (p == (void *)-1) {
		int err = errno;
		shmctl(id, IPC_RMID, NULL);
		return fail("shmat", err);
	}
	if (shmctl(id, IPC_RMID, NULL) < 0) {
		int err = errno;
		shmdt(p);
		shmctl(id, IPC_RMID, NULL); /* once more, detached */
		return fail("shmctl(IPC_RMID)", err);
	}
	memcpy(p, MESSAGE, sizeof(MESSAGE));
	int intact = strcmp(p, MESSAGE) == 0;
	if (shmdt(p) < 0)
		return fail("shmdt", errno); /* marked already: exiting detaches it */
	return intact ? 0 : 3;
}
