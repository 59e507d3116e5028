/* conductor_actors.c - the conductor's side of its actors: starting them,
 * calling them with a bound wait, noticing when they end and with what
 * status, reaping, and killing everything at the end.
 *
 * An actor has ended when its channel reads end-of-file and its pidfd says
 * it exited (the conductor's own children: when waitpid says so, or their
 * pidfd, opened when their end is awaited).  Its status comes from what the
 * reaper remembered (conductor_reap.c) or waitpid() when it is the
 * conductor's child (or an orphan, since the conductor is PID 1), and
 * otherwise from the exit_code field of /proc/PID/stat while it is a zombie
 * of its parent actor (actors never reap).
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "actor.h"
#include "conductor.h"
#include "cpu.h"
#include "inject.h"
#include "proc_stat.h"
#include "util.h"

/* exit_code, the last field of /proc/PID/stat, of a zombie. */
static int zombie_status(pid_t pid, int *status)
{
	struct sl_proc_stat st;
	if (sl_proc_stat_read(pid, &st) < 0 || (st.state != 'Z' && st.state != 'X') || st.exit_code < 0)
		return -1;
	*status = st.exit_code;
	return 0;
}

/* The status of an ended process, or -1 if it cannot be known (yet). */
static int ended_status(struct conductor *c, pid_t pid, int *status)
{
	for (int i = c->nreaped - 1; i >= 0; i--)
		if (c->reaped[i].pid == pid) {
			*status = c->reaped[i].status;
			return 0;
		}
	pid_t w = waitpid(pid, status, WNOHANG | __WALL);
	if (w == pid) {
		conductor_remember_status(c, pid, *status);
		return 0;
	}
	if (w < 0 && errno == ECHILD)
		return zombie_status(pid, status);
	return -1;
}

static void mark_ended(struct conductor *c, struct conductor_actor *a, int status)
{
	assert(a >= c->actors && a < c->actors + c->s->nactors);
	assert(a->state == ACTOR_RUNNING); /* only a process that ran can end */
	a->state = ACTOR_ENDED;
	a->wait_status = status;
	a->busy_seq = 0; /* no answer will come */
	if (a->chan >= 0)
		close(a->chan);
	if (a->pidfd >= 0)
		close(a->pidfd);
	a->chan = a->pidfd = -1;
	(void)c;
}

int conductor_adopt_actor(struct conductor *c, int idx, pid_t pid, int chan, int own_child)
{
	assert(idx >= 0 && idx < c->s->nactors);
	struct conductor_actor *a = &c->actors[idx];
	assert(a->state == ACTOR_UNBORN); /* an actor is born once */
	assert(pid > 0);
	a->pid = pid;
	a->chan = chan;
	a->own_child = own_child;
	/* Another's child may be reaped by its parent, and its pid reused: its
	 * pidfd is taken now.  The conductor's own waits for the conductor. */
	a->pidfd = own_child ? -1 : sl_pidfd_open(pid);
	a->state = ACTOR_RUNNING;
	a->died_at_step = -1;
	a->busy_seq = 0;
	a->busy_step = -1;
	a->chan_fd = SL_CHANNEL_FD; /* until its first answer says where */
	a->out_fd[0] = a->out_fd[1] = -1;
	a->out[0].step = a->out[1].step = -1;
	/* without pidfds (valgrind does not know pidfd_open), ends are polled */
	return !own_child && a->pidfd < 0 && errno != ENOSYS ? -1 : 0;
}

/* Waits up to timeout_ms for the process of `a` to end: on its pidfd, or,
 * without one, by looking every 10 ms.  1 if it has ended.  The conductor's
 * own child is looked at first (waitpid), and gets a pidfd only if it must
 * be waited for: its pid cannot have been reused, since only the conductor
 * reaps it, and what it reaped it remembers (ended_status). */
static int wait_process_end(struct conductor *c, struct conductor_actor *a, int timeout_ms)
{
	int status;
	if (a->own_child && a->pidfd < 0) {
		if (ended_status(c, a->pid, &status) == 0)
			return 1;
		if (timeout_ms > 0)
			a->pidfd = sl_pidfd_open(a->pid); /* -1 (valgrind): looked at below */
	}
	if (a->pidfd >= 0) {
		struct pollfd p = { .fd = a->pidfd, .events = POLLIN };
		return conductor_poll(c, &p, 1, timeout_ms) > 0; /* reaping, answering injected calls */
	}
	int64_t deadline = sl_now_ms() + timeout_ms;
	for (;;) {
		if (ended_status(c, a->pid, &status) == 0)
			return 1;
		if (sl_now_ms() >= deadline)
			return 0;
		conductor_poll(c, NULL, 0, 10);
	}
}

void conductor_actor_child(const struct conductor *c, int idx, int channel)
{
	struct sl_actor_boot boot = {
		.channel = channel, .tty_fd = c->pty_slave,
		/* opened while the ids are still the conductor's */
		.lean_fd = c->o->actor_program ? open(c->o->actor_program, O_RDONLY | O_CLOEXEC) : -1,
		.session_leader = c->pty_slave >= 0,
		.def = &c->s->actors[idx], .auto_key = c->auto_key,
		.signals_changed = c->signals_changed,
	};
	if (sl_actor_prepare(&boot) < 0)
		_exit(125);
	if (c->o->actor_program)
		sl_actor_exec_lean(c->o->actor_program, c->auto_key); /* run --libc musl */
	sl_actor_serve(c->auto_key);
}

pid_t conductor_fork_actor_process(const struct conductor *c, int idx, int *chan)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	pid_t pid = sl_child_fork(0);
	if (pid == 0)
		conductor_actor_child(c, idx, sv[1]); /* closes every other descriptor */
	int saved = errno;
	close(sv[1]);
	if (pid < 0)
		close(sv[0]);
	else
		*chan = sv[0];
	errno = saved;
	return pid;
}

int conductor_start_actor(struct conductor *c, int idx)
{
	int chan;
	pid_t pid = conductor_fork_actor_process(c, idx, &chan);
	if (pid < 0)
		return -1;
	c->actors[idx].started_pid = pid;
	return conductor_adopt_actor(c, idx, pid, chan, 1);
}

int conductor_fork_actor(struct conductor *c, int parent, int idx)
{
	struct sl_wire_cmd cmd;
	memset(&cmd, 0, sizeof(cmd));
	cmd.op = SL_OP_FORK;
	cmd.step = -1;
	struct sl_wire_reply r;
	int chan = -1;
	memset(&r, 0, sizeof(r));
	if (conductor_call(c, parent, &cmd, NULL, 0, &r, &chan) != 1 || r.err || r.setup[0] || chan < 0) {
		if (chan >= 0)
			close(chan);
		errno = r.err ? r.err : ECHILD;
		return -1;
	}
	return conductor_adopt_actor(c, idx, r.child_pid, chan, 0);
}

/* A process of the step in progress is under fault injection now: the
 * supervisor takes its listener and learns its pid; it may go on. */
static void take_announcement(struct conductor *c, int idx, const struct sl_wire_reply *r, int listener)
{
	struct conductor_actor *a = &c->actors[idx];
	inject_announced(r->pid, a->pid, listener, r->err);
	struct sl_wire_cmd ack;
	memset(&ack, 0, sizeof(ack));
	ack.op = SL_WIRE_ACK;
	ack.step = -1;
	ack.seq = r->seq; /* the command during which it announced itself */
	sl_wire_send_cmd(a->chan, &ack, NULL, 0); /* if it is gone, its end is seen next */
}

/* The actor's channel ended: wait (bounded) for its process, collect status. */
static void collect_end(struct conductor *c, int idx, int timeout_ms)
{
	struct conductor_actor *a = &c->actors[idx];
	int status = 0;
	int64_t deadline = sl_now_ms() + timeout_ms;
	for (;;) {
		if (ended_status(c, a->pid, &status) == 0)
			break;
		int left = (int)(deadline - sl_now_ms());
		if (left <= 0) { /* the channel closed but the process lives on */
			status = -1;
			break;
		}
		wait_process_end(c, a, left > 50 ? 50 : left);
	}
	mark_ended(c, a, status);
}

/* An answer that does not answer the command in progress: one that came
 * after its step timed out.  It goes into the trace, and is discarded. */
static void record_late(struct conductor *c, int idx, const struct sl_wire_reply *r, int passed_fd)
{
	struct conductor_actor *a = &c->actors[idx];
	struct sl_trace_entry e;
	memset(&e, 0, sizeof(e));
	e.kind = SL_ENTRY_EVENT;
	e.step = -1;
	e.actor = idx;
	e.pid = r->pid;
	e.verdict = SL_SKIP;
	e.ret = r->ret;
	e.err = r->err;
	e.t_ns = sl_now_ns() - c->t0;
	e.brief.slot = -1;
	sl_setf(e.detail, sizeof(e.detail), "late answer of %s to ", conductor_actor_name(c, idx));
	if (r->seq == a->busy_seq && a->busy_step >= 0 && a->busy_step < c->s->nsteps)
		sl_appendf(e.detail, sizeof(e.detail), "line %d, which had timed out",
			   c->s->steps[a->busy_step].line);
	else if (r->seq == a->busy_seq)
		sl_appendf(e.detail, sizeof(e.detail), "a question of the conductor's, which had timed out");
	else
		sl_appendf(e.detail, sizeof(e.detail), "no question in progress (seq %u)", (unsigned)r->seq);
	sl_appendf(e.detail, sizeof(e.detail), ": returned %lld", (long long)r->ret);
	if (r->err)
		sl_appendf(e.detail, sizeof(e.detail), ", %s", sl_errno_name(r->err));
	if (r->child_pid > 0 && WIFEXITED(r->status))
		sl_appendf(e.detail, sizeof(e.detail), ", its program exited %d", WEXITSTATUS(r->status));
	else if (r->child_pid > 0 && WIFSIGNALED(r->status))
		sl_appendf(e.detail, sizeof(e.detail), ", its program was killed by %s", sl_signal_name(WTERMSIG(r->status)));
	sl_appendf(e.detail, sizeof(e.detail), "; discarded");
	conductor_emit(c, &e);
	if (passed_fd >= 0)
		close(passed_fd); /* a late fork's channel: the child sees its end and exits */
}

/* Waits until `deadline` for the answer to command `seq`: 1 answered, 0 the
 * actor ended, -1 timed out, -2 harness error, -3 shmlife could not set the
 * actor up (r->setup says why; it has ended).  Announcements (of any
 * command: their process waits for the go-ahead) are taken; answers to
 * other commands are recorded as late and discarded. */
static int await_answer(struct conductor *c, int idx, uint32_t seq, int64_t deadline, struct sl_wire_reply *r,
			int *passed_fd)
{
	struct conductor_actor *a = &c->actors[idx];
	int reset = 0;
	for (;;) {
		struct pollfd p = { .fd = a->chan, .events = POLLIN };
		int64_t left = deadline - sl_now_ms();
		int n = left > 0 ? conductor_poll(c, &p, 1, (int)left) : 0; /* reaping, answering injected calls */
		if (n < 0)
			return -2;
		if (n == 0)
			return -1;
		int got = sl_wire_recv_reply(a->chan, r, passed_fd);
		if (got == 1 && r->kind == SL_WIRE_REPLY_ANNOUNCE) {
			take_announcement(c, idx, r, *passed_fd);
			*passed_fd = -1;
			continue;
		}
		if (got == 1 && r->kind == SL_WIRE_REPLY_OUTPUT) {
			conductor_output_fd(c, idx, r, *passed_fd);
			*passed_fd = -1;
			continue;
		}
		if (got == 1 && r->kind == SL_WIRE_REPLY_BROKEN) {
			collect_end(c, idx, c->step_timeout_ms); /* it _exits after saying so */
			return -3;
		}
		if (got == 1 && r->seq == seq) {
			a->chan_fd = r->chan_fd;
			return 1;
		}
		if (got == 1) {
			record_late(c, idx, r, *passed_fd);
			*passed_fd = -1;
			continue;
		}
		if (got < 0 && errno == ECONNRESET && !reset) {
			/* It closed its end with a command of ours unread: the kernel
			 * says so once, before what it had sent (why it could not set
			 * itself up, an answer) is read. */
			reset = 1;
			continue;
		}
		if (got < 0 && errno != ECONNRESET)
			return -2;
		collect_end(c, idx, c->step_timeout_ms);
		return 0;
	}
}

/* An actor still busy with a command that timed out reads nothing else
 * until it is done: its late answer is awaited (until `deadline`), recorded
 * and discarded before it is sent anything new.  1 it is free now. */
static int await_late_answer(struct conductor *c, int idx, int64_t deadline)
{
	struct conductor_actor *a = &c->actors[idx];
	struct sl_wire_reply late;
	memset(&late, 0, sizeof(late));
	int fd = -1;
	int got = await_answer(c, idx, a->busy_seq, deadline, &late, &fd);
	if (got == 1) {
		record_late(c, idx, &late, fd);
		a->busy_seq = 0;
		a->busy_step = -1;
	}
	return got;
}

/* The first half of a call: the command, numbered (*seq), sent once the
 * actor is free.  1 sent; 2 not sent, the actor has closed its end (what
 * it said before, such as why it could not set itself up, is still to be
 * read: receive_numbered reads it, then its end); or what conductor_call
 * returns. */
static int send_numbered(struct conductor *c, int idx, const struct sl_wire_cmd *cmd, const void *payload,
			 size_t len, int64_t deadline, uint32_t *seq)
{
	struct conductor_actor *a = &c->actors[idx];
	if (a->busy_seq) {
		int free_now = await_late_answer(c, idx, deadline);
		if (free_now != 1)
			return free_now;
	}
	struct sl_wire_cmd numbered = *cmd;
	numbered.seq = *seq = ++c->next_seq;
	if (sl_wire_send_cmd(a->chan, &numbered, payload, len) < 0)
		return errno == EPIPE || errno == ECONNRESET ? 2 : -2;
	return 1;
}

/* The second half: the answer to command `seq` (of step `step`). */
static int receive_numbered(struct conductor *c, int idx, uint32_t seq, int step, int64_t deadline,
			    struct sl_wire_reply *r, int *passed_fd)
{
	int got = await_answer(c, idx, seq, deadline, r, passed_fd);
	if (got == -1) { /* its answer, if it ever comes, is late */
		c->actors[idx].busy_seq = seq;
		c->actors[idx].busy_step = step;
	}
	return got;
}

int conductor_call(struct conductor *c, int idx, const struct sl_wire_cmd *cmd,
		   const void *payload, size_t len, struct sl_wire_reply *r, int *passed_fd)
{
	*passed_fd = -1;
	int64_t deadline = sl_now_ms() + c->step_timeout_ms;
	uint32_t seq = 0; /* set when sent */
	int sent = send_numbered(c, idx, cmd, payload, len, deadline, &seq);
	return sent < 1 ? sent : receive_numbered(c, idx, seq, cmd->step, deadline, r, passed_fd);
}

/* Why actor idx is not ready, from what the call to it returned. */
static void not_ready(const struct conductor_actor *a, int got, const struct sl_wire_reply *r, int timeout_ms,
		      char *why, size_t len)
{
	switch (got) {
	case -3: snprintf(why, len, "%s", r->setup); break;
	case 0: snprintf(why, len, "it ended while setting itself up (%s %d)",
			 a->wait_status != -1 && WIFSIGNALED(a->wait_status) ? "signal" : "status",
			 a->wait_status == -1 ? -1 : WIFSIGNALED(a->wait_status) ? WTERMSIG(a->wait_status)
										 : WEXITSTATUS(a->wait_status));
		break;
	case -1: snprintf(why, len, "it did not finish setting itself up within %d ms", timeout_ms); break;
	default: snprintf(why, len, "its channel failed: %s", strerror(errno)); break;
	}
}

/* Whether an actor is ready: a question without side effects (which
 * signals it caught) that it answers once it serves its channel. */
static const struct sl_wire_cmd ready_question = { .op = SL_WIRE_SIGNALS, .step = -1 };

int conductor_await_ready(struct conductor *c, int idx, char *why, size_t len)
{
	struct conductor_actor *a = &c->actors[idx];
	if (a->state != ACTOR_RUNNING || a->chan < 0)
		return 0;
	struct sl_wire_reply r;
	memset(&r, 0, sizeof(r));
	int fd = -1;
	int got = conductor_call(c, idx, &ready_question, NULL, 0, &r, &fd);
	if (fd >= 0)
		close(fd);
	if (got != 1)
		not_ready(a, got, &r, c->step_timeout_ms, why, len);
	return got == 1 ? 0 : -1;
}

int conductor_await_ready_all(struct conductor *c, int *failed, char *why, size_t len)
{
	/* The question to every new actor first, then each answer: they set
	 * themselves up meanwhile, without a round trip each in turn. */
	int64_t sent_by = sl_now_ms() + c->step_timeout_ms;
	for (int i = 0; i < c->s->nactors; i++) {
		struct conductor_actor *a = &c->actors[i];
		a->ready_seq = 0;
		if (c->s->actors[i].spawned || a->state != ACTOR_RUNNING || a->chan < 0)
			continue;
		int got = send_numbered(c, i, &ready_question, NULL, 0, sent_by, &a->ready_seq);
		if (got < 1) {
			struct sl_wire_reply r;
			memset(&r, 0, sizeof(r));
			*failed = i;
			not_ready(a, got, &r, c->step_timeout_ms, why, len);
			return -1;
		}
	}
	for (int i = 0; i < c->s->nactors; i++) {
		struct conductor_actor *a = &c->actors[i];
		if (!a->ready_seq)
			continue;
		struct sl_wire_reply r;
		memset(&r, 0, sizeof(r));
		int fd = -1;
		/* each within the step's limit, as if it had been asked now */
		int got = a->state != ACTOR_RUNNING || a->chan < 0 ? 0 : receive_numbered(c, i, a->ready_seq, -1,
						  sl_now_ms() + c->step_timeout_ms, &r, &fd);
		if (fd >= 0)
			close(fd);
		a->ready_seq = 0;
		if (got != 1) {
			*failed = i;
			not_ready(a, got, &r, c->step_timeout_ms, why, len);
			return -1;
		}
	}
	return 0;
}

int conductor_wait_end(struct conductor *c, int idx, int timeout_ms)
{
	struct conductor_actor *a = &c->actors[idx];
	if (a->state != ACTOR_RUNNING)
		return a->state == ACTOR_ENDED;
	if (!wait_process_end(c, a, timeout_ms))
		return 0;
	collect_end(c, idx, timeout_ms);
	return 1;
}

void conductor_poll_ends(struct conductor *c)
{
	for (int i = 0; i < c->s->nactors; i++) {
		struct conductor_actor *a = &c->actors[i];
		if (a->state == ACTOR_RUNNING && wait_process_end(c, a, 0))
			collect_end(c, i, c->step_timeout_ms);
	}
}

/* Live actors quit by themselves first when how they end matters: coverage
 * builds write their counters, memcheck checks their leaks. */
static int quit_first(const struct conductor *c)
{
#ifdef SHMLIFE_COVERAGE
	(void)c;
	return 1;
#else
	return c->o && c->o->valgrind;
#endif
}

/* 1 if actor i can be asked: it has a channel (found processes have none)
 * and is not still busy with a command that timed out (it would not read a
 * quit, and waiting for it would only make the TIMEOUT later). */
static int can_quit(const struct conductor *c, int i)
{
	return c->actors[i].state == ACTOR_RUNNING && c->actors[i].chan >= 0 && !c->actors[i].busy_seq;
}

static void ask_actors_to_quit(struct conductor *c)
{
	struct sl_wire_cmd quit = { .op = SL_WIRE_QUIT };
	int wait_ms = c->o && c->o->valgrind ? c->step_timeout_ms : 1000; /* a leak check takes time */
	for (int i = 0; i < c->s->nactors; i++)
		if (can_quit(c, i))
			sl_wire_send_cmd(c->actors[i].chan, &quit, NULL, 0);
	for (int i = 0; i < c->s->nactors; i++)
		if (can_quit(c, i))
			conductor_wait_end(c, i, wait_ms);
}

/* After the kill: each actor that is the conductor's child, waited for by
 * its pid.  A wait for any child (conductor_reap_all) looks at every child
 * in turn, which with thousands of actors dying at once is quadratic. */
static void reap_actors(struct conductor *c)
{
	for (int i = 0; i < c->s->nactors; i++) {
		struct conductor_actor *a = &c->actors[i];
		int status;
		pid_t w;
		if (a->state != ACTOR_RUNNING || a->pid <= 0)
			continue;
		while ((w = waitpid(a->pid, &status, __WALL)) < 0 && errno == EINTR)
			;
		if (w == a->pid)
			mark_ended(c, a, status);
		/* else not its child (yet): a forked actor whose parent is not
		 * dead yet, a found process; conductor_reap_all() waits for it */
	}
}

void conductor_kill_all(struct conductor *c)
{
	if (quit_first(c))
		ask_actors_to_quit(c);
	conductor_reap(c); /* orphans that ended by themselves, before the kill */
	/* A big group's deaths are the kernel's work in each dying process:
	 * let them use every CPU, not the one the scenario shares (10 000
	 * actors: a teardown of 1.8-2.2 s became 1.35-1.6 s here). */
	if (c->s->nactors >= SL_SPAWNER_MIN)
		for (int i = 0; i < c->s->nactors; i++)
			if (c->actors[i].state == ACTOR_RUNNING && c->actors[i].pid > 0)
				sl_cpu_unpin_pid(c->actors[i].pid);
	kill(-1, SIGKILL); /* from PID 1: every other process of the namespace */
	reap_actors(c);
	conductor_reap_all(c); /* the orphans, and actors that were not children */
	for (int i = 0; i < c->s->nactors; i++)
		if (c->actors[i].state == ACTOR_RUNNING) {
			int status = -1;
			ended_status(c, c->actors[i].pid, &status);
			mark_ended(c, &c->actors[i], status);
		}
}
