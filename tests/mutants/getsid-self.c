/* getsid-self.c - mutant: getsid() answers the caller's own pid, whoever is
 * asked about.
 * Rule broken: getsid returns the session id, inherited from the parent and
 * kept by a process that is not a leader. */
#include <unistd.h>
#include "mutant.h"

typedef pid_t (*getsid_fn)(pid_t);
MUTANT_REAL(getsid_fn, getsid)

pid_t getsid(pid_t pid)
{
	mutant_find_getsid();
	pid_t sid = real_getsid(pid);
	return sid == -1 ? -1 : getpid();
}
