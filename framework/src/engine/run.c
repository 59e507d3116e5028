/* run.c - running scenarios from the harness's side: a job is a conductor
 * process in its own namespaces (sandbox.c) and the pipe on which it streams
 * trace entries.  sl_run() is one job driven to its end; the harness's pool drives
 * many with poll(). */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"
#include "cpu.h"
#include "scratch.h"
#include "shmlife/run.h"
#include "shmlife/valgrind.h"
#include "util.h"
#include "valgrind_exec.h"
#include "wire.h"

#define RUN_READ_RECORDS 16 /* trace records a read takes at most */

struct sl_job {
	const struct sl_scenario *s;
	struct sl_run_options o;
	pid_t conductor;                 /* our child, PID 1 of the scenario     */
	int fd;                          /* read end of the trace pipe, -1 at EOF */
	int64_t deadline_ms;
	uint64_t t0;
	int ended;                       /* the END entry arrived                */
	struct sl_result r;
	size_t have;                     /* bytes read into buf, not yet taken   */
	char vg_dir[4096];               /* memcheck's files for this job, or "" */
	char scratch[200];               /* the scenario's scratch folder, or "" (a
					  * longer root is refused: ENAMETOOLONG) */
	char buf[RUN_READ_RECORDS * SL_TRACE_RECORD_SIZE]; /* records as they come,
					  * several a read (the conductor writes them
					  * in batches) */
	char corrupt[96];                /* what was wrong with the stream, or "" */
	int leaks_seen;                  /* unexpected leak events so far: the
					  * result's leaked_segments at the END */
	char lost[128];                  /* what of it the harness could not keep
					  * (out of memory), or "": the run is BROK,
					  * its trace would be short without a word */
	int cpu;                         /* the CPU its processes share (cpu.h), or -1 */
};

static void settle(struct sl_job *j, enum sl_outcome o, const char *reason)
{
	j->ended = 1;
	j->r.outcome = o;
	sl_setf(j->r.reason, sizeof(j->r.reason), "%s", reason);
}

/* 1 if a process of another uid cannot reach path: a folder above it that
 * others may not pass (no o+x), or the file itself they may not read (when
 * `readable`); which one and its mode into closed. */
static int closed_to_others(const char *path, int readable, char *closed, size_t len)
{
	char p[4096];
	struct stat st;
	if (!realpath(path, p)) {
		snprintf(closed, len, "%s: %s", path, strerror(errno));
		return 1;
	}
	if (readable && stat(p, &st) == 0 && !(st.st_mode & S_IROTH)) {
		snprintf(closed, len, "%s is mode %04o", p, (unsigned)(st.st_mode & 07777));
		return 1;
	}
	for (char *slash = strrchr(p, '/'); slash && slash != p; slash = strrchr(p, '/')) {
		*slash = '\0';
		if (stat(p, &st) == 0 && !(st.st_mode & S_IXOTH)) {
			snprintf(closed, len, "%s is mode %04o", p, (unsigned)(st.st_mode & 07777));
			return 1;
		}
	}
	return 0;
}

/* Memcheck runs in every process of the scenario, each writing its own
 * vg.PID.xml: a process of another uid (an actor with user=postgres, a
 * program that runs `runuser -u postgres`) must be able to create its file
 * in dir.  So the folder is writable by all (sticky, as /tmp); for actors
 * the script declares of other uids, every folder above it must let others
 * through too, or the scenario is not run under memcheck, saying which (a
 * checkout in /root, mode 0700).  A program that changes its uid itself
 * and cannot write there is caught after the run (sl_vg_apply: BROK).
 * The suppressions file must be theirs to read too.
 * 0, or -1 with why. */
static int open_to_other_uids(const struct sl_scenario *s, const char *dir, char *why, size_t len)
{
	if (chmod(dir, 01777) < 0) {
		sl_setf(why, len, "not run under memcheck: cannot open %s to processes of other uids: %s", dir,
			 strerror(errno));
		return -1;
	}
	int others = 0;
	for (int i = 0; i < s->nactors; i++)
		others |= s->actors[i].has_ids || s->actors[i].user != NULL;
	if (!others)
		return 0;
	char closed[4200];
	const char *supp = sl_vg_suppressions();
	if (closed_to_others(dir, 0, closed, sizeof(closed))) {
		sl_setf(why, len, "not run under memcheck: its actors of other uids cannot reach %s, where their XML "
			 "files go (%s)", dir, closed);
		return -1;
	}
	if (supp && closed_to_others(supp, 1, closed, sizeof(closed))) {
		sl_setf(why, len, "not run under memcheck: its actors of other uids cannot read memcheck's "
			 "suppressions %s (%s)", supp, closed);
		return -1;
	}
	return 0;
}

/* Under valgrind: a directory of its own for the scenario's XML files, and
 * limits SL_VG_SLOWDOWN times longer.  -1 (the job settled BROK) if no
 * directory can be made. */
static int start_memcheck(struct sl_job *j)
{
	if (sl_vg_scenario_dir(j->o.valgrind, j->s->name, j->vg_dir, sizeof(j->vg_dir)) < 0) {
		char why[512];
		snprintf(why, sizeof(why), "cannot make a directory for memcheck's files in %s: %s", j->o.valgrind,
			 strerror(errno));
		j->vg_dir[0] = '\0';
		settle(j, SL_BROK, why);
		return -1;
	}
	char why[600];
	if (open_to_other_uids(j->s, j->vg_dir, why, sizeof(why)) < 0) {
		settle(j, SL_SKIP, why);
		return -1;
	}
	j->o.valgrind = j->vg_dir;
	j->o.step_timeout_ms = (j->o.step_timeout_ms > 0 ? j->o.step_timeout_ms : 5000) * SL_VG_SLOWDOWN;
	j->o.scenario_timeout_ms *= SL_VG_SLOWDOWN;
	j->deadline_ms = sl_now_ms() + sl_run_scaled_ms(&j->o, j->o.scenario_timeout_ms);
	return 0;
}

/* Why a scenario cannot run under memcheck, or NULL: valgrind does not
 * implement seccomp user notification (fault injection), and a scenario
 * tagged no-valgrind says that memcheck changes what it checks (valgrind's
 * own shmat wrapper, an invalid write that is the point). */
static const char *memcheck_unfit(const struct sl_scenario *s, char *buf, size_t len)
{
	for (int i = 0; i < s->ntags; i++)
		if (strcmp(s->tags[i], "no-valgrind") == 0) {
			snprintf(buf, len, "not run under memcheck: tagged no-valgrind");
			return buf;
		}
	for (int i = 0; i < s->nsteps; i++)
		if (s->steps[i].nfaults > 0) {
			snprintf(buf, len, "not run under memcheck: valgrind does not implement the seccomp "
					   "user notification that fault injection uses (line %d)", s->steps[i].line);
			return buf;
		}
	return NULL;
}

static pthread_once_t swept = PTHREAD_ONCE_INIT;
static const char *sweep_root;

static void sweep_once(void)
{
	sl_scratch_sweep(sweep_root);
}

/* Whether anything of the scenario can reach a scratch folder: a program
 * it runs (SHMLIFE_TMP, TMPDIR), a `{{$NAME}}` value, a `find` by pid file
 * (relative to the folder), or memcheck (valgrind's own files, in TMPDIR).
 * A scenario of none of these gets none: a folder made and removed for
 * nothing was a twentieth of a small scenario's time. */
static int needs_scratch(const struct sl_scenario *s, const struct sl_run_options *o)
{
	if (o->valgrind)
		return 1;
	for (int i = 0; i < s->nsteps; i++) {
		const struct sl_step *st = &s->steps[i];
		if (st->op == SL_OP_EXEC || (st->op == SL_OP_FIND && st->find && st->find->pidfile))
			return 1;
		for (int k = 0; k < st->nsubsts; k++)
			if (st->substs[k].env[0])
				return 1;
	}
	return 0;
}

/* The scenario's scratch folder, if it needs one; -1 (the job settled BROK)
 * if none can be made. */
static int start_scratch(struct sl_job *j)
{
	sweep_root = j->o.scratch_root;
	pthread_once(&swept, sweep_once); /* what harnesses killed before left */
	if (!needs_scratch(j->s, &j->o))
		return 0;
	if (sl_scratch_make(j->o.scratch_root, j->s->name, j->scratch, sizeof(j->scratch)) == 0)
		return 0;
	char why[sizeof(j->scratch) + 128];
	snprintf(why, sizeof(why), "cannot make the scenario's scratch folder %s: %s", j->scratch, strerror(errno));
	j->scratch[0] = '\0';
	settle(j, SL_BROK, why);
	return -1;
}

/* The scratch folder of a job that could not start, if it has one. */
static void drop_scratch(struct sl_job *j)
{
	if (j->scratch[0])
		sl_scratch_remove(j->scratch);
}

/* After the conductor has ended: the scratch folder is removed, or kept. */
static void end_scratch(struct sl_job *j)
{
	if (!j->scratch[0])
		return;
	int failed = j->r.outcome != SL_PASS && j->r.outcome != SL_SKIP;
	if (j->o.keep_scratch >= 2 || (j->o.keep_scratch == 1 && failed)) {
		char kept[sizeof(j->scratch) + 8];
		if (sl_scratch_keep(j->scratch, kept, sizeof(kept)) == 0)
			snprintf(j->r.scratch, sizeof(j->r.scratch), "%s", kept);
		else
			snprintf(j->r.scratch, sizeof(j->r.scratch), "%s", j->scratch);
		return;
	}
	if (sl_scratch_remove(j->scratch) < 0 && j->r.outcome != SL_BROK) {
		char why[sizeof(j->scratch) + 128];
		snprintf(why, sizeof(why), "the scenario's scratch folder %s could not be removed: %s", j->scratch,
			 strerror(errno));
		settle(j, SL_BROK, why);
	}
}

struct sl_job *sl_job_start(const struct sl_scenario *s, const struct sl_run_options *opt)
{
	struct sl_job *j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	j->s = s;
	if (opt)
		j->o = *opt;
	else
		sl_run_options_default(&j->o);
	if (j->o.scenario_timeout_ms <= 0)
		j->o.scenario_timeout_ms = 30000;
	sl_result_init(&j->r);
	j->r.libc = (int)j->o.libc;
	j->t0 = sl_now_ns();
	j->deadline_ms = sl_now_ms() + sl_run_scaled_ms(&j->o, j->o.scenario_timeout_ms);
	j->fd = -1;
	j->conductor = -1;
	j->cpu = -1;
	char why[256];
	if (sl_requirements_unmet(s, why, sizeof(why)) || (j->o.valgrind && memcheck_unfit(s, why, sizeof(why)))) {
		settle(j, SL_SKIP, why);
		return j;
	}
	if (j->o.valgrind && start_memcheck(j) < 0)
		return j;
	if (start_scratch(j) < 0)
		return j;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		int saved = errno;
		drop_scratch(j);
		free(j);
		errno = saved;
		return NULL;
	}
	enum sl_outcome outcome = SL_BROK;
	j->cpu = j->o.valgrind ? -1 : sl_cpu_take(); /* memcheck runs one thread at a time anyway */
	pid_t pid = sl_sandbox_start(s, &j->o, p[1], j->scratch[0] ? j->scratch : NULL, j->cpu, &outcome, why,
				     sizeof(why));
	int saved = errno;
	if (pid < 0) {
		sl_cpu_give_back(j->cpu);
		j->cpu = -1;
	}
	close(p[1]); /* the conductor is the only writer: its end means EOF */
	if (pid < 0 && outcome == SL_BROK) {
		close(p[0]);
		drop_scratch(j);
		free(j);
		errno = saved;
		return NULL;
	}
	if (pid < 0) {
		close(p[0]);
		settle(j, outcome, why);
		return j;
	}
	j->conductor = pid;
	j->fd = p[0];
	return j;
}

int sl_job_fd(const struct sl_job *j)
{
	return j->fd;
}

const struct sl_result *sl_job_peek(const struct sl_job *j)
{
	return &j->r;
}

int64_t sl_job_deadline_ms(const struct sl_job *j)
{
	return j->deadline_ms;
}

/* The first thing the harness could not keep, and why (errno). */
static void note_lost(struct sl_job *j, const char *what)
{
	if (!j->lost[0])
		snprintf(j->lost, sizeof(j->lost), "%s: %s", what, strerror(errno));
}

static void take_entry(struct sl_job *j, const struct sl_trace_entry *e)
{
	if (e->kind == SL_ENTRY_EVENT && e->obs_kind == SL_OBS_OUTPUT) { /* joined, not a trace entry */
		if (e->step >= 0 && e->step < j->s->nsteps &&
		    sl_result_add_output(&j->r, e->step, e->actor, e->pid, &e->obs.output) < 0)
			note_lost(j, "a program's output");
		return;
	}
	if (e->kind == SL_ENTRY_EVENT && e->obs_kind == SL_OBS_LEAK && !e->obs.leak.expected)
		j->leaks_seen++;
	if (e->kind == SL_ENTRY_EVENT && e->obs_kind == SL_OBS_SANDBOX) {
		j->r.ipc_ns = e->obs.sandbox.ipc_ns;
		j->r.pid_ns = e->obs.sandbox.pid_ns;
	}
	if (e->kind == SL_ENTRY_END) {
		j->ended = 1;
		j->r.outcome = e->verdict;
		j->r.failed_step = e->step;
		snprintf(j->r.reason, sizeof(j->r.reason), "%s", e->detail);
		struct sl_trace_entry seen;
		const struct sl_trace_entry *failing = NULL;
		for (int i = j->r.ntrace - 1; i >= 0 && e->step >= 0 && !failing; i--)
			if (sl_result_entry(&j->r, i, &seen)->kind == SL_ENTRY_STEP && seen.step == e->step)
				failing = &seen;
		if (failing && e->step < j->s->nsteps) {
			const struct sl_step *st = &j->s->steps[e->step];
			sl_setf(j->r.reason, sizeof(j->r.reason), "line %d: %s: %s", st->line,
				 st->text ? st->text : sl_op_name(st->op), failing->detail);
		}
		if (e->obs_kind == SL_OBS_PHASES)
			j->r.phases = e->obs.phases;
		j->r.leaked_segments += j->leaks_seen;
	}
	if (sl_result_append(&j->r, e) < 0) {
		char what[64];
		snprintf(what, sizeof(what), "entry %d of the trace", j->r.ntrace + 1);
		note_lost(j, what);
	}
}

int sl_job_pump(struct sl_job *j)
{
	if (j->fd < 0)
		return 0;
	for (;;) {
		ssize_t n = read(j->fd, j->buf + j->have, sizeof(j->buf) - j->have);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 1;
			n = 0;
		}
		if (n == 0) {
			close(j->fd);
			j->fd = -1;
			return 0;
		}
		j->have += (size_t)n;
		size_t used = 0;
		for (; j->have - used >= SL_TRACE_RECORD_SIZE; used += SL_TRACE_RECORD_SIZE) {
			struct sl_trace_frame f;
			struct sl_trace_entry e;
			memcpy(&f, j->buf + used, sizeof(f)); /* copied: buf has no alignment */
			const char *problem = sl_trace_frame_problem(&f);
			if (problem) { /* nothing after it can be trusted */
				snprintf(j->corrupt, sizeof(j->corrupt), "%s", problem);
				close(j->fd);
				j->fd = -1;
				return 0;
			}
			memcpy(&e, j->buf + used + sizeof(f), sizeof(e));
			take_entry(j, &e);
		}
		memmove(j->buf, j->buf + used, j->have - used);
		j->have -= used;
		struct pollfd p = { .fd = j->fd, .events = POLLIN };
		if (poll(&p, 1, 0) <= 0)
			return 1;
	}
}

/* Waits at most `ms` for the conductor; 1 if it was reaped. */
static int reap_conductor(struct sl_job *j, int ms, int *status)
{
	int pidfd = sl_pidfd_open(j->conductor);
	if (pidfd >= 0) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };
		while (poll(&p, 1, ms) < 0 && errno == EINTR)
			;
		close(pidfd);
	}
	pid_t w;
	while ((w = waitpid(j->conductor, status, pidfd >= 0 ? WNOHANG : 0)) < 0 && errno == EINTR)
		;
	return w == j->conductor;
}

static void stop_conductor(struct sl_job *j, int *status)
{
	if (j->conductor <= 0)
		return;
	if (!j->ended || j->fd >= 0)
		kill(j->conductor, SIGKILL); /* PID 1: the kernel kills its namespace with it */
	if (!reap_conductor(j, 3000, status)) {
		kill(j->conductor, SIGKILL);
		reap_conductor(j, -1, status);
	}
	j->conductor = -1;
}

static void explain_missing_end(struct sl_job *j, int timed_out, int status)
{
	char why[512];
	struct sl_trace_entry seen;
	const struct sl_trace_entry *last = j->r.ntrace ? sl_result_entry(&j->r, j->r.ntrace - 1, &seen) : NULL;
	if (timed_out) {
		snprintf(why, sizeof(why), "scenario did not finish within %d ms",
			 sl_run_scaled_ms(&j->o, j->o.scenario_timeout_ms));
		if (last && last->step >= 0 && last->step < j->s->nsteps)
			sl_appendf(why, sizeof(why), "; last step done: line %d: %s", j->s->steps[last->step].line,
				   j->s->steps[last->step].text ? j->s->steps[last->step].text : "");
		settle(j, SL_TIMEOUT, why);
		return;
	}
	if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "the conductor was killed by %s before its verdict",
			 sl_signal_name(WTERMSIG(status)));
	else
		snprintf(why, sizeof(why), "the conductor ended without a verdict (status %d)",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	settle(j, SL_BROK, why);
}

void sl_job_finish(struct sl_job *j, struct sl_result *r)
{
	int status = 0;
	int timed_out = 0;
	if (j->fd >= 0 && !j->ended) {
		timed_out = 1;
		stop_conductor(j, &status);
		while (sl_job_pump(j)) /* what it said before it died */
			;
	} else {
		while (sl_job_pump(j))
			;
		stop_conductor(j, &status);
	}
	if (j->corrupt[0]) {
		char why[256];
		snprintf(why, sizeof(why), "the conductor's trace stream is corrupt: %s", j->corrupt);
		settle(j, SL_BROK, why);
	} else if (j->lost[0]) {
		char why[256];
		snprintf(why, sizeof(why), "the harness could not keep all of the trace (its reports would be short): %s",
			 j->lost);
		settle(j, SL_BROK, why);
	} else if (!j->ended) {
		explain_missing_end(j, timed_out, status);
	}
	if (j->vg_dir[0])
		sl_vg_apply(j->vg_dir, j->s, &j->r);
	end_scratch(j);
	sl_cpu_give_back(j->cpu);
	j->r.duration_ns = sl_now_ns() - j->t0;
	*r = j->r;
	free(j);
}

int sl_run(const struct sl_scenario *s, const struct sl_run_options *o, struct sl_result *r)
{
	struct sl_job *j = sl_job_start(s, o);
	if (!j)
		return -1;
	while (sl_job_fd(j) >= 0) {
		int left = (int)(sl_job_deadline_ms(j) - sl_now_ms());
		if (left <= 0)
			break;
		struct pollfd p = { .fd = sl_job_fd(j), .events = POLLIN };
		int n = poll(&p, 1, left);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && !sl_job_pump(j))
			break;
	}
	sl_job_finish(j, r);
	return 0;
}
