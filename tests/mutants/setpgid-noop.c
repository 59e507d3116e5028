/* setpgid-noop.c - mutant: setpgid() returns 0 and changes nothing.
 * Rule broken: setpgid moves a process into a group (or makes one), and
 * refuses what POSIX forbids (EPERM, ESRCH, EACCES). */
#include <unistd.h>
#include "mutant.h"

int setpgid(pid_t pid, pid_t pgid)
{
	(void)pid;
	(void)pgid;
	return 0;
}
