/* report_json.c - results.json (report.h), with json-c: the run's metadata
 * and totals, then every scenario with its claims and its full trace, each
 * entry with all its fields and its observation rendered by obs_kind
 * (report_json_obs.c).
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
#include "json_writer.h"
#include "report_json_build.h"
#include "shmlife/claims.h"

/* ---- the trace ------------------------------------------------------------ */

/* The trace's entries are written straight (json_writer.h), not made as
 * json-c objects first: a scenario of thousands of steps spent most of its
 * report's time making, hashing and freeing them.  The bytes are the same. */

static const char *const kind_names[] = {
	[SL_ENTRY_STEP] = "step", [SL_ENTRY_EVENT] = "event", [SL_ENTRY_END] = "end",
};

/* At most max bytes of s (NULL: null), made valid UTF-8 as jstrn makes it. */
static int put_text(struct sl_json_writer *w, const char *s, size_t max)
{
	if (!s)
		return sl_json_null(w);
	size_t len = strnlen(s, max);
	if (len < max && rc_is_utf8(s))
		return sl_json_text(w, s, len);
	char *copy = strndup(s, max), *clean = copy ? rc_clean_utf8(copy, 0) : NULL;
	int rc = clean ? sl_json_text(w, clean, strlen(clean)) : -1;
	free(copy);
	free(clean);
	return rc;
}

static int put_str(struct sl_json_writer *w, const char *s)
{
	return put_text(w, s, s ? strlen(s) + 1 : 0);
}

static int write_brief(struct sl_json_writer *w, const struct sl_scenario *s, const struct sl_segment_brief *br,
		       int level)
{
	int n = 0, rc = sl_json_object_open(w);
	rc |= sl_json_key(w, n++, level, "slot") | sl_json_int(w, br->slot);
	rc |= sl_json_key(w, n++, level, "slot_name") |
	      put_str(w, s && br->slot >= 0 && br->slot < s->nslots ? s->slots[br->slot] : NULL);
	rc |= sl_json_key(w, n++, level, "shmid") | sl_json_int(w, br->shmid);
	rc |= sl_json_key(w, n++, level, "present") | sl_json_bool(w, br->present);
	rc |= sl_json_key(w, n++, level, "key") | sl_json_int(w, br->key);
	rc |= sl_json_key(w, n++, level, "nattch") | sl_json_uint(w, br->nattch);
	rc |= sl_json_key(w, n++, level, "dest") | sl_json_bool(w, br->dest);
	return rc | sl_json_object_close(w, n, level);
}

static int write_entry(struct sl_json_writer *w, struct jb *b, const struct sl_scenario *s,
		       const struct sl_trace_entry *e, int level)
{
	const struct sl_step *st = rc_entry_step(s, e);
	unsigned k = (unsigned)e->kind;
	char name[16];
	int n = 0, rc = sl_json_object_open(w);
	rc |= sl_json_key(w, n++, level, "kind") | put_str(w, k <= SL_ENTRY_END ? kind_names[k] : "unknown");
	rc |= sl_json_key(w, n++, level, "step") | sl_json_int(w, e->step);
	rc |= sl_json_key(w, n++, level, "step_line") | (st ? sl_json_int(w, st->line) : sl_json_null(w));
	rc |= sl_json_key(w, n++, level, "step_text") | put_str(w, st ? rc_step_text(st) : NULL);
	rc |= sl_json_key(w, n++, level, "op") | put_str(w, st ? sl_op_name(st->op) : NULL);
	rc |= sl_json_key(w, n++, level, "actor") | sl_json_int(w, e->actor);
	rc |= sl_json_key(w, n++, level, "actor_name") | put_str(w, rc_actor_name(s, e->actor));
	rc |= sl_json_key(w, n++, level, "pid") | sl_json_int(w, e->pid);
	rc |= sl_json_key(w, n++, level, "verdict") | put_str(w, sl_outcome_name(e->verdict));
	rc |= sl_json_key(w, n++, level, "ret") | sl_json_int(w, e->ret);
	rc |= sl_json_key(w, n++, level, "errno") | sl_json_int(w, e->err);
	rc |= sl_json_key(w, n++, level, "errno_name") |
	      put_str(w, e->err > 0 ? rc_errno_name(e->err, name, sizeof(name)) : NULL);
	rc |= sl_json_key(w, n++, level, "signal") | sl_json_int(w, e->signal);
	rc |= sl_json_key(w, n++, level, "signal_name") |
	      put_str(w, e->signal > 0 ? rc_signal_name(e->signal, name, sizeof(name)) : NULL);
	rc |= sl_json_key(w, n++, level, "exited") | sl_json_bool(w, e->exited);
	rc |= sl_json_key(w, n++, level, "exit_status") | sl_json_int(w, e->exit_status);
	rc |= sl_json_key(w, n++, level, "wall_sec") | sl_json_int(w, e->wall_sec);
	rc |= sl_json_key(w, n++, level, "t_ns") | sl_json_uint(w, e->t_ns);
	rc |= sl_json_key(w, n++, level, "dur_ns") | sl_json_uint(w, e->dur_ns);
	rc |= sl_json_key(w, n++, level, "detail") | put_text(w, e->detail, sizeof(e->detail));
	rc |= sl_json_key(w, n++, level, "brief") | write_brief(w, s, &e->brief, level + 1);
	rc |= sl_json_key(w, n++, level, "obs_kind") | put_str(w, rj_obs_kind_name(e));
	json_object *obs = rj_obs_json(b, e);
	rc |= sl_json_key(w, n++, level, "obs") | sl_json_write_value(w, obs, level + 1);
	json_object_put(obs);
	return rc | sl_json_object_close(w, n, level);
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


/* same_as: the index of the first run this one is the same as (its trace
 * is left out: "trace": [], "same_as": that run's display name), or -1.
 * `part` stands for the trace, which is made and written an entry at a
 * time (write_trace): a 100 000-step trace as json-c objects was 1.4 GB. */
static json_object *scenario_json(struct jb *b, const struct sl_report_item *it, const struct sl_report_item *same_as,
				  json_object *part)
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
	add(b, o, "phases", rj_phases_json(b, &r->phases));
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
	add(b, o, "trace", same_as || r->ntrace == 0 ? json_object_new_array() : json_object_get(part));
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

/* The parts of the document that are made and written one at a time: its
 * "scenarios", and in each scenario its "trace" (json_writer.h's hole: one
 * object stands for both, told apart by their keys). */
struct parts {
	struct jb *b;
	json_object *part;
	const struct sl_report_item *items;
	int n;
	int current;                     /* the scenario being written */
};

/* The "trace" array of the current scenario: each entry made, written and
 * freed in turn. */
static int write_trace(struct sl_json_writer *w, struct parts *p, int level)
{
	const struct sl_report_item *it = &p->items[p->current];
	const struct sl_result *r = &it->result;
	struct sl_trace_entry entry;
	if (sl_json_array_open(w) < 0)
		return -1;
	for (int i = 0; i < r->ntrace; i++) {
		sl_result_entry(r, i, &entry);
		if (sl_json_array_next(w, (size_t)i, level) < 0 || write_entry(w, p->b, it->scenario, &entry, level + 1) < 0 ||
		    p->b->failed)
			return -1;
	}
	return sl_json_array_close(w, (size_t)r->ntrace, level);
}

/* The "scenarios" array: each scenario made, written and freed in turn (a
 * tree of the whole run was most of the harness's peak memory). */
static int write_scenarios(struct sl_json_writer *w, struct parts *p, int level)
{
	if (sl_json_array_open(w) < 0)
		return -1;
	for (int i = 0; i < p->n; i++) {
		int first = rc_same_as_first(p->items, p->n, i);
		json_object *o = scenario_json(p->b, &p->items[i], first >= 0 ? &p->items[first] : NULL, p->part);
		p->current = i;
		int bad = p->b->failed || sl_json_array_put(w, (size_t)i, o, level) < 0;
		json_object_put(o);
		if (bad)
			return -1;
	}
	return sl_json_array_close(w, (size_t)p->n, level);
}

static int fill(struct sl_json_writer *w, const char *key, int level, void *ctx)
{
	if (strcmp(key, "scenarios") == 0)
		return write_scenarios(w, ctx, level);
	if (strcmp(key, "trace") == 0)
		return write_trace(w, ctx, level);
	return -1;
}

/* The head, then each scenario made, written and freed in turn. */
static int write_document(FILE *f, const struct sl_report_item *items, int n, const struct sl_report_column *columns,
			  int ncolumns)
{
	struct jb b = { 0 };
	json_object *part = json_object_new_array(); /* its address is what counts */
	json_object *root = document_json(&b, items, n, columns, ncolumns);
	add(&b, root, "scenarios", json_object_get(part));
	struct parts p = { .b = &b, .part = part, .items = items, .n = n };
	struct sl_json_writer w = { .f = f, .hole = part, .fill = fill, .ctx = &p };
	int rc = !part || b.failed || sl_json_write_value(&w, root, 0) < 0 || fputc('\n', f) == EOF ? -1 : 0;
	json_object_put(root);
	json_object_put(part);
	return rc || b.failed ? -1 : 0;
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
