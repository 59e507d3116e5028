/* conductor_spawner.c - starting a big group of actors: a small process, the
 * spawner, forks them and hands each one's channel to the conductor.
 *
 * Every fork copies the forking process's table of descriptors, and the
 * conductor holds two for each actor started so far (its channel and its
 * pidfd): forking the thousandth actor from the conductor copies two
 * thousand descriptors, and the actor closes them again.  Starting N actors
 * that way is quadratic (4000 actors: 8.5 s here, most of it in the
 * kernel's dup_fd and close).  The spawner is forked from the conductor
 * before the first actor, with a handful of descriptors, and forks every
 * actor the conductor starts itself, in their order: each fork copies a
 * handful.  For each actor it sends the conductor a reply (wire.h) with the
 * actor's index (ret), its pid (child_pid) and the conductor's end of its
 * channel (SCM_RIGHTS), or the fork's errno; then it exits.  Its children
 * become the conductor's (PID 1 takes in orphans) once the conductor has
 * waited for the spawner's end, which it does before it waits for anything
 * else: the actors are then its children, as if it had forked them.
 *
 * Used from SL_SPAWNER_MIN actors on: below, the extra fork costs more than
 * the descriptors it saves.  Not with a terminal (the session's leader
 * forks the other actors, conductor.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "actor.h"
#include "conductor.h"
#include "util.h"
#include "wire.h"

/* Unmaps the whole pages inside [p, p + len).  The spawner never frees
 * what they held, nor does an actor (it ends by _exit or exec). */
static void unmap_inside(const void *p, size_t len)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t from = ((uintptr_t)p + page - 1) & ~(page - 1);
	uintptr_t to = ((uintptr_t)p + len) & ~(page - 1);
	if (p && to > from)
		munmap((void *)from, to - from);
}

/* The spawner: forks each actor the conductor starts, sends its channel. */
static void spawner_main(struct conductor *c, int ctl) __attribute__((noreturn));
static void spawner_main(struct conductor *c, int ctl)
{
	/* A fork copies the page tables of every private page written to: the
	 * script's steps (a big group's step is one step an actor, 424 bytes
	 * each) and the conductor's table of actors are neither the spawner's
	 * nor an actor's business.  Unmapped, not zeroed: a read of them is a
	 * crash, not a silent zero. */
	unmap_inside(c->s->steps, (size_t)c->s->nsteps * sizeof(c->s->steps[0]));
	unmap_inside(c->actors, (size_t)c->s->nactors * sizeof(c->actors[0]));
	for (int i = 0; i < c->s->nactors; i++) {
		if (c->s->actors[i].spawned)
			continue;
		struct sl_wire_reply r;
		memset(&r, 0, sizeof(r));
		r.ret = i;
		int chan;
		pid_t pid = conductor_fork_actor_process(c, i, &chan);
		if (pid < 0) {
			r.err = errno;
			sl_wire_send_reply(ctl, &r, -1);
			_exit(1);
		}
		r.child_pid = pid;
		int sent = sl_wire_send_reply(ctl, &r, chan);
		close(chan);
		if (sent < 0)
			_exit(1); /* the conductor is gone */
	}
	_exit(0);
}

/* Receives one reply of the spawner, waiting at most until `deadline`. */
static int receive(int ctl, int64_t deadline, struct sl_wire_reply *r, int *chan)
{
	struct pollfd p = { .fd = ctl, .events = POLLIN };
	int64_t left = deadline - sl_now_ms();
	int n;
	while ((n = poll(&p, 1, left > 0 ? (int)left : 0)) < 0 && errno == EINTR)
		left = deadline - sl_now_ms();
	if (n == 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	return sl_wire_recv_reply(ctl, r, chan) == 1 ? 0 : -1;
}

int conductor_spawn_actors(struct conductor *c, char *why, size_t len)
{
	int sv[2];
	conductor_trace_flush(c); /* it waits for the spawner */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(why, len, "cannot start the spawner: socketpair: %s", strerror(errno));
		return -1;
	}
	pid_t spawner = sl_child_fork(0);
	if (spawner == 0) {
		close(sv[0]);
		spawner_main(c, sv[1]);
	}
	close(sv[1]);
	if (spawner < 0) {
		snprintf(why, len, "cannot start the spawner: fork: %s", strerror(errno));
		close(sv[0]);
		return -1;
	}
	int rc = 0;
	for (int i = 0; i < c->s->nactors && rc == 0; i++) {
		if (c->s->actors[i].spawned)
			continue;
		struct sl_wire_reply r;
		int chan = -1;
		memset(&r, 0, sizeof(r));
		/* each actor within the step's limit, as one forked directly */
		if (receive(sv[0], sl_now_ms() + c->step_timeout_ms, &r, &chan) < 0 || r.ret != i) {
			snprintf(why, len, "cannot start actor %s: the spawner did not answer: %s", c->s->actors[i].name,
				 errno == ETIMEDOUT ? "it did not within the step's limit" : strerror(errno));
			rc = -1;
		} else if (r.err || chan < 0) {
			snprintf(why, len, "cannot start actor %s: %s", c->s->actors[i].name,
				 strerror(r.err ? r.err : EPROTO));
			rc = -1;
		} else {
			c->actors[i].started_pid = r.child_pid;
			if (conductor_adopt_actor(c, i, r.child_pid, chan, 1) < 0) {
				snprintf(why, len, "cannot start actor %s: %s", c->s->actors[i].name, strerror(errno));
				rc = -1;
			}
		}
		if (rc < 0 && chan >= 0 && c->actors[i].state == ACTOR_UNBORN)
			close(chan);
	}
	close(sv[0]);
	if (rc < 0)
		kill(spawner, SIGKILL);
	/* Its end makes its children, the actors, the conductor's; waited for
	 * here, so that reaping never takes it for an orphan. */
	while (waitpid(spawner, NULL, __WALL) < 0 && errno == EINTR)
		;
	return rc;
}
