/* report_json_read.c - results.json read back into report items
 * (sl_json_read, report.h), for `shmlife merge`: the mirror of
 * report_json.c.  A scenario's results (outcome, reason, times, flaky,
 * attempts, and every trace entry with its observation) come from the file;
 * the scenario itself (its steps, actors, claims) from the caller, who parses
 * the script the file names.  What report_json.c derives from the scenario
 * (step texts, names of errnos and signals, the claims' verdicts) is not
 * read: it is derived again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "report_common.h"

static json_object *field(json_object *o, const char *key)
{
	json_object *v = NULL;
	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static int64_t num(json_object *o, const char *key)
{
	json_object *v = field(o, key);
	return v ? json_object_get_int64(v) : 0;
}

static uint64_t unum(json_object *o, const char *key)
{
	json_object *v = field(o, key);
	return v ? json_object_get_uint64(v) : 0;
}

static int flag(json_object *o, const char *key)
{
	json_object *v = field(o, key);
	return v ? json_object_get_boolean(v) : 0;
}

static const char *text(json_object *o, const char *key)
{
	json_object *v = field(o, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static void copy_text(char *dst, size_t len, json_object *o, const char *key)
{
	const char *s = text(o, key);
	snprintf(dst, len, "%s", s ? s : "");
}

static int outcome_of(const char *name)
{
	for (int o = 0; o < SL_OUTCOME__COUNT; o++)
		if (name && strcmp(name, sl_outcome_name((enum sl_outcome)o)) == 0)
			return o;
	return -1;
}

static int index_of(const char *name, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (name && names[i] && strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

/* ---- observations ------------------------------------------------------------ */

static void read_view(json_object *o, struct sl_segment_view *v)
{
	v->present = flag(o, "present");
	v->shmid = (int)num(o, "shmid");
	v->key = (int32_t)num(o, "key");
	v->mode = (unsigned)unum(o, "mode");
	v->size = unum(o, "size");
	v->cpid = (int)num(o, "cpid");
	v->lpid = (int)num(o, "lpid");
	v->nattch = unum(o, "nattch");
	v->uid = (unsigned)unum(o, "uid");
	v->gid = (unsigned)unum(o, "gid");
	v->cuid = (unsigned)unum(o, "cuid");
	v->cgid = (unsigned)unum(o, "cgid");
	v->atime = num(o, "atime");
	v->dtime = num(o, "dtime");
	v->ctime = num(o, "ctime");
	v->rss = unum(o, "rss");
	v->swap = unum(o, "swap");
}

static void read_segment(json_object *o, struct sl_segment_obs *s)
{
	json_object *ipcs = field(o, "ipcs");
	s->shmid = (int)num(o, "shmid");
	s->stat_errno = (int)num(o, "stat_errno");
	read_view(field(o, "stat"), &s->stat);
	read_view(field(o, "proc"), &s->proc);
	s->disagree = flag(o, "disagree");
	copy_text(s->disagreement, sizeof(s->disagreement), o, "disagreement");
	s->ipcs_run = flag(ipcs, "run");
	s->ipcs_present = flag(ipcs, "present");
	s->ipcs_key = (int32_t)num(ipcs, "key");
	s->ipcs_nattch = unum(ipcs, "nattch");
	s->ipcs_dest = flag(ipcs, "dest");
}

static void read_namespace(json_object *o, struct sl_namespace_obs *n)
{
	n->segments_shm_info = (int)num(o, "segments_shm_info");
	n->segments_proc = (int)num(o, "segments_proc");
	n->segments_stat_any = (int)num(o, "segments_stat_any");
	n->shmmax = unum(o, "shmmax");
	n->shmall = unum(o, "shmall");
	n->shmmni = unum(o, "shmmni");
	n->rmid_forced = (int)num(o, "rmid_forced");
}

static void read_maps(json_object *o, struct sl_maps_obs *m)
{
	json_object *list = field(o, "map");
	m->pid = (int)num(o, "pid");
	m->n = (int)num(o, "n");
	for (size_t i = 0; list && i < json_object_array_length(list) && i < SL_MAX_MAPS; i++) {
		json_object *e = json_object_array_get_idx(list, i);
		m->map[i].start = unum(e, "start");
		m->map[i].end = unum(e, "end");
		m->map[i].key = (int32_t)num(e, "key");
		m->map[i].shmid = (int)num(e, "shmid");
		m->map[i].deleted = flag(e, "deleted");
		m->map[i].writable = flag(e, "writable");
	}
}

static void read_process(json_object *o, struct sl_process_obs *p)
{
	json_object *fds = field(o, "fds");
	const char *state = text(o, "state");
	p->pid = (int)num(o, "pid");
	p->alive = flag(o, "alive");
	p->ended = flag(o, "ended");
	p->exit_status = (int)num(o, "exit_status");
	p->term_signal = (int)num(o, "term_signal");
	p->state = state ? state[0] : '\0';
	p->ppid = (int)num(o, "ppid");
	p->pgid = (int)num(o, "pgid");
	p->sid = (int)num(o, "sid");
	p->tty_nr = (int)num(o, "tty_nr");
	p->tpgid = (int)num(o, "tpgid");
	p->umask = (int)num(o, "umask");
	p->uid = (unsigned)unum(o, "uid");
	p->gid = (unsigned)unum(o, "gid");
	p->sig_ignored = unum(o, "sig_ignored");
	p->sig_caught = unum(o, "sig_caught");
	p->sig_pending = unum(o, "sig_pending");
	p->devtty_errno = (int)num(o, "devtty_errno");
	p->nfds = (int)num(o, "nfds");
	for (size_t i = 0; fds && i < json_object_array_length(fds) && i < SL_MAX_FDS; i++) {
		json_object *e = json_object_array_get_idx(fds, i);
		p->fds[i].fd = (int)num(e, "fd");
		copy_text(p->fds[i].target, sizeof(p->fds[i].target), e, "target");
	}
	copy_text(p->cwd, sizeof(p->cwd), o, "cwd");
	copy_text(p->comm, sizeof(p->comm), o, "comm");
}

static void read_phases(json_object *o, struct sl_phase_times *p)
{
	p->setup_ns = unum(o, "setup_ns");
	p->fork_ns = unum(o, "fork_ns");
	p->steps_ns = unum(o, "steps_ns");
	p->observe_ns = unum(o, "observe_ns");
	p->teardown_ns = unum(o, "teardown_ns");
}

static void read_calls(json_object *o, struct sl_calls_obs *c)
{
	static const char *const roles[] = { "actor", "program", "child" };
	json_object *calls = field(o, "calls");
	int role = index_of(text(o, "role"), roles, 3);
	c->pid = (int)num(o, "pid");
	c->role = role < 0 ? SL_CALLS_ACTOR : (enum sl_calls_role)role;
	c->parent_pid = (int)num(o, "parent_pid");
	copy_text(c->comm, sizeof(c->comm), o, "comm");
	copy_text(c->parent_comm, sizeof(c->parent_comm), o, "parent_comm");
	copy_text(c->became, sizeof(c->became), o, "became");
	c->ncalls = 0;
	for (int i = 0; i < SL_MAX_CALL_KINDS && sl_fault_call_at(i); i++) {
		json_object *v = field(calls, sl_fault_call_at(i));
		if (!v)
			break;
		c->calls[i] = (unsigned)json_object_get_uint64(v);
		c->ncalls = (unsigned)i + 1;
	}
}

static void read_shmctl(json_object *o, struct sl_shmctl_obs *r)
{
	static const char *const kinds[] = { "none", "stat", "ipc_info", "shm_info" };
	int k = index_of(text(o, "kind"), kinds, 4);
	r->kind = k < 0 ? SL_SHMCTL_NONE : k;
	r->cmd = (int)num(o, "cmd");
	r->id = (int)num(o, "id");
	r->ret = num(o, "ret");
	json_object *stat = field(o, "stat");
	if (stat)
		read_view(stat, &r->stat);
	r->shmmax = unum(o, "shmmax");
	r->shmmin = unum(o, "shmmin");
	r->shmmni = unum(o, "shmmni");
	r->shmseg = unum(o, "shmseg");
	r->shmall = unum(o, "shmall");
	r->used_ids = unum(o, "used_ids");
	r->shm_tot = unum(o, "shm_tot");
	r->shm_rss = unum(o, "shm_rss");
	r->shm_swp = unum(o, "shm_swp");
	r->swap_attempts = unum(o, "swap_attempts");
	r->swap_successes = unum(o, "swap_successes");
	copy_text(r->kernel_differs, sizeof(r->kernel_differs), o, "kernel_differs");
}

static void read_memcheck(json_object *o, struct sl_memcheck_obs *m)
{
	static const char *const roles[] = { "process", "files", "summary" };
	int role = index_of(text(o, "role"), roles, 3);
	m->role = role < 0 ? SL_MEMCHECK_FILES : (enum sl_memcheck_role)role;
	m->pid = (int)num(o, "pid");
	m->processes = (int)num(o, "processes");
	m->errors = (int)num(o, "errors");
	m->leaks = (int)num(o, "leaks");
	m->truncated = (int)num(o, "truncated");
	const char *dir = text(o, "dir");
	if (dir && strlen(dir) < sizeof(m->dir))
		memcpy(m->dir, dir, strlen(dir) + 1);
}

static void read_obs(json_object *o, struct sl_trace_entry *e)
{
	static const char *const kinds[] = { "none", "segment", "namespace", "maps", "process",
					     "phases", "sandbox", "leak", "calls", "output", "shmctl", "memcheck" };
	json_object *obs = field(o, "obs");
	int k = index_of(text(o, "obs_kind"), kinds, 12);
	e->obs_kind = k < 0 ? SL_OBS_NONE : (enum sl_obs_kind)k;
	switch (e->obs_kind) {
	case SL_OBS_SEGMENT: read_segment(obs, &e->obs.seg); break;
	case SL_OBS_NAMESPACE: read_namespace(obs, &e->obs.ns); break;
	case SL_OBS_MAPS: read_maps(obs, &e->obs.maps); break;
	case SL_OBS_PROCESS: read_process(obs, &e->obs.proc); break;
	case SL_OBS_PHASES: read_phases(obs, &e->obs.phases); break;
	case SL_OBS_SANDBOX:
		e->obs.sandbox.ipc_ns = unum(obs, "ipc_ns");
		e->obs.sandbox.pid_ns = unum(obs, "pid_ns");
		break;
	case SL_OBS_LEAK:
		e->obs.leak.segments = (int)num(obs, "segments");
		e->obs.leak.expected = flag(obs, "expected");
		break;
	case SL_OBS_CALLS: read_calls(obs, &e->obs.calls); break;
	case SL_OBS_SHMCTL: read_shmctl(obs, &e->obs.shmctl); break;
	case SL_OBS_MEMCHECK: read_memcheck(obs, &e->obs.memcheck); break;
	default: break;
	}
}

/* ---- the trace and a scenario's result ------------------------------------------------- */

static int read_entry(json_object *o, struct sl_trace_entry *e)
{
	static const char *const kinds[] = { "step", "event", "end" };
	json_object *brief = field(o, "brief");
	int kind = index_of(text(o, "kind"), kinds, 3), verdict = outcome_of(text(o, "verdict"));
	if (kind < 0 || verdict < 0)
		return -1;
	memset(e, 0, sizeof(*e));
	e->kind = (enum sl_entry_kind)kind;
	e->step = (int)num(o, "step");
	e->actor = (int)num(o, "actor");
	e->pid = (int)num(o, "pid");
	e->verdict = (enum sl_outcome)verdict;
	e->ret = (long long)num(o, "ret");
	e->err = (int)num(o, "errno");
	e->signal = (int)num(o, "signal");
	e->exited = flag(o, "exited");
	e->exit_status = (int)num(o, "exit_status");
	e->wall_sec = num(o, "wall_sec");
	e->t_ns = unum(o, "t_ns");
	e->dur_ns = unum(o, "dur_ns");
	copy_text(e->detail, sizeof(e->detail), o, "detail");
	e->brief.slot = (int)num(brief, "slot");
	e->brief.shmid = (int)num(brief, "shmid");
	e->brief.present = flag(brief, "present");
	e->brief.key = (int32_t)num(brief, "key");
	e->brief.nattch = unum(brief, "nattch");
	e->brief.dest = flag(brief, "dest");
	read_obs(o, e);
	return 0;
}

/* The programs' outputs ("outputs": step from 1, actor by name, stream,
 * bytes written, text kept) back into r->outputs, in chunks as the
 * conductor sends them.  0, or -1 (ENOMEM). */
static int read_outputs(json_object *list, const struct sl_scenario *s, struct sl_result *r)
{
	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		json_object *o = json_object_array_get_idx(list, i);
		const char *stream = text(o, "stream"), *data = text(o, "text"), *actor = text(o, "actor");
		int a = -1;
		for (int k = 0; s && actor && k < s->nactors; k++)
			if (strcmp(s->actors[k].name, actor) == 0)
				a = k;
		struct sl_output_chunk c;
		memset(&c, 0, sizeof(c));
		c.stream = !stream || strcmp(stream, "stdout") == 0 ? 1 : strcmp(stream, "stderr") == 0 ? 2 : 3;
		c.total = unum(o, "bytes");
		size_t len = data ? strlen(data) : 0;
		if (len > SL_OUTPUT_MAX)
			len = SL_OUTPUT_MAX;
		for (size_t off = 0; off < len || (off == 0 && len == 0); off += SL_OUTPUT_CHUNK) {
			c.offset = (uint32_t)off;
			c.len = (uint32_t)(len - off < SL_OUTPUT_CHUNK ? len - off : SL_OUTPUT_CHUNK);
			memcpy(c.data, data ? data + off : "", c.len);
			if (sl_result_add_output(r, (int)num(o, "step") - 1, a, (int)num(o, "pid"), &c))
				return -1;
			if (len == 0)
				break;
		}
	}
	return 0;
}

static void say(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

/* One scenario object into it: -1 (why said) if it is not one. */
static int read_item(json_object *o, sl_scenario_finder find, void *ctx, struct sl_report_item *it, char *why,
		     size_t len)
{
	const char *name = text(o, "name"), *file = text(o, "file");
	int outcome = outcome_of(text(o, "outcome"));
	json_object *trace = field(o, "trace"), *failed = field(o, "failed_step");
	if (!name || outcome < 0 || !trace || !json_object_is_type(trace, json_type_array)) {
		say(why, len, "a scenario without a name, an outcome or a trace");
		return -1;
	}
	it->scenario = find(ctx, name, file);
	if (!it->scenario) {
		say(why, len, "scenario %s: its script %s is not here, or no longer defines it", name,
		    file ? file : "(none)");
		return -1;
	}
	it->repeat = (int)num(o, "repeat");
	it->flaky = flag(o, "flaky");
	it->attempts = (int)num(o, "attempts");
	struct sl_result *r = &it->result;
	r->outcome = (enum sl_outcome)outcome;
	copy_text(r->reason, sizeof(r->reason), o, "reason");
	r->failed_step = failed && json_object_is_type(failed, json_type_object) ? (int)num(failed, "index") : -1;
	r->duration_ns = unum(o, "duration_ns");
	read_phases(field(o, "phases"), &r->phases);
	r->leaked_segments = (int)num(o, "leaked_segments");
	r->ipc_ns = unum(o, "ipc_ns");
	r->pid_ns = unum(o, "pid_ns");
	copy_text(r->scratch, sizeof(r->scratch), o, "scratch");
	enum sl_libc libc = SL_LIBC_GLIBC;
	const char *libc_name = text(o, "libc");
	if (libc_name && sl_libc_from_name(libc_name, &libc) < 0) {
		say(why, len, "scenario %s: unknown libc '%s'", it->scenario->name, libc_name);
		return -1;
	}
	r->libc = (int)libc; /* absent (an older file): glibc */
	if (read_outputs(field(o, "outputs"), it->scenario, r)) {
		say(why, len, "out of memory");
		return -2;
	}
	for (size_t i = 0; i < json_object_array_length(trace); i++) {
		struct sl_trace_entry e;
		if (read_entry(json_object_array_get_idx(trace, i), &e)) {
			say(why, len, "scenario %s: trace entry %zu is not one", name, i);
			return -1;
		}
		if (sl_result_append(r, &e)) {
			say(why, len, "out of memory");
			errno = ENOMEM;
			return -2;
		}
	}
	return 0;
}

void sl_report_items_free(struct sl_report_item *items, int n)
{
	for (int i = 0; items && i < n; i++)
		sl_result_free(&items[i].result);
	free(items);
}

/* The items of a parsed results.json; `path` names it in what is said.
 * columns: 1 to read a file whose "kernels" holds other columns (they are
 * read apart, sl_json_read_columns_text), 0 to refuse it. */
static int read_root(json_object *root, const char *path, int columns, sl_scenario_finder find, void *ctx,
		     struct sl_report_item **items, int *n, char *why, size_t len)
{
	json_object *list = field(root, "scenarios");
	const char *format = text(root, "format");
	if (!format || strcmp(format, "shmlife-results") != 0 || !list || !json_object_is_type(list, json_type_array)) {
		say(why, len, "%s: not the results.json of a shmlife run", path);
		return -1;
	}
	if (num(root, "format_version") != 1) {
		say(why, len, "%s: format_version %lld, this shmlife reads 1", path, (long long)num(root, "format_version"));
		return -1;
	}
	if (!columns && field(root, "kernels")) { /* not read: refused rather than dropped */
		say(why, len, "%s: holds other kernels' or libcs' results side by side (run --kernel, --libc glibc,musl), "
			      "which are not read back: only a run of one kernel and one libc is",
		    path);
		return -1;
	}
	int count = (int)json_object_array_length(list), rc = 0;
	struct sl_report_item *v = calloc((size_t)count + 1, sizeof(*v));
	if (!v) {
		say(why, len, "out of memory");
		return -2;
	}
	for (int i = 0; i < count && rc == 0; i++) {
		sl_result_init(&v[i].result);
		rc = read_item(json_object_array_get_idx(list, (size_t)i), find, ctx, &v[i], why, len);
		if (rc) {
			char *what = strdup(why);
			say(why, len, "%s: %s", path, what ? what : "cannot be read");
			free(what);
			sl_report_items_free(v, i + 1);
			return rc;
		}
	}
	*items = v;
	*n = count;
	return 0;
}

int sl_json_read(const char *path, sl_scenario_finder find, void *ctx, struct sl_report_item **items, int *n,
		 char *why, size_t len)
{
	*items = NULL;
	*n = 0;
	json_object *root = json_object_from_file(path);
	if (!root) {
		say(why, len, "%s: not JSON that can be read (%s)", path, json_util_get_last_err());
		return -1;
	}
	int rc = read_root(root, path, 0, find, ctx, items, n, why, len);
	json_object_put(root);
	return rc;
}

/* The JSON of text (len bytes), or NULL after saying why. */
static json_object *parse_text(const char *label, const char *text, size_t text_len, char *why, size_t len)
{
	json_tokener *tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH);
	if (!tok) {
		say(why, len, "out of memory");
		return NULL;
	}
	json_object *root = text_len <= INT_MAX ? json_tokener_parse_ex(tok, text, (int)text_len) : NULL;
	if (!root || json_tokener_get_parse_end(tok) != text_len) {
		say(why, len, "%s: not JSON that can be read (%s)", label,
		    root ? "something after its end" : json_tokener_error_desc(json_tokener_get_error(tok)));
		json_object_put(root);
		root = NULL;
	}
	json_tokener_free(tok);
	return root;
}

int sl_json_read_text(const char *label, const char *text, size_t text_len, sl_scenario_finder find, void *ctx,
		      struct sl_report_item **items, int *n, char *why, size_t len)
{
	*items = NULL;
	*n = 0;
	json_object *root = parse_text(label, text, text_len, why, len);
	if (!root)
		return -1;
	int rc = read_root(root, label, 1, find, ctx, items, n, why, len);
	json_object_put(root);
	return rc;
}

/* One entry of "kernels" as a column: what it is, and an item (outcome,
 * reason, libc) for each of its results that ran. */
static int read_column(json_object *k, sl_scenario_finder find, void *ctx, struct sl_report_column *c, char *why,
		       size_t len)
{
	json_object *results = field(k, "results");
	copy_text(c->name, sizeof(c->name), k, "name");
	copy_text(c->kernel, sizeof(c->kernel), k, "kernel");
	copy_text(c->version, sizeof(c->version), k, "version");
	copy_text(c->libc, sizeof(c->libc), k, "libc");
	copy_text(c->how, sizeof(c->how), k, "how");
	int count = results && json_object_is_type(results, json_type_array) ? (int)json_object_array_length(results) : 0;
	struct sl_report_item *v = calloc((size_t)count + 1, sizeof(*v));
	if (!v) {
		say(why, len, "out of memory");
		return -2;
	}
	int n = 0;
	for (int i = 0; i < count; i++) {
		json_object *r = json_object_array_get_idx(results, (size_t)i);
		int outcome = outcome_of(text(r, "outcome"));
		const struct sl_scenario *s = find(ctx, text(r, "name") ? text(r, "name") : "", NULL);
		if (outcome < 0)
			continue; /* "not run" there */
		if (!s) {
			say(why, len, "a column names a scenario that is not known: %s", text(r, "name"));
			free(v);
			return -1;
		}
		sl_result_init(&v[n].result);
		v[n].scenario = s;
		v[n].repeat = (int)num(r, "repeat");
		v[n].result.outcome = (enum sl_outcome)outcome;
		copy_text(v[n].result.reason, sizeof(v[n].result.reason), r, "reason");
		v[n].result.libc = strncmp(c->libc, "musl", 4) == 0 ? SL_LIBC_MUSL : SL_LIBC_GLIBC;
		n++;
	}
	c->items = v;
	c->n = n;
	return 0;
}

int sl_json_read_columns_text(const char *label, const char *text_in, size_t text_len, sl_scenario_finder find,
			      void *ctx, struct sl_report_column **columns, int *ncolumns, char *why, size_t len)
{
	*columns = NULL;
	*ncolumns = 0;
	json_object *root = parse_text(label, text_in, text_len, why, len);
	if (!root)
		return -1;
	json_object *list = field(root, "kernels");
	int count = list && json_object_is_type(list, json_type_array) ? (int)json_object_array_length(list) : 0;
	struct sl_report_column *v = count > 1 ? calloc((size_t)count, sizeof(*v)) : NULL;
	int rc = count > 1 && !v ? -2 : 0;
	for (int i = 1; rc == 0 && i < count; i++) { /* the first is the file's own run */
		rc = read_column(json_object_array_get_idx(list, (size_t)i), find, ctx, &v[i - 1], why, len);
		if (rc == 0)
			*ncolumns = i;
	}
	json_object_put(root);
	if (rc) {
		if (rc == -2)
			say(why, len, "out of memory");
		sl_report_columns_free(v, *ncolumns);
		*ncolumns = 0;
		return rc;
	}
	*columns = v;
	return 0;
}

void sl_report_columns_free(struct sl_report_column *columns, int n)
{
	for (int i = 0; columns && i < n; i++)
		sl_report_items_free((struct sl_report_item *)columns[i].items, columns[i].n);
	free(columns);
}
