/* report_trace_text.c - a scenario's trace as text (sl_report_trace_text,
 * used by JUnit bodies and `shmlife show`): each entry with what the kernel
 * answered, the segment views, the observations, and the programs' output
 * (rc_outputs_text). */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_common.h"

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
	fprintf(out, INDENT "  cwd %s%s, %d fd%s", o->cwd, o->cwd_cut ? "..." : "", o->nfds, o->nfds == 1 ? "" : "s");
	for (int i = 0; i < o->nfds && i < SL_MAX_FDS; i++)
		fprintf(out, "%s%d=%s%s", i ? ", " : ": ", o->fds[i].fd, o->fds[i].target, o->fds[i].target_cut ? "..." : "");
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
		struct sl_trace_entry e_copy;
		const struct sl_trace_entry *e = sl_result_entry(r, i, &e_copy);
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
