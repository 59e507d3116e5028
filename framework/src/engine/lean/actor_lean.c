/* actor_lean.c - shmlife-actor, the lean actor: the actor's command loop
 * (actor.c) as a program of its own, built statically against another C
 * library (musl: cmake/LeanActor.cmake), so that `shmlife run --libc musl`
 * makes every actor's own calls (shmget, shmat, ftok, daemon, setsid ...)
 * through that libc (docs/libc.md).
 *
 * The conductor forks an actor as always; the child sets itself up (ids,
 * limits, stdio, its channel: sl_actor_prepare) and then execs this program
 * (sl_actor_exec_lean) with the channel's descriptor and the scenario's key:
 *
 *   shmlife-actor CHANNEL_FD AUTO_KEY
 *
 * It keeps the pid, the channel, the seccomp filter if one was installed
 * before (filters survive exec), and serves the same commands until told to
 * quit.  Not a command for people: anything else is refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "actor.h"


int main(int argc, char **argv)
{
	char *end = NULL;
	errno = 0;
	long fd = argc == 3 ? strtol(argv[1], &end, 10) : -1;
	if (argc != 3 || errno || !end || *end || fd < 0 || fd > 1 << 20 || fcntl((int)fd, F_GETFD) < 0) {
		fprintf(stderr, "shmlife-actor: an actor that shmlife's conductor starts (CHANNEL_FD AUTO_KEY), "
				"not a command\n");
		return 2;
	}
	long long auto_key = strtoll(argv[2], NULL, 10);
	actor_self.channel_fd = (int)fd;
	fcntl(actor_self.channel_fd, F_SETFD, FD_CLOEXEC);
	sl_actor_serve(auto_key);
}
