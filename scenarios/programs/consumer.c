/* consumer.c - finds the producer's segment, attaches it, marks it for
 * removal at once (it is gone when the last process detaches, even if this
 * one crashes), reads and checks the message, detaches.  Exits 0, 3 if the
 * message is not there (a producer that crashed half-way), or the errno of
 * the call that failed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/shm.h>

#include "shm_common.h"

static int fail(const char *what, int err)
{
	fprintf(stderr, "consumer: %s: %s\n", what, strerror(err));
	return err;
}

int main(int argc, char **argv)
{
	int id = shmget(program_key(argc, argv), 0, 0);
	if (id < 0)
		return fail("shmget", errno);
	char *p = shmat(id, NULL, SHM_RDONLY);
	if (p == (void *)-1) {
		int err = errno;
		shmctl(id, IPC_RMID, NULL); /* unreadable: do not leave it behind */
		return fail("shmat", err);
	}
	if (shmctl(id, IPC_RMID, NULL) < 0) {
		int err = errno;
		shmdt(p);
		shmctl(id, IPC_RMID, NULL); /* once more, detached */
		return fail("shmctl(IPC_RMID)", err);
	}
	int intact = strncmp(p, MESSAGE, SEGMENT_SIZE) == 0;
	if (shmdt(p) < 0)
		return fail("shmdt", errno); /* marked already: exiting detaches it */
	if (!intact) {
		fprintf(stderr, "consumer: the message is not there\n");
		return 3;
	}
	return 0;
}
