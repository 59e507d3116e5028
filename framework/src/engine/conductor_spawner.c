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
 *
 * Where the run names a program of shmlife's that understands `__spawner`
 * (sl_run_options.spawner_program: the shmlife command names itself), the
 * spawner execs it: a fresh process, whose memory is its own small heap and
 * the scenario's actors (handed over as a record without its steps,
 * record_fd.h), not a copy of the harness's and the conductor's.  Every
 * fork copies the page tables and the anon_vma chains of its parent's
 * written memory, and a chain grows with each generation of forks
 * (harness, conductor, spawner): with 10 000 actors that was most of the
 * kernel's time.  If the exec fails, the forked spawner goes on as before.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "actor.h"
#include "conductor.h"
#include "cpu.h"
#include "record_fd.h"
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

/* Closes every descriptor from 3 on but a and b. */
static void close_all_but(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;
	if (lo > 3)
		syscall(SYS_close_range, 3u, (unsigned)lo - 1, 0u);
	if (hi > lo + 1)
		syscall(SYS_close_range, (unsigned)lo + 1, (unsigned)hi - 1, 0u);
	syscall(SYS_close_range, (unsigned)hi + 1, ~0U, 0u);
}

/* In the forked spawner: exec the run's spawner program with the record
 * and the control channel; returns only if that cannot be done. */
static void exec_spawner(const struct conductor *c, int record_fd, int ctl)
{
	char kept[512], rec[16], fd[16], key[32], changed[32];
	if (record_fd < 0 || sl_cpu_kept_text(kept, sizeof(kept)) < 0)
		return;
	int flags = fcntl(ctl, F_GETFD);
	if (flags < 0 || fcntl(ctl, F_SETFD, flags & ~FD_CLOEXEC) < 0)
		return;
	snprintf(rec, sizeof(rec), "%d", record_fd);
	snprintf(fd, sizeof(fd), "%d", ctl);
	snprintf(key, sizeof(key), "%lld", c->auto_key);
	snprintf(changed, sizeof(changed), "%" PRIx64, c->signals_changed);
	char *argv[] = { (char *)c->o->spawner_program, "__spawner", rec, fd, key, changed, kept,
			 (char *)(c->o->actor_program ? c->o->actor_program : "-"), NULL };
	close_all_but(record_fd, ctl);
	execv(c->o->spawner_program, argv);
	fcntl(ctl, F_SETFD, flags); /* go on as the forked spawner */
}

/* The scenario without its steps (nor the invariants, which are steps), as
 * a record for the exec'd spawner; -1 if there is no spawner program. */
static int actors_record(const struct conductor *c)
{
	if (!c->o->spawner_program)
		return -1;
	struct sl_scenario lite = *c->s;
	lite.steps = NULL;
	lite.nsteps = 0;
	lite.invariants = NULL;
	lite.ninvariants = 0;
	return sl_record_memfd(&lite);
}

int conductor_spawn_actors(struct conductor *c, char *why, size_t len)
{
	int sv[2];
	conductor_trace_flush(c); /* it waits for the spawner */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(why, len, "cannot start the spawner: socketpair: %s", strerror(errno));
		return -1;
	}
	int record_fd = actors_record(c); /* -1: the forked spawner does it all */
	pid_t spawner = sl_child_fork(0);
	if (spawner == 0) {
		close(sv[0]);
		exec_spawner(c, record_fd, sv[1]);
		if (record_fd >= 0)
			close(record_fd);
		spawner_main(c, sv[1]);
	}
	if (record_fd >= 0)
		close(record_fd);
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

/* ---- __spawner --------------------------------------------------------------- */

int sl_spawner_main(int argc, char **argv)
{
	long long rec, ctl, key, changed;
	if (argc != 7 || sl_parse_number(argv[1], 10, 0, INT_MAX, &rec) || sl_parse_number(argv[2], 10, 0, INT_MAX, &ctl) ||
	    sl_parse_number(argv[3], 10, LLONG_MIN, LLONG_MAX, &key) || sl_parse_number(argv[4], 16, 0, LLONG_MAX, &changed) ||
	    sl_cpu_kept_from_text(argv[5]) < 0 || fcntl((int)ctl, F_GETFD) < 0) {
		fprintf(stderr, "shmlife: __spawner is internal: a scenario's conductor runs it to start a big group\n");
		return 2;
	}
	fcntl((int)ctl, F_SETFD, FD_CLOEXEC);
	char why[256];
	struct sl_scenario *s = sl_record_from_fd((int)rec, why, sizeof(why));
	if (!s) { /* the conductor hears of it: no actor comes */
		struct sl_wire_reply r;
		memset(&r, 0, sizeof(r));
		r.err = EPROTO;
		sl_wire_send_reply((int)ctl, &r, -1);
		fprintf(stderr, "shmlife __spawner: %s\n", why);
		return 3;
	}
	struct sl_run_options o;
	sl_run_options_default(&o);
	o.actor_program = strcmp(argv[6], "-") ? argv[6] : NULL;
	struct conductor c;
	memset(&c, 0, sizeof(c));
	c.s = s;
	c.o = &o;
	c.pty_master = c.pty_slave = -1;
	c.auto_key = key;
	c.signals_changed = (uint64_t)changed;
	spawner_main(&c, (int)ctl);
}
