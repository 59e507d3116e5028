/* inject.c - fault injection: the seccomp filter a supervised process
 * installs, and the supervisor that answers its calls from inside the
 * conductor's bounded waits (inject.h, docs/fault-injection.md).
 *
 * The supervisor is the conductor's: one per conductor process, so its state
 * is file-static.  It keeps the listeners, and a plan per armed process: the
 * faults of its step, how many calls of each kind it has made, and what was
 * injected.  A notification from a process without a plan is let through
 * (SECCOMP_USER_NOTIF_FLAG_CONTINUE) uncounted.
 *
 * How each fault is placed, given the filter's WAIT_KILLABLE_RECV (once the
 * supervisor has received a notification, only a fatal signal wakes the
 * caller before the answer):
 *   errno          answer error = -errno: the call never runs.
 *   signal before  tgkill(sig) to the calling thread.  If the signal will
 *                  interrupt it (not blocked in that thread, not ignored,
 *                  explicitly or by default), answer -ERESTARTNOINTR: a
 *                  fatal signal kills it before the call; a caught one runs
 *                  its handler, then the kernel restarts the call, which is
 *                  let through and not counted again.  A blocked or ignored
 *                  one stays pending or vanishes, and nothing would take the
 *                  kernel back through its restart (ERESTARTNOINTR would
 *                  reach the program as errno 513): the answer is CONTINUE,
 *                  the call runs at once, as a restart would.
 *   signal after   kill(SIGSTOP) (pending, it does not wake the caller),
 *                  answer CONTINUE: the call runs and the stop is taken on
 *                  the way back to user mode, before the next instruction;
 *                  once /proc says it is stopped, tgkill(sig) and SIGCONT.
 *
 * What the supervisor reads in /proc about a caller (its thread group, its
 * parent, its signal mask) is trusted only once SECCOMP_IOCTL_NOTIF_ID_VALID
 * says the notification is still pending after the read: the caller is then
 * still there, waiting, and its pid cannot have been reused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "inject.h"
#include "inject_plan.h"
#include "proc_stat.h"
#include "util.h"

#define INJECT_ERESTARTNOINTR 513  /* the kernel's: restart the call after any handler */
#define INJECT_MAX_LISTENERS 32

/* A call that reached the supervisor: the listener, the notification's id
 * and the calling thread. */
struct caller {
	int listener;
	uint64_t id;
	pid_t tid;
};

/* ---- the supervisor's state ---------------------------------------------------- */

/* A listener, and whose tree it is.  A program run by an actor that is not
 * supervised itself installs its own listener, so every process under it
 * (its children, grandchildren, reparented or not) is of that program's
 * tree; an actor's own listener is shared by the programs it runs later. */
struct listener {
	int fd;
	pid_t program;                   /* the program that installed it, 0: an actor */
};

static struct {
	struct listener listener[INJECT_MAX_LISTENERS];
	int nlisteners;
	struct plan *plans;
	int nplans, capplans;
	int failed_step, failed_err;     /* an announcement that could not be supervised */
	unsigned untold_calls;           /* calls of processes that could not be told apart */
	pid_t untold_pid;                /* the last of them                    */
} sup = { .failed_step = -1 };

int inject_listeners(void)
{
	return sup.nlisteners;
}

static void drop_listener(int i)
{
	close(sup.listener[i].fd);
	sup.listener[i] = sup.listener[--sup.nlisteners];
}

static struct plan *new_plan(void)
{
	if (sup.nplans == sup.capplans) {
		int ncap = sup.capplans ? sup.capplans * 2 : 8;
		struct plan *n = realloc(sup.plans, (size_t)ncap * sizeof(*n));
		if (!n)
			return NULL;
		sup.plans = n;
		sup.capplans = ncap;
	}
	struct plan *p = &sup.plans[sup.nplans++];
	memset(p, 0, sizeof(*p));
	return p;
}

static struct plan *find_plan(pid_t pid)
{
	for (int i = 0; i < sup.nplans; i++)
		if (sup.plans[i].pid == pid && sup.plans[i].role != PLAN_WAITING && !sup.plans[i].renamed)
			return &sup.plans[i];
	return NULL;
}

int inject_arm(int step, pid_t pid, int exec, const struct sl_fault *faults, int nfaults,
	       char *why, size_t len)
{
	for (int i = 0; i < nfaults; i++)
		if (sl_fault_invalid(&faults[i], why, len))
			return -1;
	struct plan *p = new_plan();
	if (!p) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	p->pid = exec ? 0 : pid;
	p->parent = pid;
	p->listener = -1;
	p->role = exec ? PLAN_WAITING : PLAN_ACTOR;
	p->step = step;
	p->faults = faults;
	p->nfaults = nfaults;
	return 0;
}

void inject_announced(pid_t pid, pid_t actor_pid, int listener, int err)
{
	if (listener >= 0) {
		if (sup.nlisteners < INJECT_MAX_LISTENERS)
			sup.listener[sup.nlisteners++] =
				(struct listener){ listener, pid != actor_pid ? pid : 0 };
		else {
			close(listener); /* its calls then fail with ENOSYS: say so */
			err = EMFILE;
		}
	}
	for (int i = 0; i < sup.nplans; i++) {
		struct plan *p = &sup.plans[i];
		if (p->role == PLAN_WAITING && p->parent == actor_pid && pid != actor_pid) {
			p->role = PLAN_PROGRAM;
			p->pid = pid;
		}
		if (err && (p->pid == pid || p->parent == actor_pid)) {
			sup.failed_step = p->step;
			sup.failed_err = err;
		}
	}
}

/* ---- whose call is it ------------------------------------------------------------ */

/* 1 while the notification is pending: the caller still waits for the
 * answer, so what was just read about its pid is about it. */
static int still_waiting(const struct caller *c)
{
	uint64_t id = c->id;
	return ioctl(c->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

/* Tgid, PPid and (if comm) Name of a task, from /proc/TID/status. */
static int task_ids(pid_t tid, pid_t *tgid, pid_t *ppid, char comm[16])
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	if (sl_read_text(path, buf, sizeof(buf)) < 0)
		return -1;
	const char *t = strstr(buf, "\nTgid:"), *pp = strstr(buf, "\nPPid:");
	if (!t || !pp || strncmp(buf, "Name:\t", 6) != 0)
		return -1;
	*tgid = (pid_t)atoi(t + 6);
	*ppid = (pid_t)atoi(pp + 6);
	if (comm) {
		size_t n = strcspn(buf + 6, "\n");
		if (n > 15)
			n = 15;
		memcpy(comm, buf + 6, n);
		comm[n] = '\0';
	}
	return 0;
}

/* A process's name now (/proc/PID/comm), or "" if it cannot be read. */
static void task_comm(pid_t pid, char comm[16])
{
	char path[64], buf[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	comm[0] = '\0';
	if (sl_read_text(path, buf, sizeof(buf)) < 0)
		return;
	size_t n = strcspn(buf, "\n");
	if (n > 15)
		n = 15;
	memcpy(comm, buf, n);
	comm[n] = '\0';
}

static struct listener *listener_of(int fd)
{
	for (int i = 0; i < sup.nlisteners; i++)
		if (sup.listener[i].fd == fd)
			return &sup.listener[i];
	return NULL;
}

static int programs_armed(void)
{
	for (int i = 0; i < sup.nplans; i++)
		if (sup.plans[i].role == PLAN_PROGRAM || sup.plans[i].role == PLAN_CHILD)
			return 1;
	return 0;
}

/* A new plan for process `tgid` of the tree of program plan `a` (index ai:
 * new_plan may move the array), fresh counts, the same faults. */
static struct plan *child_plan(int ai, pid_t tgid, pid_t parent, const char *comm)
{
	struct plan *c = new_plan();
	if (!c)
		return NULL;
	const struct plan *a = &sup.plans[ai];
	c->pid = tgid;
	c->step = a->step;
	c->role = PLAN_CHILD;
	c->parent = parent;
	c->listener = -1;
	c->faults = a->faults;
	c->nfaults = a->nfaults;
	snprintf(c->comm, sizeof(c->comm), "%s", comm);
	const struct plan *up = parent ? find_plan(parent) : NULL;
	snprintf(c->parent_comm, sizeof(c->parent_comm), "%s", up ? up->comm : parent ? "" : a->comm);
	return c;
}

/* The program whose tree a process that no parent pid leads back to (it
 * was reparented to PID 1) belongs to, by the listener its call came on:
 * the program that installed that listener, or the one program whose calls
 * come on it (an actor's listener, shared by the programs it runs).  -1 if
 * none, or if several programs share it: the caller cannot be told apart,
 * and is counted as such. */
static int program_of_listener(const struct caller *who, pid_t tgid)
{
	const struct listener *l = listener_of(who->listener);
	int found = -1, n = 0;
	for (int i = 0; i < sup.nplans; i++) {
		const struct plan *p = &sup.plans[i];
		if (p->role != PLAN_PROGRAM)
			continue;
		if (l && l->program && p->pid == l->program)
			return i;
		if (p->listener == who->listener) {
			found = i;
			n++;
		}
	}
	if (n > 1) {
		sup.untold_calls++;
		sup.untold_pid = tgid;
		return -1;
	}
	return found;
}

/* The plan of the process a task belongs to: its own, its thread group's,
 * or (for processes an exec'd program started) a copy of its program's
 * with fresh counts: found by walking parent pids up to a process of the
 * program's tree, or, when the walk ends at PID 1 (the process was
 * reparented, as a daemon's is after its first fork), by the listener the
 * call came on.  Whatever /proc said is used only if the caller still
 * waits after the reads (still_waiting). */
static struct plan *plan_for(const struct caller *who)
{
	pid_t tid = who->tid;
	struct plan *p = find_plan(tid);
	if (p || !programs_armed())
		return p;
	pid_t tgid, ppid;
	char comm[16];
	if (task_ids(tid, &tgid, &ppid, comm) < 0)
		return NULL;
	if (tgid != tid && task_ids(tgid, &tgid, &ppid, comm) < 0)
		return NULL;
	if (!still_waiting(who))
		return NULL; /* gone: its pid may be another's already */
	if (tgid != tid && (p = find_plan(tgid)) != NULL)
		return p;
	pid_t parent = ppid;
	for (int depth = 0; ppid > 1 && depth < 32; depth++) {
		struct plan *a = find_plan(ppid);
		if (a) {
			if (a->role != PLAN_PROGRAM && a->role != PLAN_CHILD)
				return NULL; /* an actor's own child (daemon(), fork) */
			return child_plan((int)(a - sup.plans), tgid, parent, comm);
		}
		pid_t up;
		if (task_ids(ppid, &up, &ppid, NULL) < 0 || !still_waiting(who))
			return NULL;
	}
	if (ppid > 1)
		return NULL;
	int ai = program_of_listener(who, tgid);
	return ai < 0 ? NULL : child_plan(ai, tgid, parent > 1 ? parent : 0, comm);
}

static int made_calls(const struct plan *p)
{
	for (int c = 0; c < IC__COUNT; c++)
		if (p->calls[c])
			return 1;
	return p->nfired > 0;
}

/* A program's process is counted under its name: once it takes another
 * (it exec'd: "sh", then "postgres"; or PR_SET_NAME), what it did so far
 * is closed as a record of its own and its calls are counted afresh, so
 * that "postgres's shmget call 1" means the same in every run. */
static struct plan *follow_name(struct plan *p)
{
	char now[16];
	task_comm(p->pid, now);
	if (!now[0] || strcmp(now, p->comm) == 0)
		return p;
	if (!p->comm[0] || !made_calls(p)) {
		memcpy(p->comm, now, sizeof(now));
		return p;
	}
	int pi = (int)(p - sup.plans);
	struct plan *closed = new_plan(); /* may move the array */
	if (!closed)
		return &sup.plans[pi]; /* counted on under the old name */
	p = &sup.plans[pi];
	*closed = *p;
	closed->renamed = 1;
	memcpy(closed->became, now, sizeof(now));
	closed->restart_pending = 0;
	memset(p->calls, 0, sizeof(p->calls));
	p->nfired = p->more_fired = 0;
	memcpy(p->comm, now, sizeof(now));
	return p;
}

/* The fault for call number `nth` of `call`: the last one written that matches. */
static const struct sl_fault *fault_for(const struct plan *p, int call, unsigned nth)
{
	const struct sl_fault *hit = NULL;
	for (int i = 0; i < p->nfaults; i++) {
		const struct sl_fault *f = &p->faults[i];
		if (f->kind == SL_FAULT_TRACE || inject_call_of_syscall(f->syscall_nr) != call)
			continue;
		if (f->comm[0] && strcmp(f->comm, p->comm) != 0)
			continue;
		if (nth >= (unsigned)f->first && (f->last == 0 || nth <= (unsigned)f->last))
			hit = f;
	}
	return hit;
}

/* ---- answering ---------------------------------------------------------------- */

static int answer(int listener, uint64_t id, int err, unsigned flags)
{
	struct seccomp_notif_resp r;
	memset(&r, 0, sizeof(r));
	r.id = id;
	r.error = err ? -err : 0;
	r.val = err ? -1 : 0;
	r.flags = flags;
	int rc;
	while ((rc = ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &r)) < 0 && errno == EINTR)
		;
	return rc; /* ENOENT: the caller is gone (killed), nothing waits */
}

/* What `sig` sent to the calling thread now will do: 0 interrupt its call
 * (deliver, or stop, or kill), 'b' stay pending (blocked in that thread),
 * 'i' vanish (ignored, explicitly or by default); 0 too if /proc cannot
 * be read.  -1: the caller is gone (killed), its tid may be another's. */
static int signal_fate(const struct caller *c, pid_t tgid, int sig)
{
	int fate = 0;
	int read_ok = inject_signal_fate(tgid, c->tid, sig, &fate) == 0;
	if (!still_waiting(c))
		return -1;
	return read_ok ? fate : 0;
}

static void note_fired(struct plan *p, int call, unsigned nth, const struct sl_fault *f, int missed, int held)
{
	if (p->nfired == INJECT_MAX_FIRED) {
		p->more_fired++;
		return;
	}
	struct fired *x = &p->fired[p->nfired++];
	x->call = call;
	x->nth = nth;
	x->kind = f->kind;
	x->value = f->kind == SL_FAULT_ERRNO ? f->err : f->signal;
	x->missed = missed;
	x->held = held;
}

static int send_to_thread(pid_t tgid, pid_t tid, int sig)
{
	return (int)syscall(SYS_tgkill, tgid, tid, sig);
}

/* The signal, then the restart if the signal will take the caller through
 * the kernel's signal path, or the call at once if it will not.  Returns
 * what signal_fate() said: -1 the caller was gone. */
static int signal_before(const struct caller *c, const struct seccomp_notif *n, struct plan *p, int sig)
{
	int fate = signal_fate(c, p->pid, sig);
	if (fate < 0)
		return -1; /* nothing waits, and nothing may be signalled by that tid */
	send_to_thread(p->pid, c->tid, sig);
	if (fate > 0) {
		answer(c->listener, n->id, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
		return fate;
	}
	answer(c->listener, n->id, INJECT_ERESTARTNOINTR, 0); /* ENOENT if it died: fine */
	p->restart_pending = 1;
	p->restart = n->data;
	return 0;
}

static void inject_fault(const struct caller *c, const struct seccomp_notif *n, struct plan *p, int call,
			 unsigned nth, const struct sl_fault *f)
{
	int rc = 0, held = 0;
	switch (f->kind) {
	case SL_FAULT_ERRNO:
		rc = answer(c->listener, n->id, f->err, 0);
		break;
	case SL_FAULT_SIGNAL_BEFORE:
		held = signal_before(c, n, p, f->signal);
		rc = held < 0 ? -1 : 0;
		break;
	case SL_FAULT_SIGNAL_AFTER:
		kill(p->pid, SIGSTOP);
		rc = answer(c->listener, n->id, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
		if (rc == 0)
			inject_wait_stopped(c->tid);
		send_to_thread(p->pid, c->tid, f->signal);
		if (f->signal != SIGKILL)
			kill(p->pid, SIGCONT);
		break;
	case SL_FAULT_TRACE:
		break;
	}
	note_fired(p, call, nth, f, rc < 0, held);
}

static int same_call(const struct seccomp_data *a, const struct seccomp_data *b)
{
	return a->nr == b->nr && a->instruction_pointer == b->instruction_pointer &&
	       memcmp(a->args, b->args, sizeof(a->args)) == 0;
}

/* Receives one notification and answers it. */
static void supervise(int listener)
{
	struct seccomp_notif n;
	memset(&n, 0, sizeof(n)); /* the kernel wants it zeroed */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &n) < 0)
		return; /* ENOENT: the caller was killed while we polled */
	const struct caller c = { listener, n.id, (pid_t)n.pid };
	int call = inject_call_of_syscall(n.data.nr);
	struct plan *p = call >= 0 ? plan_for(&c) : NULL;
	if (p && p->role == PLAN_PROGRAM)
		p->listener = listener;
	if (p && (p->role == PLAN_PROGRAM || p->role == PLAN_CHILD))
		p = follow_name(p);
	if (p && p->restart_pending && same_call(&p->restart, &n.data)) {
		p->restart_pending = 0; /* the call a signal-before sent back */
		p = NULL;
	}
	if (p) {
		unsigned nth = ++p->calls[call];
		const struct sl_fault *f = fault_for(p, call, nth);
		if (f) {
			inject_fault(&c, &n, p, call, nth, f);
			return;
		}
	}
	answer(listener, n.id, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
}

int inject_poll(struct pollfd *fds, int nfds, int timeout_ms)
{
	struct pollfd all[10 + INJECT_MAX_LISTENERS];
	if (nfds > 10) {
		errno = EINVAL;
		return -1;
	}
	int64_t deadline = timeout_ms < 0 ? -1 : sl_now_ms() + timeout_ms;
	for (;;) {
		int nl = sup.nlisteners;
		if (nfds > 0)
			memcpy(all, fds, (size_t)nfds * sizeof(*fds));
		for (int i = 0; i < nl; i++)
			all[nfds + i] = (struct pollfd){ .fd = sup.listener[i].fd, .events = POLLIN };
		int left = -1;
		if (deadline >= 0) {
			int64_t l = deadline - sl_now_ms();
			left = l > 0 ? (int)l : 0;
		}
		int n = poll(all, (nfds_t)(nfds + nl), left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		int ready = 0;
		for (int i = 0; i < nfds; i++) {
			fds[i].revents = all[i].revents;
			ready += all[i].revents != 0;
		}
		for (int i = nl - 1; i >= 0; i--) { /* backwards: dropping moves the last one */
			short ev = all[nfds + i].revents;
			if (ev & POLLIN)
				supervise(sup.listener[i].fd);
			else if (ev & (POLLHUP | POLLERR | POLLNVAL))
				drop_listener(i); /* every process under it has ended */
		}
		if (ready)
			return ready;
		if (n == 0 || (deadline >= 0 && sl_now_ms() >= deadline))
			return 0;
	}
}

/* ---- the end of a step ------------------------------------------------------------ */

static void report_untold(inject_report_fn report, void *ctx)
{
	char line[240];
	if (!sup.untold_calls)
		return;
	snprintf(line, sizeof(line),
		 "inject: %u calls (the last of pid %d) came from processes reparented to PID 1 on a listener "
		 "that several programs share: they could not be told apart and were let through unfaulted",
		 sup.untold_calls, sup.untold_pid);
	if (report)
		report(ctx, line, NULL);
	sup.untold_calls = 0;
}

int inject_step_end(int step, inject_report_fn report, void *ctx)
{
	char line[240];
	struct sl_calls_obs rec;
	int w = 0;
	for (int i = 0; i < sup.nplans; i++) {
		struct plan *p = &sup.plans[i];
		if (p->step != step) {
			sup.plans[w++] = *p;
			continue;
		}
		if (p->role == PLAN_WAITING)
			continue; /* the program never announced itself */
		for (int k = 0; k < p->nfired && report; k++) {
			inject_describe_fired(p, &p->fired[k], line, sizeof(line));
			report(ctx, line, NULL);
		}
		if (p->more_fired && report) {
			snprintf(line, sizeof(line), "inject: pid %d: %d more faults injected", p->pid, p->more_fired);
			report(ctx, line, NULL);
		}
		if (report) {
			inject_describe_calls(p, line, sizeof(line));
			inject_calls_record(p, &rec);
			report(ctx, line, &rec);
		}
	}
	sup.nplans = w;
	report_untold(report, ctx);
	int err = 0;
	if (sup.failed_step == step) {
		err = sup.failed_err;
		sup.failed_step = -1;
		sup.failed_err = 0;
	}
	return err;
}
