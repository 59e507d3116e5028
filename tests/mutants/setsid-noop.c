/* setsid-noop.c - mutant: setsid() returns the caller's pid, as if it had
 * made a session, and changes nothing.
 * Rule broken: setsid makes the caller leader of a new session and group,
 * without a controlling terminal. */
#include <unistd.h>
#include "mutant.h"

pid_t setsid(void)
{
	return getpid();
}
