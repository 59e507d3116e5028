/* rawshm.c - System V shared memory through raw syscall(2), no libc
 * wrappers, so that nothing an LD_PRELOAD interposer could wrap is ever
 * called (built static as well: shmlife-rawshm-static).  It creates a
 * private segment, attaches it N times (argv[1], default 1, at most 7),
 * detaches what it attached and removes the segment.
 * Exits 0; 100 + a mask of the attaches that failed (bit k-1: attach k), the
 * others going on; or the errno of the shmget, shmdt or shmctl that failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	if (n < 1 || n > 7)
		return 2;
	long id = syscall(SYS_shmget, IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	if (id < 0)
		return errno;
	long addr[7];
	int failed = 0;
	for (int k = 0; k < n; k++) {
		addr[k] = syscall(SYS_shmat, id, NULL, 0);
		if (addr[k] == -1)
			failed |= 1 << k;
	}
	int err = 0;
	for (int k = 0; k < n; k++)
		if (addr[k] != -1 && syscall(SYS_shmdt, (void *)(intptr_t)addr[k]) < 0 && !err)
			err = errno;
	if (syscall(SYS_shmctl, id, IPC_RMID, NULL) < 0 && !err)
		err = errno;
	if (failed)
		return 100 + failed;
	return err;
}
