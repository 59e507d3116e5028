/* report_json_obs.c - an observation of a trace entry as results.json
 * writes it, by obs_kind: a segment (its views), the namespace, maps, a
 * process, phases, memcheck's events, a shmctl record, calls
 * (report_json_build.h: rj_obs_kind_name, rj_obs_json, rj_phases_json). */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "report_common.h"
#include "report_json_build.h"

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


/* A text of the record, with an ellipsis after it where the kernel's was
 * longer and was cut to fit (observe_process.c). */
static json_object *cut_text(const char *s, size_t max, char cut)
{
	if (!cut)
		return jstrn(s, max);
	char shown[80];
	snprintf(shown, sizeof(shown), "%.*s\xe2\x80\xa6", (int)strnlen(s, max), s);
	return jstr(shown);
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
		add(b, e, "target", cut_text(p->fds[i].target, sizeof(p->fds[i].target), p->fds[i].target_cut));
		push(b, fds, e);
	}
	add(b, o, "fds", fds);
	add(b, o, "cwd", cut_text(p->cwd, sizeof(p->cwd), p->cwd_cut));
	add(b, o, "comm", jstrn(p->comm, sizeof(p->comm)));
	return o;
}

json_object *rj_phases_json(struct jb *b, const struct sl_phase_times *p)
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

const char *rj_obs_kind_name(const struct sl_trace_entry *e)
{
	unsigned k = (unsigned)e->obs_kind;
	return k < sizeof(obs_kind_names) / sizeof(obs_kind_names[0]) && obs_kind_names[k] ? obs_kind_names[k] : "unknown";
}

json_object *rj_obs_json(struct jb *b, const struct sl_trace_entry *e)
{
	json_object *x = NULL;
	switch (e->obs_kind) {
	case SL_OBS_SEGMENT: x = segment_json(b, &e->obs.seg); break;
	case SL_OBS_NAMESPACE: x = namespace_json(b, &e->obs.ns); break;
	case SL_OBS_MAPS: x = maps_json(b, &e->obs.maps); break;
	case SL_OBS_PROCESS: x = process_json(b, &e->obs.proc); break;
	case SL_OBS_PHASES: x = rj_phases_json(b, &e->obs.phases); break;
	case SL_OBS_SANDBOX:
		x = json_object_new_object();
		add_uint(b, x, "ipc_ns", e->obs.sandbox.ipc_ns);
		add_uint(b, x, "pid_ns", e->obs.sandbox.pid_ns);
		break;
	case SL_OBS_LEAK:
		x = json_object_new_object();
		add_int(b, x, "segments", e->obs.leak.segments);
		add_bool(b, x, "expected", e->obs.leak.expected);
		break;
	case SL_OBS_CALLS: x = calls_json(b, &e->obs.calls); break;
	case SL_OBS_SHMCTL: x = shmctl_json(b, &e->obs.shmctl); break;
	case SL_OBS_MEMCHECK: x = memcheck_json(b, &e->obs.memcheck); break;
	default: return NULL;
	}
	if (!x)
		b->failed = 1;
	return x;
}
