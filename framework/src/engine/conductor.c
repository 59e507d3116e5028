/* conductor.c - the conductor's main line: set the namespace up (sysctls,
 * terminal), start the actors, perform the steps in the script's order
 * (each one: conductor_step.c), tear everything down, check for leaked
 * segments, and send every trace entry to the harness as it happens.
 *
 * It runs as PID 1 of the scenario's PID namespace (run.c put it there), so
 * orphans come to it and kill(-1, SIGKILL) ends every process of the
 * scenario, daemons included.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conductor.h"
#include "inject.h"
#include "shmlife/observe.h"
#include "util.h"
#include "verdict.h"

/* ---- set-up ---------------------------------------------------------------- */

/* Every disposition to default, none blocked: what the conductor inherited
 * from its caller (the harness's stop handlers, a caller's own) is not the
 * actors' to inherit.  Done once here, so that an actor resets only what
 * the conductor changed after (conductor_signal). */
static void signals_default(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL); /* fails harmlessly for SIGKILL, SIGSTOP, RT internals */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void ignore_terminal_signals(struct conductor *c)
{
	static const int sigs[] = { SIGPIPE, SIGHUP, SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		conductor_signal(c, sigs[i], &sa);
}

/* The conductor holds one descriptor for an actor it starts itself (its
 * channel; the pidfd is opened when its end is awaited), two for any other
 * (a forked actor's pidfd is taken at once: conductor_adopt_actor; with a
 * terminal, the session's leader forks the others), a few for each step in
 * progress, and its own handful. */
static rlim_t fds_needed(const struct sl_scenario *s)
{
	rlim_t n = 64;
	for (int i = 0; i < s->nactors; i++)
		n += s->actors[i].spawned || s->terminal ? 2 : 1;
	return n;
}

/* The soft limit of descriptors up to the hard one; and the hard one up to
 * what the scenario needs, where the conductor may (root: CAP_SYS_RESOURCE;
 * fs.nr_open caps it).  -1 (and why) if the scenario still cannot have them:
 * refused before the first actor, not an EMFILE at the 9995th. */
static int raise_fd_limit(const struct sl_scenario *s, char *why, size_t len)
{
	struct rlimit rl;
	rlim_t need = fds_needed(s);
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 0;
	if (rl.rlim_max < need) {
		struct rlimit more = { need, need };
		if (setrlimit(RLIMIT_NOFILE, &more) == 0)
			return 0;
	}
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_max >= need)
		return 0;
	snprintf(why, len, "%d actors need about %llu descriptors in the conductor; RLIMIT_NOFILE allows %llu "
		 "and cannot be raised here (as root it can, up to fs.nr_open; else `ulimit -Hn`)",
		 s->nactors, (unsigned long long)need, (unsigned long long)rl.rlim_max);
	return -1;
}

/* A fresh pty.  The first actor makes its slave the controlling terminal of
 * a new session, as a login shell would; the other actors are forked from it,
 * like a shell's foreground job.  The conductor keeps only the master. */
static int open_terminal(struct conductor *c)
{
	c->pty_master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (c->pty_master < 0 || grantpt(c->pty_master) < 0 || unlockpt(c->pty_master) < 0)
		return -1;
	const char *name = ptsname(c->pty_master);
	if (!name)
		return -1;
	c->pty_slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	return c->pty_slave < 0 ? -1 : 0;
}

static int set_sysctls(struct conductor *c)
{
	for (int i = 0; i < c->s->nsysctls; i++) {
		const struct sl_sysctl_req *r = &c->s->sysctls[i];
		if (!sl_sysctl_is_ipc_namespaced(r->name)) {
			conductor_fail(c, SL_BROK, -1, "%s is not a sysctl of the IPC namespace; refusing to set it",
			     r->name);
			return -1;
		}
		if (sl_sysctl_write(r->name, r->value) < 0) {
			conductor_fail(c, SL_BROK, -1, "cannot set %s=%s in the scenario's namespace: %s", r->name,
			     r->value, strerror(errno));
			return -1;
		}
		conductor_event(c, SL_PASS, "sysctl %s=%s set in the scenario's IPC namespace", r->name, r->value);
	}
	return 0;
}

/* The number of actors the conductor starts itself (not born of a fork). */
static int actors_to_start(const struct conductor *c)
{
	int n = 0;
	for (int i = 0; i < c->s->nactors; i++)
		n += !c->s->actors[i].spawned;
	return n;
}

static int start_actors(struct conductor *c)
{
	int leader = -1; /* with a terminal: the actor that leads its session */
	char why[200];
	/* a big group through the spawner; not under memcheck, which names
	 * processes by the order of their pids (valgrind_report.c) */
	int spawner = c->pty_slave < 0 && !(c->o && c->o->valgrind) && actors_to_start(c) >= SL_SPAWNER_MIN;
	if (spawner && conductor_spawn_actors(c, why, sizeof(why)) < 0) {
		conductor_fail(c, SL_BROK, -1, "%s", why);
		return -1;
	}
	for (int i = 0; i < c->s->nactors && !spawner; i++) {
		if (c->s->actors[i].spawned)
			continue;
		int rc = leader >= 0 ? conductor_fork_actor(c, leader, i) : conductor_start_actor(c, i);
		if (rc == 0 && c->pty_slave >= 0 && leader < 0)
			leader = i;
		if (rc < 0) {
			conductor_fail(c, SL_BROK, -1, "cannot start actor %s: %s", c->s->actors[i].name,
			     strerror(errno));
			return -1;
		}
	}
	if (c->pty_slave >= 0) {
		close(c->pty_slave);
		c->pty_slave = -1;
	}
	int failed = -1; /* all started at once, then all awaited */
	if (conductor_await_ready_all(c, &failed, why, sizeof(why)) < 0) {
		conductor_fail(c, SL_BROK, -1, "cannot start actor %s: %s", c->s->actors[failed].name, why);
		return -1;
	}
	return 0;
}

/* The auto key: one per scenario, derived from its name, never IPC_PRIVATE. */
static long long auto_key_for(const char *name)
{
	uint32_t h = 2166136261u;
	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return (long long)(int32_t)((h & 0x0fffffffu) | 0x50000000u);
}

/* Names the namespaces, so that anyone can check later that they are gone. */
static void announce_namespaces(struct conductor *c)
{
	char ipc[64] = "", pid[64] = "";
	ssize_t n = readlink("/proc/self/ns/ipc", ipc, sizeof(ipc) - 1);
	if (n > 0)
		ipc[n] = '\0';
	n = readlink("/proc/self/ns/pid", pid, sizeof(pid) - 1);
	if (n > 0)
		pid[n] = '\0';
	struct sl_trace_entry e;
	struct stat st;
	conductor_event_init(c, &e, SL_PASS);
	e.obs_kind = SL_OBS_SANDBOX;
	if (stat("/proc/self/ns/ipc", &st) == 0)
		e.obs.sandbox.ipc_ns = (uint64_t)st.st_ino;
	if (stat("/proc/self/ns/pid", &st) == 0)
		e.obs.sandbox.pid_ns = (uint64_t)st.st_ino;
	sl_setf(e.detail, sizeof(e.detail), "namespaces: %s %s", ipc, pid);
	conductor_emit(c, &e);
}

static int alloc_state(struct conductor *c)
{
	const struct sl_scenario *s = c->s;
	c->actors = calloc((size_t)s->nactors + 1, sizeof(*c->actors));
	c->slots = calloc((size_t)s->nslots + 1, sizeof(*c->slots));
	c->slot_set = calloc((size_t)s->nslots + 1, 1);
	c->step_wall = calloc((size_t)s->nsteps + 1, sizeof(*c->step_wall));
	c->slot_segment = calloc((size_t)s->nslots + 1, sizeof(*c->slot_segment));
	c->slot_result = calloc((size_t)s->nslots + 1, sizeof(*c->slot_result));
	c->slot_ident = calloc((size_t)s->nslots + 1, sizeof(*c->slot_ident));
	if (!c->actors || !c->slots || !c->slot_set || !c->step_wall || !c->slot_segment || !c->slot_result ||
	    !c->slot_ident)
		return -1;
	for (int i = 0; i < s->nslots; i++)
		c->slot_segment[i] = -1;
	c->last_segment = -1;
	for (int i = 0; i < s->nactors; i++) {
		c->actors[i].chan = c->actors[i].pidfd = -1;
		c->actors[i].out_fd[0] = c->actors[i].out_fd[1] = -1;
		c->actors[i].out[0].step = c->actors[i].out[1].step = -1;
	}
	return 0;
}

static void free_state(struct conductor *c)
{
	conductor_trace_flush(c);
	free(c->trace_buf);
	c->trace_buf = NULL;
	for (int i = 0; c->actors && i < c->s->nactors; i++)
		for (int k = 0; k < 2; k++) {
			free(c->actors[i].out[k].data);
			if (c->actors[i].out_fd[k] >= 0)
				close(c->actors[i].out_fd[k]);
		}
	free(c->actors);
	free(c->slots);
	free(c->slot_set);
	free(c->step_wall);
	free(c->slot_segment);
	free(c->reaped);
	free(c->tty_all.data);
	for (int i = 0; c->slot_result && i < c->s->nslots; i++)
		free(c->slot_result[i]);
	free(c->slot_result);
	free(c->slot_ident);
	if (c->reaper_fd >= 0)
		close(c->reaper_fd);
}

/* The scenario's sysctls, and its terminal if it asks for one. */
static int set_up_namespace(struct conductor *c)
{
	if (conductor_reaper_start(c) < 0) {
		conductor_fail(c, SL_BROK, -1, "cannot set up the reaping of orphans (SIGCHLD): %s", strerror(errno));
		return -1;
	}
	if (set_sysctls(c) < 0)
		return -1;
	if (c->s->terminal && open_terminal(c) < 0) {
		conductor_fail(c, SL_BROK, -1, "cannot set up a pty as controlling terminal: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int sl_conductor_main(const struct sl_scenario *s, const struct sl_run_options *o, int trace_fd)
{
	struct conductor c;
	memset(&c, 0, sizeof(c));
	c.s = s;
	c.o = o;
	c.trace_fd = trace_fd;
	c.t0 = sl_now_ns();
	c.failed_step = -1;
	c.pty_master = c.pty_slave = -1;
	c.reaper_fd = -1;
	c.current_step = -1;
	c.outcome = SL_PASS;
	c.step_timeout_ms = sl_run_scaled_ms(o, s->timeout_ms > 0 ? s->timeout_ms
							     : (o->step_timeout_ms > 0 ? o->step_timeout_ms : 5000));
	c.auto_key = auto_key_for(s->name);
	signals_default();
	ignore_terminal_signals(&c);
	char why[300];
	int fds_short = raise_fd_limit(s, why, sizeof(why)) < 0;
	announce_namespaces(&c);
	if (alloc_state(&c) < 0) {
		conductor_fail(&c, SL_BROK, -1, "out of memory");
		conductor_send_end(&c);
		free_state(&c);
		return 3;
	}
	if (fds_short) {
		conductor_fail(&c, SL_BROK, -1, "%s", why);
	} else if (set_up_namespace(&c) == 0) {
		uint64_t t = sl_now_ns();
		c.phases.setup_ns = t - c.t0;
		if (start_actors(&c) == 0) {
			c.phases.fork_ns = sl_now_ns() - t;
			for (int i = 0; i < s->nsteps && (c.outcome == SL_PASS || s->keep_going); i++)
				conductor_run_step(&c, i);
		}
	}
	conductor_trace_flush(&c); /* the teardown waits for every process */
	uint64_t t = sl_now_ns();
	char *found = conductor_found_alive(&c);
	conductor_kill_all(&c);
	conductor_report_found_at_end(&c, found);
	free(found);
	if (c.outcome == SL_PASS || s->keep_going)
		conductor_check_leaks(&c);
	c.phases.teardown_ns = sl_now_ns() - t;
	conductor_send_end(&c);
	free_state(&c); /* memcheck checks the conductor too */
	return 0;
}
