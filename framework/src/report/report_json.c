/* report_json.c - results.json (report.h), with json-c: the run's metadata
 * and totals, then every scenario with its claims and its full trace, each
 * entry with all its fields and its observation rendered by obs_kind.
 * Strings are made valid UTF-8 first (bytes that are not are written as the
 * text \xNN); json-c escapes control characters.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <json-c/json.h>

#include "report_common.h"
#include "report_json_build.h"
#include "shmlife/claims.h"

/* ---- observations ------------------------------------------------------- */

static json_object *view_json(struct jb *b, const struct sl_segment_view *v)
{
	json_object *o = json_object_new_object();
	char octal[16];

	snprintf(octal, sizeof(octal), "0%o", v->mode);
	add_bool(b, o, "present", v->present);
	add_int(b, o, "shmid", v->shmid);
	add_int(b, o, "key", v->key);
	add_uint(b, o, "mode", v->mode);
	add_str(b, o, "mode_octal", octal);
	add_uint(b, o, "size", v->size);
	add_int(b, o, "cpid", v->cpid);
	add_int(b, o, "lpid", v->lpid);
	add_uint(b, o, "nattch", v->nattch);
	add_uint(b, o, "uid", v->uid);
	add_uint(b, o, "gid", v->gid);
	add_uint(b, o, "cuid", v->cuid);
	add_uint(b, o, "cgid", v->cgid);
	add_int(b, o, "atime", v->atime);
	add_int(b, o, "dtime", v->dtime);
	add_int(b, o, "ctime", v->ctime);
	add_uint(b, o, "rss", v->rss);
	add_uint(b, o, "swap", v->swap);
	return o;
}

static json_object *segment_json(struct jb *b, const struct sl_segment_obs *s)
{
	json_object *o = json_object_new_object(), *ipcs = json_object_new_object();

	add_int(b, o, "shmid", s->shmid);
	add_int(b, o, "stat_errno", s->stat_errno);
	add_errno(b, o, "stat_errno_name", s->stat_errno);
	add(b, o, "stat", view_json(b, &s->stat));
	add(b, o, "proc", view_json(b, &s->proc));
	add_bool(b, o, "disagree", s->disagree);
	add(b, o, "disagreement", jstrn(s->disagreement, sizeof(s->disagreement)));
	add_bool(b, ipcs, "run", s->ipcs_run);
	add_bool(b, ipcs, "present", s->ipcs_present);
	add_int(b, ipcs, "key", s->ipcs_key);
	add_uint(b, ipcs, "nattch", s->ipcs_nattch);
	add_bool(b, ipcs, "dest", s->ipcs_dest);
	add(b, o, "ipcs", ipcs);
	return o;
}

static json_object *namespace_json(struct jb *b, const struct sl_namespace_obs *n)
{
	json_object *o = json_object_new_object();
	add_int(b, o, "segments_shm_info", n->segments_shm_info);
	add_int(b, o, "segments_proc", n->segments_proc);
	add_int(b, o, "segments_stat_any", n->segments_stat_any);
	add_uint(b, o, "shmmax", n->shmmax);
	add_uint(b, o, "shmall", n->shmall);
	add_uint(b, o, "shmmni", n->shmmni);
	add_int(b, o, "rmid_forced", n->rmid_forced);
	return o;
}

static json_object *maps_json(struct jb *b, const struct sl_maps_obs *m)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	add_int(b, o, "pid", m->pid);
	add_int(b, o, "n", m->n);
	for (int i = 0; i < m->n && i < SL_MAX_MAPS; i++) {
		json_object *e = json_object_new_object();
		add_uint(b, e, "start", m->map[i].start);
		add_uint(b, e, "end", m->map[i].end);
		add_int(b, e, "key", m->map[i].key);
		add_int(b, e, "shmid", m->map[i].shmid);
		add_bool(b, e, "deleted", m->map[i].deleted);
		add_bool(b, e, "writable", m->map[i].writable);
		push(b, a, e);
	}
	add(b, o, "map", a);
	return o;
}

static json_object *process_json(struct jb *b, const struct sl_process_obs *p)
{
	json_object *o = json_object_new_object(), *fds = json_object_new_array();
	char state[2] = { p->state, '\0' };

	add_int(b, o, "pid", p->pid);
	add_bool(b, o, "alive", p->alive);
	add_bool(b, o, "ended", p->ended);
	add_int(b, o, "exit_status", p->exit_status);
	add_int(b, o, "term_signal", p->term_signal);
	add_signal(b, o, "term_signal_name", p->term_signal);
	add_str(b, o, "state", state);
	add_int(b, o, "ppid", p->ppid);
	add_int(b, o, "pgid", p->pgid);
	add_int(b, o, "sid", p->sid);
	add_int(b, o, "tty_nr", p->tty_nr);
	add_int(b, o, "tpgid", p->tpgid);
	add_int(b, o, "umask", p->umask);
	add_uint(b, o, "uid", p->uid);
	add_uint(b, o, "gid", p->gid);
	add_uint(b, o, "sig_ignored", p->sig_ignored);
	add_uint(b, o, "sig_caught", p->sig_caught);
	add_uint(b, o, "sig_pending", p->sig_pending);
	add_int(b, o, "devtty_errno", p->devtty_errno);
	add_errno(b, o, "devtty_errno_name", p->devtty_errno);
	add_int(b, o, "nfds", p->nfds);
	for (int i = 0; i < p->nfds && i < SL_MAX_FDS; i++) {
		json_object *e = json_object_new_object();
		add_int(b, e, "fd", p->fds[i].fd);
		add(b, e, "target", jstrn(p->fds[i].target, sizeof(p->fds[i].target)));
		push(b, fds, e);
	}
	add(b, o, "fds", fds);
	add(b, o, "cwd", jstrn(p->cwd, sizeof(p->cwd)));
	add(b, o, "comm", jstrn(p->comm, sizeof(p->comm)));
	return o;
}

static json_object *phases_json(struct jb *b, const struct sl_phase_times *p)
{
	json_object *o = json_object_new_object();
	add_uint(b, o, "setup_ns", p->setup_ns);
	add_uint(b, o, "fork_ns", p->fork_ns);
	add_uint(b, o, "steps_ns", p->steps_ns);
	add_uint(b, o, "observe_ns", p->observe_ns);
	add_uint(b, o, "teardown_ns", p->teardown_ns);
	return o;
}

static const char *const obs_kind_names[] = {
	[SL_OBS_NONE] = "none", [SL_OBS_SEGMENT] = "segment", [SL_OBS_NAMESPACE] = "namespace",
	[SL_OBS_MAPS] = "maps", [SL_OBS_PROCESS] = "process", [SL_OBS_PHASES] = "phases",
	[SL_OBS_SANDBOX] = "sandbox", [SL_OBS_LEAK] = "leak", [SL_OBS_CALLS] = "calls",
	[SL_OBS_OUTPUT] = "output", [SL_OBS_SHMCTL] = "shmctl", [SL_OBS_MEMCHECK] = "memcheck",
};

/* memcheck's record (SL_OBS_MEMCHECK): {"role", "pid"} or, for the summary,
 * {"role", "processes", "errors", "leaks", "truncated", "dir"}. */
static json_object *memcheck_json(struct jb *b, const struct sl_memcheck_obs *m)
{
	static const char *const roles[] = { "process", "files", "summary" };
	json_object *o = json_object_new_object();
	add(b, o, "role", json_object_new_string(roles[m->role]));
	if (m->role == SL_MEMCHECK_PROCESS)
		add_int(b, o, "pid", m->pid);
	if (m->role != SL_MEMCHECK_SUMMARY)
		return o;
	add_int(b, o, "processes", m->processes);
	add_int(b, o, "errors", m->errors);
	add_int(b, o, "leaks", m->leaks);
	add_int(b, o, "truncated", m->truncated);
	add(b, o, "dir", json_object_new_string(m->dir));
	return o;
}

/* What an actor's shmctl filled in (SL_OBS_SHMCTL): {"kind", "cmd", "id", "ret", then the fields of its kind}. */
static json_object *shmctl_json(struct jb *b, const struct sl_shmctl_obs *r)
{
	static const char *const kinds[] = { "none", "stat", "ipc_info", "shm_info" };
	json_object *o = json_object_new_object();
	add_str(b, o, "kind", (unsigned)r->kind <= SL_SHMCTL_SHM_INFO ? kinds[r->kind] : "unknown");
	add_int(b, o, "cmd", r->cmd);
	add_int(b, o, "id", r->id);
	add_int(b, o, "ret", r->ret);
	if (r->kind == SL_SHMCTL_STAT)
		add(b, o, "stat", view_json(b, &r->stat));
	if (r->kind == SL_SHMCTL_IPC_INFO) {
		add_uint(b, o, "shmmax", r->shmmax);
		add_uint(b, o, "shmmin", r->shmmin);
		add_uint(b, o, "shmmni", r->shmmni);
		add_uint(b, o, "shmseg", r->shmseg);
		add_uint(b, o, "shmall", r->shmall);
	}
	if (r->kind == SL_SHMCTL_SHM_INFO) {
		add_uint(b, o, "used_ids", r->used_ids);
		add_uint(b, o, "shm_tot", r->shm_tot);
		add_uint(b, o, "shm_rss", r->shm_rss);
		add_uint(b, o, "shm_swp", r->shm_swp);
		add_uint(b, o, "swap_attempts", r->swap_attempts);
		add_uint(b, o, "swap_successes", r->swap_successes);
	}
	add(b, o, "kernel_differs", jstrn(r->kernel_differs, sizeof(r->kernel_differs)));
	return o;
}

/* A supervised process's calls (SL_OBS_CALLS): {"pid", "role", "comm", ..., "calls": {"shmget": N, ...}}. */
static json_object *calls_json(struct jb *b, const struct sl_calls_obs *c)
{
	static const char *const roles[] = { [SL_CALLS_ACTOR] = "actor", [SL_CALLS_PROGRAM] = "program",
					     [SL_CALLS_CHILD] = "child" };
	json_object *x = json_object_new_object();
	add_int(b, x, "pid", c->pid);
	add_str(b, x, "role", (unsigned)c->role <= SL_CALLS_CHILD ? roles[c->role] : "unknown");
	add_int(b, x, "parent_pid", c->parent_pid);
	add_str(b, x, "comm", c->comm);
	add_str(b, x, "parent_comm", c->parent_comm);
	add_str(b, x, "became", c->became);
	json_object *calls = json_object_new_object();
	for (unsigned i = 0; i < c->ncalls && i < SL_MAX_CALL_KINDS && sl_fault_call_at((int)i); i++)
		add_uint(b, calls, sl_fault_call_at((int)i), c->calls[i]);
	add(b, x, "calls", calls);
	return x;
}

static void add_obs(struct jb *b, json_object *o, const struct sl_trace_entry *e)
{
	unsigned k = (unsigned)e->obs_kind;
	add_str(b, o, "obs_kind", k <= SL_OBS_SHMCTL ? obs_kind_names[k] : "unknown");
	switch (e->obs_kind) {
	case SL_OBS_SEGMENT: add(b, o, "obs", segment_json(b, &e->obs.seg)); break;
	case SL_OBS_NAMESPACE: add(b, o, "obs", namespace_json(b, &e->obs.ns)); break;
	case SL_OBS_MAPS: add(b, o, "obs", maps_json(b, &e->obs.maps)); break;
	case SL_OBS_PROCESS: add(b, o, "obs", process_json(b, &e->obs.proc)); break;
	case SL_OBS_PHASES: add(b, o, "obs", phases_json(b, &e->obs.phases)); break;
	case SL_OBS_SANDBOX: {
		json_object *x = json_object_new_object();
		add_uint(b, x, "ipc_ns", e->obs.sandbox.ipc_ns);
		add_uint(b, x, "pid_ns", e->obs.sandbox.pid_ns);
		add(b, o, "obs", x);
		break;
	}
	case SL_OBS_LEAK: {
		json_object *x = json_object_new_object();
		add_int(b, x, "segments", e->obs.leak.segments);
		add_bool(b, x, "expected", e->obs.leak.expected);
		add(b, o, "obs", x);
		break;
	}
	case SL_OBS_CALLS: add(b, o, "obs", calls_json(b, &e->obs.calls)); break;
	case SL_OBS_SHMCTL: add(b, o, "obs", shmctl_json(b, &e->obs.shmctl)); break;
	case SL_OBS_MEMCHECK: add(b, o, "obs", memcheck_json(b, &e->obs.memcheck)); break;
	default: add_null(b, o, "obs"); break;
	}
}

/* ---- the trace ------------------------------------------------------------ */

static json_object *brief_json(struct jb *b, const struct sl_scenario *s,
			       const struct sl_segment_brief *br)
{
	json_object *o = json_object_new_object();
	add_int(b, o, "slot", br->slot);
	if (s && br->slot >= 0 && br->slot < s->nslots)
		add_str(b, o, "slot_name", s->slots[br->slot]);
	else
		add_null(b, o, "slot_name");
	add_int(b, o, "shmid", br->shmid);
	add_bool(b, o, "present", br->present);
	add_int(b, o, "key", br->key);
	add_uint(b, o, "nattch", br->nattch);
	add_bool(b, o, "dest", br->dest);
	return o;
}

static const char *const kind_names[] = {
	[SL_ENTRY_STEP] = "step", [SL_ENTRY_EVENT] = "event", [SL_ENTRY_END] = "end",
};

static json_object *entry_json(struct jb *b, const struct sl_scenario *s,
			       const struct sl_trace_entry *e)
{
	json_object *o = json_object_new_object();
	const struct sl_step *st = rc_entry_step(s, e);
	unsigned k = (unsigned)e->kind;

	add_str(b, o, "kind", k <= SL_ENTRY_END ? kind_names[k] : "unknown");
	add_int(b, o, "step", e->step);
	if (st) {
		add_int(b, o, "step_line", st->line);
		add_str(b, o, "step_text", rc_step_text(st));
		add_str(b, o, "op", sl_op_name(st->op));
	} else {
		add_null(b, o, "step_line");
		add_null(b, o, "step_text");
		add_null(b, o, "op");
	}
	add_int(b, o, "actor", e->actor);
	add_str(b, o, "actor_name", rc_actor_name(s, e->actor));
	add_int(b, o, "pid", e->pid);
	add_str(b, o, "verdict", sl_outcome_name(e->verdict));
	add_int(b, o, "ret", e->ret);
	add_int(b, o, "errno", e->err);
	add_errno(b, o, "errno_name", e->err);
	add_int(b, o, "signal", e->signal);
	add_signal(b, o, "signal_name", e->signal);
	add_bool(b, o, "exited", e->exited);
	add_int(b, o, "exit_status", e->exit_status);
	add_int(b, o, "wall_sec", e->wall_sec);
	add_uint(b, o, "t_ns", e->t_ns);
	add_uint(b, o, "dur_ns", e->dur_ns);
	add(b, o, "detail", jstrn(e->detail, sizeof(e->detail)));
	add(b, o, "brief", brief_json(b, s, &e->brief));
	add_obs(b, o, e);
	return o;
}

/* ---- a scenario --------------------------------------------------------------- */

static json_object *failed_step_json(struct jb *b, const struct sl_scenario *s, int index)
{
	if (!s || index < 0 || index >= s->nsteps)
		return NULL;
	const struct sl_step *st = &s->steps[index];
	json_object *o = json_object_new_object();
	add_int(b, o, "index", index);
	add_int(b, o, "number", index + 1);
	add_int(b, o, "line", st->line);
	add_str(b, o, "actor", rc_actor_name(s, st->actor));
	add_str(b, o, "text", rc_step_text(st));
	return o;
}

/* Each claim as the script states it, and as this run judges it (claims.h). */
static json_object *claims_json(struct jb *b, const struct sl_scenario *s, const struct sl_result *r)
{
	json_object *a = json_object_new_array();
	for (int i = 0; s && i < s->nclaims; i++) {
		json_object *c = json_object_new_object();
		struct sl_claim_finding f;
		sl_claim_judge(s, i, r, &f);
		add_str(b, c, "id", s->claims[i].id);
		add_str(b, c, "text", s->claims[i].text);
		add_str(b, c, "source", s->claims[i].source);
		add_bool(b, c, "kernel_agrees", s->claims[i].kernel_agrees);
		add_str(b, c, "verdict", sl_claim_verdict_name(f.verdict));
		add_str(b, c, "evidence", f.evidence ? f.evidence : "(out of memory)");
		sl_claim_finding_free(&f);
		push(b, a, c);
	}
	return a;
}

static json_object *strings_json(struct jb *b, char *const *v, int n)
{
	json_object *a = json_object_new_array();
	for (int i = 0; i < n; i++)
		push(b, a, jstr(v[i]));
	return a;
}

/* The programs' stdout and stderr: [{"step", "line", "actor", "pid", "stream", "bytes", "kept", "text"}]. */
static json_object *outputs_json(struct jb *b, const struct sl_scenario *s, const struct sl_result *r)
{
	json_object *a = json_object_new_array();
	for (int i = 0; i < r->noutputs; i++) {
		const struct sl_output *out = &r->outputs[i];
		json_object *x = json_object_new_object();
		add_int(b, x, "step", out->step + 1);
		add_int(b, x, "line", s && out->step >= 0 && out->step < s->nsteps ? s->steps[out->step].line : 0);
		add_str(b, x, "actor", rc_actor_name(s, out->actor));
		add_int(b, x, "pid", out->pid);
		add_str(b, x, "stream", out->stream == 1 ? "stdout" : out->stream == 2 ? "stderr" : "terminal");
		add_uint(b, x, "bytes", out->total);
		add_uint(b, x, "kept", out->len);
		char *clean = rc_clean_utf8(out->data ? out->data : "", 0);
		add(b, x, "text", clean ? json_object_new_string(clean) : NULL);
		free(clean);
		push(b, a, x);
	}
	return a;
}

/* What stands in a scenario's object for its trace, whose entries are made,
 * written and freed one at a time (write_trace): a 100 000-step scenario's
 * trace as json-c objects was 1.4 GB. */
#define TRACE_MARK "\001shmlife-trace\001"
#define TRACE_MEMBER "\"trace\": \"\\u0001shmlife-trace\\u0001\""

/* same_as: the index of the first run this one is the same as (its trace
 * is left out: "trace": [], "same_as": that run's display name), or -1. */
static json_object *scenario_json(struct jb *b, const struct sl_report_item *it, const struct sl_report_item *same_as)
{
	const struct sl_scenario *s = it->scenario;
	const struct sl_result *r = &it->result;
	json_object *o = json_object_new_object(), *actors = json_object_new_array();
	json_object *failed;
	char name[512];

	rc_item_name(it, name, sizeof(name));
	add_str(b, o, "name", s ? s->name : NULL);
	add_str(b, o, "display_name", name);
	add_int(b, o, "repeat", it->repeat);
	add_bool(b, o, "flaky", it->flaky);
	add_int(b, o, "attempts", it->attempts > 1 ? it->attempts : 1);
	add_str(b, o, "file", s ? s->file : NULL);
	add_int(b, o, "line", s ? s->line : 0);
	add_str(b, o, "description", s ? s->description : NULL);
	add(b, o, "tags", strings_json(b, s ? s->tags : NULL, s ? s->ntags : 0));
	add_str(b, o, "outcome", sl_outcome_name(r->outcome));
	add(b, o, "reason", jstrn(r->reason, sizeof(r->reason)));
	add_uint(b, o, "duration_ns", r->duration_ns);
	add(b, o, "duration_ms", json_object_new_double((double)r->duration_ns / 1e6));
	add(b, o, "phases", phases_json(b, &r->phases));
	add_int(b, o, "leaked_segments", r->leaked_segments);
	add_uint(b, o, "ipc_ns", r->ipc_ns);
	add_uint(b, o, "pid_ns", r->pid_ns);
	failed = failed_step_json(b, s, rc_failing_step(s, r));
	if (failed)
		add(b, o, "failed_step", failed);
	else
		add_null(b, o, "failed_step");
	/* a summarised run: claims, actors, slots and trace are its first run's */
	add(b, o, "claims", same_as ? json_object_new_array() : claims_json(b, s, r));
	for (int i = 0; !same_as && s && i < s->nactors; i++)
		push(b, actors, jstr(s->actors[i].name));
	add(b, o, "actors", actors);
	add(b, o, "slots", strings_json(b, s && !same_as ? s->slots : NULL, s && !same_as ? s->nslots : 0));
	/* its entries are made and written one at a time (write_trace) */
	add(b, o, "trace", same_as || r->ntrace == 0 ? json_object_new_array() : jstr(TRACE_MARK));
	add(b, o, "outputs", same_as ? json_object_new_array() : outputs_json(b, s, r));
	if (r->scratch[0])
		add(b, o, "scratch", jstrn(r->scratch, sizeof(r->scratch)));
	else
		add_null(b, o, "scratch");
	add_str(b, o, "libc", sl_libc_name((enum sl_libc)r->libc));
	add_bool(b, o, "detailed", !same_as);
	if (same_as) {
		char first[512];
		rc_item_name(same_as, first, sizeof(first));
		add_str(b, o, "same_as", first);
	} else {
		add_null(b, o, "same_as");
	}
	return o;
}

/* ---- the document ----------------------------------------------------------------- */

static void add_time(struct jb *b, json_object *o, const char *key, time_t t)
{
	char stamp[32];
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	add_str(b, o, key, stamp);
}

static json_object *totals_json(struct jb *b, const struct sl_report_item *items, int n)
{
	json_object *o = json_object_new_object();
	struct sl_report_totals t;
	int flaky = 0;

	sl_report_totals(items, n, &t);
	for (int i = 0; i < n; i++) {          /* scenarios, not repetitions */
		int counted = 0;
		for (int j = 0; j < i && !counted; j++)
			counted = items[j].flaky && items[j].scenario == items[i].scenario;
		flaky += items[i].flaky && !counted;
	}
	add_int(b, o, "scenarios", n);
	add_int(b, o, "passed", t.passed);
	add_int(b, o, "failed", t.failed);
	add_int(b, o, "skipped", t.skipped);
	add_int(b, o, "broken", t.broken);
	add_int(b, o, "timed_out", t.timedout);
	add_int(b, o, "flaky", flaky);
	add_int(b, o, "passed_on_retry", t.passed_on_retry);
	return o;
}

/* The document's head: everything but "scenarios", which sl_json_write
 * writes one scenario at a time. */
static json_object *document_json(struct jb *b, const struct sl_report_item *items, int n,
				  const struct sl_report_column *columns, int ncolumns)
{
	json_object *root = json_object_new_object();
	struct utsname u;
	struct rc_system sys;
	time_t start = rc_run_start(items, n);

	if (uname(&u))
		memset(&u, 0, sizeof(u));
	rc_system(&sys);
	add_str(b, root, "format", "shmlife-results");
	add_int(b, root, "format_version", 1);
	add_str(b, root, "shmlife_version", SHMLIFE_VERSION);
	add_str(b, root, "kernel_release", u.release);
	add_str(b, root, "kernel_version", u.version);
	add_str(b, root, "machine", u.machine);
	add_str(b, root, "libc", sys.libc);
	add_str(b, root, "hostname", u.nodename);
	add_time(b, root, "started_at", start);
	add_int(b, root, "started_at_unix", start);
	add_time(b, root, "written_at", time(NULL));
	add(b, root, "totals", totals_json(b, items, n));
	if (ncolumns > 0)
		add(b, root, "kernels", rc_kernels_json(b, items, n, columns, ncolumns));
	return root;
}

#define JSON_FLAGS (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE)

/* `text` from its start to `end` (NULL: all), each line indented by
 * `indent` spaces, but the first when `first` is 0 (it goes on a line
 * already begun). */
static void put_lines(FILE *f, const char *text, const char *end, int indent, int first)
{
	if (!end)
		end = text + strlen(text);
	for (const char *p = text; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		if (p != text || first)
			fprintf(f, "%*s", indent, "");
		fwrite(p, 1, n, f);
		p += n;
	}
}

/* The "trace" array of a scenario's object, after its key: each entry made,
 * written and freed in turn, laid out as json-c lays out an array of the
 * object at that depth. */
static void write_trace(FILE *f, struct jb *b, const struct sl_report_item *it)
{
	const struct sl_result *r = &it->result;
	fputs("[\n", f);
	for (int i = 0; i < r->ntrace && !b->failed; i++) {
		json_object *e = entry_json(b, it->scenario, &r->trace[i]);
		const char *text = b->failed ? NULL : json_object_to_json_string_ext(e, JSON_FLAGS);
		if (text) {
			put_lines(f, text, NULL, 8, 1);
			fputs(i + 1 < r->ntrace ? ",\n" : "\n", f);
		} else {
			b->failed = 1;
		}
		json_object_put(e);
	}
	fputs("      ]", f);
}

/* A scenario's object, as a member of the "scenarios" array (indented by
 * two levels), its trace written in the place of TRACE_MEMBER. */
static void put_scenario(FILE *f, struct jb *b, const struct sl_report_item *it, const char *text)
{
	const char *mark = strstr(text, TRACE_MEMBER);
	if (!mark) { /* no trace to write */
		put_lines(f, text, NULL, 4, 1);
		return;
	}
	const char *value = mark + strlen("\"trace\": ");
	put_lines(f, text, value, 4, 1);
	write_trace(f, b, it);
	put_lines(f, mark + strlen(TRACE_MEMBER), NULL, 4, 0);
}

/* The head, then each scenario made, written and freed in turn: a tree of
 * the whole run (json-c's objects are several times the size of their
 * text) was most of the harness's peak memory. */
static int write_document(FILE *f, const struct sl_report_item *items, int n, const struct sl_report_column *columns,
			  int ncolumns)
{
	struct jb b = { 0 };
	json_object *root = document_json(&b, items, n, columns, ncolumns);
	const char *head = b.failed ? NULL : json_object_to_json_string_ext(root, JSON_FLAGS);
	const char *close = head ? strrchr(head, '}') : NULL;
	if (!close) {
		json_object_put(root);
		return -1;
	}
	while (close > head && (close[-1] == '\n' || close[-1] == ' '))
		close--; /* the head's members, then ours after a comma */
	fprintf(f, "%.*s,\n  \"scenarios\": [\n", (int)(close - head), head);
	json_object_put(root);
	for (int i = 0; i < n && !b.failed; i++) {
		int first = rc_same_as_first(items, n, i);
		json_object *o = scenario_json(&b, &items[i], first >= 0 ? &items[first] : NULL);
		const char *text = b.failed ? NULL : json_object_to_json_string_ext(o, JSON_FLAGS);
		if (text) {
			put_scenario(f, &b, &items[i], text);
			fputs(i + 1 < n ? ",\n" : "\n", f);
		} else {
			b.failed = 1;
		}
		json_object_put(o);
	}
	fputs("  ]\n}\n", f);
	return b.failed ? -1 : 0;
}

int sl_json_write(const char *path, const struct sl_report_item *items, int n)
{
	return sl_json_write_columns(path, items, n, NULL, 0);
}

int sl_json_write_columns(const char *path, const struct sl_report_item *items, int n,
			  const struct sl_report_column *columns, int ncolumns)
{
	struct sl_atomic_file af;
	if (sl_atomic_open(&af, path) < 0) /* written as it is made, never held whole */
		return -1;
	int built = write_document(af.f, items, n, columns, ncolumns);
	if (built != 0) {
		sl_atomic_close(&af, 0);
		errno = ENOMEM; /* only memory runs out: the input is cleaned */
		return -1;
	}
	return sl_atomic_close(&af, 1);
}
