/* report_common.c - what the report writers share: totals, names, the
 * expected/observed wording, the trace as text (sl_report_trace_text, used by
 * JUnit bodies and `shmlife show`), UTF-8 cleaning and atomic file writing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <gnu/libc-version.h>
#endif

#include "report_common.h"

int sl_report_passed_on_retry(const struct sl_report_item *it)
{
	return it->result.outcome == SL_PASS && it->attempts > 1;
}

void sl_report_totals(const struct sl_report_item *items, int n, struct sl_report_totals *t)
{
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < n; i++) {
		switch (items[i].result.outcome) {
		case SL_PASS:
			if (sl_report_passed_on_retry(&items[i]))
				t->passed_on_retry++;
			else
				t->passed++;
			break;
		case SL_FAIL: t->failed++; break;
		case SL_SKIP: t->skipped++; break;
		case SL_BROK: t->broken++; break;
		case SL_TIMEOUT: t->timedout++; break;
		default: t->broken++; break;
		}
	}
}

/* ---- names -------------------------------------------------------------- */

const char *rc_errno_name(int err, char *buf, size_t len)
{
	const char *name = err > 0 ? strerrorname_np(err) : NULL;
	if (name)
		return name;
	snprintf(buf, len, "E%d", err);
	return buf;
}

const char *rc_signal_name(int sig, char *buf, size_t len)
{
	const char *abbrev = sig > 0 ? sigabbrev_np(sig) : NULL;
	if (abbrev)
		snprintf(buf, len, "SIG%s", abbrev);
	else
		snprintf(buf, len, "SIG%d", sig);
	return buf;
}

void rc_item_name(const struct sl_report_item *it, char *buf, size_t len)
{
	const char *name = it->scenario && it->scenario->name ? it->scenario->name : "?";
	if (it->repeat > 0)
		snprintf(buf, len, "%s#%d", name, it->repeat + 1);
	else
		snprintf(buf, len, "%s", name);
}

const char *rc_actor_name(const struct sl_scenario *s, int actor)
{
	if (actor == SL_CONDUCTOR)
		return "conductor";
	if (s && actor >= 0 && actor < s->nactors && s->actors[actor].name)
		return s->actors[actor].name;
	return "-";
}

const struct sl_step *rc_entry_step(const struct sl_scenario *s, const struct sl_trace_entry *e)
{
	if (!s || !e || e->step < 0 || e->step >= s->nsteps)
		return NULL;
	return &s->steps[e->step];
}

const struct sl_trace_entry *rc_failing_entry(const struct sl_result *r)
{
	const struct sl_trace_entry *last = NULL;
	for (int i = 0; i < r->ntrace; i++) {
		const struct sl_trace_entry *e = &r->trace[i];
		if (e->kind == SL_ENTRY_END || e->verdict == SL_PASS || e->verdict == SL_SKIP)
			continue;
		if (r->failed_step >= 0 && e->step == r->failed_step)
			return e;
		last = e;
	}
	return last;
}

int rc_failing_step(const struct sl_scenario *s, const struct sl_result *r)
{
	const struct sl_trace_entry *e = rc_failing_entry(r);
	int next = 0;

	if (r->outcome == SL_PASS || r->outcome == SL_SKIP)
		return -1;
	if (r->failed_step >= 0)
		return r->failed_step;
	if (e && e->step >= 0)
		return e->step;
	if (r->outcome != SL_TIMEOUT || !s)
		return -1;
	for (int i = 0; i < r->ntrace; i++)
		if (r->trace[i].kind == SL_ENTRY_STEP && r->trace[i].step >= next)
			next = r->trace[i].step + 1;
	return next < s->nsteps ? next : -1;
}

const char *rc_step_text(const struct sl_step *st)
{
	if (!st)
		return "";
	return st->text ? st->text : sl_op_name(st->op);
}

/* ---- expected and observed ------------------------------------------------ */

static void value_text(const struct sl_scenario *s, const struct sl_value *v, char *buf, size_t len)
{
	switch (v->kind) {
	case SL_VAL_NUM:
		snprintf(buf, len, "%lld", v->num);
		break;
	case SL_VAL_SLOT:
		if (s && v->slot >= 0 && v->slot < s->nslots)
			snprintf(buf, len, "%s", s->slots[v->slot]);
		else
			snprintf(buf, len, "slot %d", v->slot);
		break;
	case SL_VAL_AUTO_KEY:
		snprintf(buf, len, "the scenario's key");
		break;
	case SL_VAL_ACTOR:
		snprintf(buf, len, "pid of %s", rc_actor_name(s, v->actor));
		break;
	case SL_VAL_STEP_TIME:
		snprintf(buf, len, "time of step %lld", v->num + 1);
		break;
	default:
		snprintf(buf, len, "-");
		break;
	}
}

void rc_expected_text(const struct sl_scenario *s, const struct sl_step *st, char *buf, size_t len)
{
	char name[32];
	size_t used;

	if (!st) {
		snprintf(buf, len, "-");
		return;
	}
	if (st->op == SL_OP_EXPECT) {
		snprintf(buf, len, "%s", rc_step_text(st));
		return;
	}
	const struct sl_outcome_spec *o = &st->outcome;
	switch (o->kind) {
	case SL_EXPECT_SUCCESS:
		if (st->op == SL_OP_EXEC) {
			snprintf(buf, len, "exits with status 0");
		} else if (o->has_value) {
			char val[96];
			value_text(s, &o->value, val, sizeof(val));
			snprintf(buf, len, "success returning %s", val);
		} else {
			snprintf(buf, len, "success");
		}
		break;
	case SL_EXPECT_FAILS:
		used = (size_t)snprintf(buf, len, "fails with ");
		for (int i = 0; i < o->n_errnos && used < len; i++)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " or " : "",
						 rc_errno_name(o->errnos[i], name, sizeof(name)));
		break;
	case SL_EXPECT_DIES:
		if (o->signal)
			snprintf(buf, len, "killed by %s", rc_signal_name(o->signal, name, sizeof(name)));
		else
			snprintf(buf, len, "killed by a signal");
		break;
	case SL_EXPECT_EXITS:
		snprintf(buf, len, "exits with status %d", o->status);
		break;
	default:
		snprintf(buf, len, "anything (recorded)");
		break;
	}
}

void rc_observed_text(const struct sl_step *st, const struct sl_trace_entry *e, char *buf, size_t len)
{
	char name[32];

	if (!e) {
		snprintf(buf, len, "-");
		return;
	}
	if ((st && st->op == SL_OP_EXPECT) || e->kind != SL_ENTRY_STEP) {
		snprintf(buf, len, "%.*s", (int)sizeof(e->detail), e->detail);
		return;
	}
	if (e->verdict == SL_TIMEOUT) {
		snprintf(buf, len, "no answer before the deadline");
		return;
	}
	if (e->signal)
		snprintf(buf, len, "killed by %s", rc_signal_name(e->signal, name, sizeof(name)));
	else if (e->exited)
		snprintf(buf, len, "exited with status %d", e->exit_status);
	else if (e->err)
		snprintf(buf, len, "failed with %s (%s)", rc_errno_name(e->err, name, sizeof(name)),
			 strerror(e->err));
	else if (st && st->op == SL_OP_SHMAT)
		snprintf(buf, len, "returned 0x%llx", (unsigned long long)e->ret);
	else if (st && st->op == SL_OP_UMASK)
		snprintf(buf, len, "returned 0%03llo", (unsigned long long)e->ret);
	else
		snprintf(buf, len, "returned %lld", e->ret);
}

/* ---- the trace as text ------------------------------------------------------ */

#define INDENT "            "

static void print_view_row(FILE *out, const char *field, const char *a, const char *b)
{
	fprintf(out, INDENT "  %-9s %-20s %s\n", field, a, b);
}

static void print_views(FILE *out, const struct sl_segment_view *a, const struct sl_segment_view *b)
{
	char x[40], y[40];
#define ROW(label, fmt, field)                                                \
	do {                                                                  \
		snprintf(x, sizeof(x), fmt, a->field);                        \
		snprintf(y, sizeof(y), fmt, b->field);                        \
		if (!a->present)                                              \
			strcpy(x, "-");                                       \
		if (!b->present)                                              \
			strcpy(y, "-");                                       \
		print_view_row(out, label, x, y);                             \
	} while (0)
	print_view_row(out, "present", a->present ? "yes" : "no", b->present ? "yes" : "no");
	ROW("shmid", "%d", shmid);
	ROW("key", "0x%08" PRIx32, key);
	ROW("mode", "0%o", mode);
	ROW("size", "%" PRIu64, size);
	ROW("nattch", "%" PRIu64, nattch);
	ROW("cpid", "%d", cpid);
	ROW("lpid", "%d", lpid);
	ROW("uid", "%u", uid);
	ROW("gid", "%u", gid);
	ROW("cuid", "%u", cuid);
	ROW("cgid", "%u", cgid);
	ROW("atime", "%" PRId64, atime);
	ROW("dtime", "%" PRId64, dtime);
	ROW("ctime", "%" PRId64, ctime);
	ROW("rss", "%" PRIu64, rss);
	ROW("swap", "%" PRIu64, swap);
#undef ROW
}

static void print_segment_obs(FILE *out, const struct sl_segment_obs *o)
{
	char name[32];
	const char *stat = o->stat_errno ? rc_errno_name(o->stat_errno, name, sizeof(name)) : "ok";
	if (!o->stat.present && !o->proc.present && !(o->ipcs_run && o->ipcs_present)) {
		fprintf(out, INDENT "segment %d: gone (IPC_STAT %s, no row in /proc/sysvipc/shm%s)\n",
			o->shmid, stat, o->ipcs_run ? " nor in ipcs -m" : "");
		return;
	}
	fprintf(out, INDENT "segment %d: IPC_STAT %s\n", o->shmid, stat);
	print_view_row(out, "", "IPC_STAT", "/proc/sysvipc/shm");
	print_views(out, &o->stat, &o->proc);
	if (o->disagree)
		fprintf(out, INDENT "  views disagree: %s\n", o->disagreement);
	if (o->ipcs_run && o->ipcs_present)
		fprintf(out, INDENT "  ipcs -m: key 0x%08" PRIx32 " nattch %" PRIu64 "%s\n",
			o->ipcs_key, o->ipcs_nattch, o->ipcs_dest ? " dest" : "");
	else if (o->ipcs_run)
		fprintf(out, INDENT "  ipcs -m: no row\n");
}

static void print_namespace_obs(FILE *out, const struct sl_namespace_obs *o)
{
	fprintf(out, INDENT "namespace: segments SHM_INFO %d, /proc/sysvipc/shm %d, SHM_STAT_ANY %d\n",
		o->segments_shm_info, o->segments_proc, o->segments_stat_any);
	fprintf(out, INDENT "  shmmax %" PRIu64 " shmall %" PRIu64 " shmmni %" PRIu64
		" shm_rmid_forced %d\n", o->shmmax, o->shmall, o->shmmni, o->rmid_forced);
}

static void print_maps_obs(FILE *out, const struct sl_maps_obs *o)
{
	fprintf(out, INDENT "maps of pid %d: %d SYSV mapping%s\n", o->pid, o->n, o->n == 1 ? "" : "s");
	for (int i = 0; i < o->n && i < SL_MAX_MAPS; i++) {
		const struct sl_map_entry *m = &o->map[i];
		fprintf(out, INDENT "  %" PRIx64 "-%" PRIx64 " SYSV%08" PRIx32 " shmid %d %s%s\n",
			m->start, m->end, m->key, m->shmid, m->writable ? "rw" : "r-",
			m->deleted ? " (deleted)" : "");
	}
}

static void print_process_obs(FILE *out, const struct sl_process_obs *o)
{
	fprintf(out, INDENT "process %d (%s): state %c, %s", o->pid, o->comm, o->state ? o->state : '?',
		o->alive ? "alive" : "not alive");
	if (o->ended && o->term_signal) {
		char sig[32];
		fprintf(out, ", killed by %s", rc_signal_name(o->term_signal, sig, sizeof(sig)));
	}
	else if (o->ended)
		fprintf(out, ", exited %d", o->exit_status);
	fputc('\n', out);
	char umask_text[16] = "?";
	if (o->umask >= 0)
		snprintf(umask_text, sizeof(umask_text), "0%03o", (unsigned)o->umask);
	fprintf(out, INDENT "  ppid %d pgid %d sid %d tty_nr %d tpgid %d uid %u gid %u umask %s\n",
		o->ppid, o->pgid, o->sid, o->tty_nr, o->tpgid, o->uid, o->gid, umask_text);
	fprintf(out, INDENT "  signals ignored %#" PRIx64 " caught %#" PRIx64 " pending %#" PRIx64 "\n",
		o->sig_ignored, o->sig_caught, o->sig_pending);
	if (o->devtty_errno >= 0) {
		char err[32];
		fprintf(out, INDENT "  /dev/tty: %s\n",
			o->devtty_errno ? rc_errno_name(o->devtty_errno, err, sizeof(err)) : "opens");
	}
	fprintf(out, INDENT "  cwd %s, %d fd%s", o->cwd, o->nfds, o->nfds == 1 ? "" : "s");
	for (int i = 0; i < o->nfds && i < SL_MAX_FDS; i++)
		fprintf(out, "%s%d=%s", i ? ", " : ": ", o->fds[i].fd, o->fds[i].target);
	fputc('\n', out);
}

static void print_shmctl_obs(FILE *out, const struct sl_shmctl_obs *o)
{
	if (o->kind == SL_SHMCTL_STAT) {
		const struct sl_segment_view *v = &o->stat;
		fprintf(out, INDENT "what the actor's shmctl filled in: shmid %d key 0x%08" PRIx32 " mode 0%o size %" PRIu64
			" nattch %" PRIu64 " cpid %d lpid %d\n", v->shmid, (uint32_t)v->key, v->mode, v->size, v->nattch,
			v->cpid, v->lpid);
		fprintf(out, INDENT "  uid %u gid %u cuid %u cgid %u atime %" PRId64 " dtime %" PRId64 " ctime %" PRId64 "\n",
			v->uid, v->gid, v->cuid, v->cgid, v->atime, v->dtime, v->ctime);
	} else if (o->kind == SL_SHMCTL_IPC_INFO) {
		fprintf(out, INDENT "what the actor's shmctl filled in: shmmax %" PRIu64 " shmmin %" PRIu64 " shmmni %" PRIu64
			" shmseg %" PRIu64 " shmall %" PRIu64 "\n", o->shmmax, o->shmmin, o->shmmni, o->shmseg, o->shmall);
	} else if (o->kind == SL_SHMCTL_SHM_INFO) {
		fprintf(out, INDENT "what the actor's shmctl filled in: used_ids %" PRIu64 " shm_tot %" PRIu64 " shm_rss %" PRIu64
			" shm_swp %" PRIu64 " swap_attempts %" PRIu64 " swap_successes %" PRIu64 "\n", o->used_ids, o->shm_tot,
			o->shm_rss, o->shm_swp, o->swap_attempts, o->swap_successes);
	}
	if (o->kernel_differs[0])
		fprintf(out, INDENT "  the kernel's own answer differs: %s\n", o->kernel_differs);
}

static void print_phases(FILE *out, const struct sl_phase_times *p)
{
	fprintf(out, INDENT "time: setup %.3fms, fork %.3fms, steps %.3fms, observe %.3fms, "
		"teardown %.3fms\n", (double)p->setup_ns / 1e6, (double)p->fork_ns / 1e6,
		(double)p->steps_ns / 1e6, (double)p->observe_ns / 1e6, (double)p->teardown_ns / 1e6);
}

static void print_snapshot(FILE *out, const struct sl_trace_entry *e)
{
	switch (e->obs_kind) {
	case SL_OBS_PHASES: print_phases(out, &e->obs.phases); break;
	case SL_OBS_SEGMENT: print_segment_obs(out, &e->obs.seg); break;
	case SL_OBS_NAMESPACE: print_namespace_obs(out, &e->obs.ns); break;
	case SL_OBS_MAPS: print_maps_obs(out, &e->obs.maps); break;
	case SL_OBS_PROCESS: print_process_obs(out, &e->obs.proc); break;
	case SL_OBS_SHMCTL: print_shmctl_obs(out, &e->obs.shmctl); break;
	default: break;
	}
}

static void print_brief(FILE *out, const struct sl_scenario *s, const struct sl_segment_brief *b)
{
	if (b->slot < 0 && b->shmid == 0 && !b->present)
		return;
	fprintf(out, INDENT "segment");
	if (s && b->slot >= 0 && b->slot < s->nslots)
		fprintf(out, " %s", s->slots[b->slot]);
	if (b->present)
		fprintf(out, ": shmid %d key 0x%08" PRIx32 " nattch %" PRIu64 "%s\n", b->shmid, b->key,
			b->nattch, b->dest ? " dest" : "");
	else
		fprintf(out, ": shmid %d gone\n", b->shmid);
}

static void print_entry(FILE *out, const struct sl_scenario *s, const struct sl_trace_entry *e,
			int snapshots)
{
	const struct sl_step *st = rc_entry_step(s, e);

	fprintf(out, "+%9.3fms  ", (double)e->t_ns / 1e6);
	if (e->kind == SL_ENTRY_END) {
		fprintf(out, "end\n");
	} else {
		if (e->kind == SL_ENTRY_STEP && st)
			fprintf(out, "step %d, line %d, %s", e->step + 1, st->line, rc_actor_name(s, e->actor));
		else if (e->kind == SL_ENTRY_STEP)
			fprintf(out, "step %d, %s", e->step + 1, rc_actor_name(s, e->actor));
		else
			fprintf(out, "event");
		if (e->pid > 0)
			fprintf(out, " (pid %d)", e->pid);
		if (st)
			fprintf(out, ": %s", rc_step_text(st));
		fputc('\n', out);
	}
	if (e->kind == SL_ENTRY_STEP && st && st->op == SL_OP_EXPECT) {
		fprintf(out, INDENT "verdict: %s\n", sl_outcome_name(e->verdict));
	} else if (e->kind == SL_ENTRY_STEP) {
		char obs[320], exp[320];
		rc_observed_text(st, e, obs, sizeof(obs));
		fprintf(out, INDENT "kernel: %s, took %.3fms\n", obs, (double)e->dur_ns / 1e6);
		rc_expected_text(s, st, exp, sizeof(exp));
		fprintf(out, INDENT "verdict: %s (expected %s)\n", sl_outcome_name(e->verdict), exp);
	} else if (e->kind == SL_ENTRY_END) {
		fprintf(out, INDENT "outcome: %s\n", sl_outcome_name(e->verdict));
	}
	if (e->detail[0])
		fprintf(out, INDENT "detail: %.*s\n", (int)sizeof(e->detail), e->detail);
	print_brief(out, s, &e->brief);
	if (snapshots == 2 || (snapshots == 1 && e->verdict != SL_PASS))
		print_snapshot(out, e);
}

void sl_report_trace_text(FILE *out, const struct sl_report_item *it, int snapshots)
{
	const struct sl_result *r = &it->result;
	for (int i = 0; i < r->ntrace; i++) {
		const struct sl_trace_entry *e = &r->trace[i];
		print_entry(out, it->scenario, e, snapshots);
		if (e->kind == SL_ENTRY_STEP)
			rc_outputs_text(out, it->scenario, r, e->step, 7, INDENT, 0);
	}
}

void rc_outputs_text(FILE *out, const struct sl_scenario *s, const struct sl_result *r, int step, int streams,
		     const char *indent, size_t max)
{
	for (int i = 0; i < r->noutputs; i++) {
		const struct sl_output *o = &r->outputs[i];
		if ((step >= 0 && o->step != step) || !(streams & (1 << (o->stream - 1))) || !o->total)
			continue;
		const struct sl_step *st = s && o->step >= 0 && o->step < s->nsteps ? &s->steps[o->step] : NULL;
		size_t show = max && o->len > max ? max : o->len;
		fprintf(out, "%s%s of line %d (%s: %s), %llu bytes", indent,
			o->stream == 1 ? "stdout" : o->stream == 2 ? "stderr" : "the terminal", st ? st->line : 0,
			rc_actor_name(s, o->actor),
			st ? rc_step_text(st) : "?", (unsigned long long)o->total);
		if (o->total > show)
			fprintf(out, ", the first %zu shown%s", show,
				o->total > o->len ? " (shmlife keeps the first 65536)" : " (all of it in results.json)");
		fputs(":\n", out);
		const char *p = o->data, *end = o->data + show;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			fprintf(out, "%s  %.*s\n", indent, (int)n, p);
			p += n + (nl != NULL);
		}
	}
}

/* ---- strings ------------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if it is not one. */
static size_t utf8_seq(const unsigned char *p)
{
	unsigned c = p[0];
	size_t n;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) { n = 2; cp = c & 0x1f; }
	else if (c >= 0xe0 && c <= 0xef) { n = 3; cp = c & 0x0f; }
	else if (c >= 0xf0 && c <= 0xf4) { n = 4; cp = c & 0x07; }
	else return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;                       /* overlong or beyond Unicode */
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0;                       /* surrogates */
	if (cp == 0xfffe || cp == 0xffff)
		return 0;                       /* not characters (XML forbids them) */
	return n;
}

char *rc_clean_utf8(const char *s, int escape_controls)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t cap = strlen((const char *)p) * 4 + 1, used = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	while (*p) {
		size_t n = utf8_seq(p);
		int control = *p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r';
		if (n == 0 || (escape_controls && (control || *p == 0x7f))) {
			used += (size_t)snprintf(out + used, cap - used, "\\x%02x", *p);
			p++;
			continue;
		}
		memcpy(out + used, p, n);
		used += n;
		p += n;
	}
	out[used] = '\0';
	return out;
}

/* ---- the run's start ------------------------------------------------------------ */

static time_t run_started;

void rc_note_run_start(void)
{
	run_started = time(NULL);
}

time_t rc_run_start(const struct sl_report_item *items, int n)
{
	int64_t earliest = 0;

	if (run_started)
		return run_started;
	for (int i = 0; i < n; i++)
		for (int k = 0; k < items[i].result.ntrace; k++) {
			int64_t w = items[i].result.trace[k].wall_sec;
			if (w > 0 && (earliest == 0 || w < earliest))
				earliest = w;
		}
	return earliest ? (time_t)earliest : time(NULL);
}


static char noted_libc[64];             /* sl_report_note_libc: the actors' */

void sl_report_note_libc(const char *libc)
{
	snprintf(noted_libc, sizeof(noted_libc), "%s", libc ? libc : "");
}

void rc_system(struct rc_system *sys)
{
	struct utsname u;

	if (uname(&u) == 0)
		snprintf(sys->kernel, sizeof(sys->kernel), "%s %s %s %s", u.sysname, u.release, u.version, u.machine);
	else
		snprintf(sys->kernel, sizeof(sys->kernel), "unknown");
#ifdef __GLIBC__
	if (noted_libc[0])
		snprintf(sys->libc, sizeof(sys->libc), "%s", noted_libc);
	else
		snprintf(sys->libc, sizeof(sys->libc), "glibc %s", gnu_get_libc_version());
#else
	snprintf(sys->libc, sizeof(sys->libc), "unknown");
#endif
	for (char *p = sys->kernel; *p; p++)   /* one line, whatever uname says */
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
}

int sl_report_compact(struct sl_report_item *items, int n, int i)
{
	struct sl_result *r = &items[i].result;
	if (rc_same_as_first(items, n, i) < 0 || rc_failing_step(items[i].scenario, r) != r->failed_step)
		return 0;
	sl_result_free(r); /* the trace and the outputs; the rest is plain data */
	return 1;
}

int rc_same_as_first(const struct sl_report_item *items, int n, int i)
{
	const struct sl_report_item *it = &items[i];
	int first = i - it->repeat;
	if (it->repeat <= 0 || first < 0 || first >= n || items[first].scenario != it->scenario ||
	    items[first].repeat != 0)
		return -1;
	const struct sl_result *a = &items[first].result, *b = &it->result;
	if (a->outcome != b->outcome || rc_failing_step(it->scenario, a) != rc_failing_step(it->scenario, b) ||
	    a->leaked_segments != b->leaked_segments || sl_report_passed_on_retry(&items[first]) != sl_report_passed_on_retry(it))
		return -1;
	return first;
}
