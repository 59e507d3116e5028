/* daemon-no-setsid.c - mutant: daemon(3) forks and exits the parent but
 * never calls setsid: the "daemon" stays in its parent's session.
 * Rule broken: glibc's daemon() leaves the process in a new session without a
 * controlling terminal. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "mutant.h"

int daemon(int nochdir, int noclose)
{
	pid_t pid = fork();
	if (pid == -1)
		return -1;
	if (pid != 0)
		_exit(0);
	if (!nochdir && chdir("/") == -1)
		return -1;
	if (!noclose) {
		int fd = open("/dev/null", O_RDWR);
		if (fd == -1)
			return -1;
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}
