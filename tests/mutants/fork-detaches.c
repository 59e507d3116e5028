/* fork-detaches.c - mutant: the child of fork() starts with every System V
 * attachment of its parent detached.
 * Rule broken: a child inherits its parent's attachments (nattch grows). */
#include <stdio.h>
#include <string.h>
#include <sys/shm.h>
#include <unistd.h>
#include "mutant.h"

typedef pid_t (*fork_fn)(void);
MUTANT_REAL(fork_fn, fork)

/* Detaches every mapping /proc/self/maps names SYSV<key>. */
static void detach_all(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "re");
	void *starts[256];
	int n = 0;

	if (!f)
		return;
	while (n < 256 && fgets(line, sizeof(line), f)) {
		unsigned long start;
		if (strstr(line, "/SYSV") && sscanf(line, "%lx-", &start) == 1)
			starts[n++] = (void *)start;
	}
	fclose(f);
	for (int i = 0; i < n; i++)
		shmdt(starts[i]);
}

pid_t fork(void)
{
	mutant_find_fork();
	pid_t pid = real_fork();
	if (pid == 0) {
		int saved = errno;
		detach_all();
		errno = saved;
	}
	return pid;
}
