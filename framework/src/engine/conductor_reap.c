/* conductor_reap.c - PID 1's duty: reaping.
 *
 * The conductor is PID 1 of the scenario's PID namespace, so every orphan of
 * the scenario (a daemon's intermediate parent's child, a shell's background
 * job, a server whose parent was killed) becomes its child.  Like init, it
 * reaps each child as soon as it ends: a zombie left behind would still
 * answer kill(pid, 0), and a program that checks a pid file (a daemon's
 * restart, start-stop-daemon --stop --retry) would believe it alive.
 *
 * SIGCHLD writes a byte to a self-pipe; every wait of the conductor
 * (conductor_poll) polls that pipe beside what it waits for, and reaps when
 * it is readable.  The status of every process reaped is remembered (an
 * actor's end is judged later from it); an orphan's end (a process that is
 * neither an actor nor one the conductor forked) goes into the trace as an
 * event: pid, comm, exit status or signal.  Children the conductor waits
 * for by pid itself (`ipcs`, observe_ipcs.c) are never reaped here: reaping
 * happens only inside conductor_poll() and at teardown, never while an
 * observation is being made.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conductor.h"
#include "inject.h"
#include "util.h"

/* A disposition set by the conductor, remembered for the actors to reset (conductor.h). */
int conductor_signal(struct conductor *c, int sig, const struct sigaction *sa)
{
	assert(sig >= 1 && sig <= 64);
	c->signals_changed |= UINT64_C(1) << (sig - 1);
	return sigaction(sig, sa, NULL);
}

static int reaper_write_fd = -1; /* the signal handler's end of the self-pipe */

static void on_sigchld(int sig)
{
	(void)sig;
	int saved = errno;
	char b = 1;
	if (write(reaper_write_fd, &b, 1) < 0) { /* full: a wake-up is pending anyway */
	}
	errno = saved;
}

int conductor_reaper_start(struct conductor *c)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	reaper_write_fd = p[1];
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigchld;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	if (conductor_signal(c, SIGCHLD, &sa) < 0) {
		int saved = errno;
		close(p[0]);
		close(p[1]);
		reaper_write_fd = -1;
		errno = saved;
		return -1;
	}
	c->reaper_fd = p[0];
	return 0;
}

void conductor_remember_status(struct conductor *c, pid_t pid, int status)
{
	if (c->nreaped == c->capreaped) {
		int ncap = c->capreaped ? c->capreaped * 2 : 16;
		struct reaped *n = realloc(c->reaped, (size_t)ncap * sizeof(*n));
		if (!n)
			return;
		c->reaped = n;
		c->capreaped = ncap;
	}
	c->reaped[c->nreaped].pid = pid;
	c->reaped[c->nreaped].status = status;
	c->nreaped++;
}

/* 1 if pid is neither an actor (now or once) nor a process the conductor forked. */
static int is_orphan(const struct conductor *c, pid_t pid)
{
	for (int i = 0; i < c->s->nactors; i++)
		if (c->actors[i].state != ACTOR_UNBORN && (c->actors[i].pid == pid || c->actors[i].started_pid == pid))
			return 0;
	return 1;
}

static void report_orphan_end(struct conductor *c, pid_t pid, const char *comm, int status, int at_teardown)
{
	struct sl_trace_entry e;
	memset(&e, 0, sizeof(e));
	e.kind = SL_ENTRY_EVENT;
	e.step = e.actor = -1;
	e.pid = pid;
	e.verdict = SL_PASS;
	e.t_ns = sl_now_ns() - c->t0;
	e.brief.slot = -1;
	sl_setf(e.detail, sizeof(e.detail), "orphan pid %d (%s) ", (int)pid, comm);
	if (WIFSIGNALED(status)) {
		e.signal = WTERMSIG(status);
		sl_appendf(e.detail, sizeof(e.detail), "killed by %s", sl_signal_name(e.signal));
	} else {
		e.exited = 1;
		e.exit_status = WEXITSTATUS(status);
		sl_appendf(e.detail, sizeof(e.detail), "exited with status %d", e.exit_status);
	}
	if (at_teardown)
		sl_appendf(e.detail, sizeof(e.detail), " at teardown");
	else if (c->current_step >= 0)
		sl_appendf(e.detail, sizeof(e.detail), " during line %d", c->s->steps[c->current_step].line);
	sl_appendf(e.detail, sizeof(e.detail), "; reaped by PID 1");
	conductor_emit(c, &e);
}

/* Reaps one ended child (waiting for one if `block`): 1 reaped, 0 none (yet). */
static int reap_one(struct conductor *c, int block)
{
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	int flags = WEXITED | WNOWAIT | __WALL | (block ? 0 : WNOHANG);
	while (waitid(P_ALL, 0, &si, flags) < 0)
		if (errno != EINTR)
			return 0;
	pid_t pid = si.si_pid;
	if (pid <= 0)
		return 0;
	char comm[32] = "?";
	int orphan = is_orphan(c, pid);
	if (orphan) { /* a zombie still has its name: read it before it goes */
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
		if (sl_read_text(path, comm, sizeof(comm)) > 0)
			comm[strcspn(comm, "\n")] = '\0';
	}
	int status;
	pid_t w;
	while ((w = waitpid(pid, &status, WNOHANG | __WALL)) < 0 && errno == EINTR)
		;
	if (w != pid)
		return 0;
	conductor_remember_status(c, pid, status);
	if (orphan)
		report_orphan_end(c, pid, comm, status, block);
	return 1;
}

void conductor_reap(struct conductor *c)
{
	char buf[64];
	int signalled = c->reaper_fd < 0; /* no self-pipe: look every time */
	while (c->reaper_fd >= 0 && read(c->reaper_fd, buf, sizeof(buf)) > 0)
		signalled = 1; /* drained first: a SIGCHLD from now on wakes the next poll */
	/* Only after a SIGCHLD: a wait for any child looks at every child, and
	 * with thousands of actors a look at each poll made starting them
	 * quadratic.  A child that ends is a zombie before its SIGCHLD. */
	while (signalled && reap_one(c, 0))
		;
}

void conductor_reap_all(struct conductor *c)
{
	while (reap_one(c, 1))
		;
}

int conductor_poll(struct conductor *c, struct pollfd *fds, int nfds, int timeout_ms)
{
	struct pollfd all[9];
	if (nfds < 0 || nfds > 7) {
		errno = EINVAL;
		return -1;
	}
	int64_t deadline = timeout_ms < 0 ? -1 : sl_now_ms() + timeout_ms;
	for (;;) {
		conductor_reap(c);
		if (nfds > 0)
			memcpy(all, fds, (size_t)nfds * sizeof(*fds));
		int nall = nfds;
		if (c->reaper_fd >= 0)
			all[nall++] = (struct pollfd){ .fd = c->reaper_fd, .events = POLLIN };
		int tty = -1; /* the terminal's output is drained, or a program writing to it would block */
		if (c->pty_master >= 0 && !c->pty_quiet) {
			tty = nall;
			all[nall++] = (struct pollfd){ .fd = c->pty_master, .events = POLLIN };
		}
		int left = -1;
		if (deadline >= 0) {
			int64_t l = deadline - sl_now_ms();
			left = l > 0 ? (int)l : 0;
		}
		/* No trace record waits more than CONDUCTOR_FLUSH_MS while the
		 * conductor waits (conductor.c): an answer sooner leaves them
		 * waiting, a longer wait writes them, and so does a loop of short
		 * waits (within, find). */
		int wait = left;
		if (c->trace_len) {
			int64_t due = CONDUCTOR_FLUSH_MS - (sl_now_ms() - c->trace_since_ms);
			if (due <= 0)
				conductor_trace_flush(c);
			else if (left < 0 || left > due)
				wait = (int)due;
		}
		int n = inject_poll(all, nall, wait);
		if (n == 0 && wait != left)
			continue; /* woken to write the trace, not at the deadline */
		if (n < 0)
			return -1;
		if (tty >= 0 && all[tty].revents)
			conductor_drain_terminal(c, all[tty].revents);
		int ready = 0;
		for (int i = 0; i < nfds; i++) {
			fds[i].revents = all[i].revents;
			ready += all[i].revents != 0;
		}
		if (ready)
			return ready;
		if (n == 0 || (deadline >= 0 && sl_now_ms() >= deadline)) {
			conductor_reap(c);
			return 0;
		}
	}
}
