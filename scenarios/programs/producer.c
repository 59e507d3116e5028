/* producer.c - creates a segment under the scenario's key, fills it with a
 * message and leaves it for the consumer, the way a real producer hands
 * data over through the kernel.  Careful: a segment left by a producer or
 * consumer that crashed is removed first, and every error path removes the
 * segment it created.  Exits 0, or the errno of the call that failed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/shm.h>

#include "shm_common.h"

static int fail(const char *what, int err)
{
	fprintf(stderr, "producer: %s: %s\n", what, strerror(err));
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
		shmctl(id, IPC_RMID, NULL); /* nobody will ever fill it */
		return fail("shmat", err);
	}
	memcpy(p, MESSAGE, sizeof(MESSAGE));
	if (shmdt(p) < 0) {
		int err = errno;
		shmctl(id, IPC_RMID, NULL); /* marked: gone when this process exits */
		return fail("shmdt", err);
	}
	return 0;
}
