/* conductor_expect.c - `expect` steps: observe the kernel's views of a
 * segment, the namespace, an actor's maps or an actor's process, put the
 * observation in the trace, and judge each predicate against it.  When the
 * kernel's views disagree with each other, that is a failure of its own. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conductor.h"
#include "shmlife/observe.h"
#include "shmlife/observed.h"
#include "util.h"
#include "verdict.h"

/* ---- judging predicates ---------------------------------------------------- */

/* sig-ignored=SIGHUP, sig-received!=SIGINT: is the signal in the set. */
static int is_signal_set(enum sl_field f)
{
	return f == SL_F_SIG_IGNORED || f == SL_F_SIG_CAUGHT || f == SL_F_SIG_RECEIVED ||
	       f == SL_F_SIG_PENDING;
}

static int is_flag_on_value(enum sl_field f)
{
	return f == SL_F_ATTACHED || f == SL_F_DETACHED || f == SL_F_MAPPED_DELETED ||
	       is_signal_set(f);
}

/* 1 if the text predicate holds, 0 if not, -1 if the record cannot say:
 * the kernel's text was cut to fit and begins with all of it that was
 * kept, like the one asked about (equal or not is beyond what was kept). */
static int judge_string(const struct sl_predicate *p, const struct sl_process_obs *o, char *got, size_t len)
{
	/* fdN=...: expect_process() kept fd N whenever it is open
	 * (keep_asked_fds), so not finding it means it is not open */
	const char *have = sl_observed_text(o, p->field, p->fd);
	int cut = have && sl_observed_text_cut(o, p->field, p->fd);
	snprintf(got, len, "%s%s", have ? have : "(not open)", cut ? "..." : "");
	if (cut && strncmp(have, p->str, strlen(have)) == 0 && strlen(p->str) > strlen(have)) {
		snprintf(got, len, "a text longer than the %zu characters the record keeps, which begin as the one "
			 "asked about: not all observed", strlen(have));
		return -1;
	}
	int same = have && !cut && strcmp(have, p->str) == 0; /* a cut text is longer than it shows */
	return (p->cmp == SL_CMP_NE) != same;
}

/* What was found about a signal set, in words. */
static const char *signal_set_answer(enum sl_field f, const char *got)
{
	int yes = strcmp(got, "1") == 0, no = strcmp(got, "0") == 0;
	if (f == SL_F_SIG_RECEIVED)
		return yes ? "its catch handler ran" : no ? "its catch handler did not run" : got;
	return yes ? "kernel says it is" : no ? "kernel says it is not" : got;
}

static int observed_value(struct conductor *c, const struct sl_trace_entry *e, const struct sl_predicate *p,
			  long long want, long long *v);

/* A text predicate judged by conductor_output.c: a program's output, or the terminal's. */
static int is_output(enum sl_field f)
{
	return f == SL_F_STDOUT || f == SL_F_STDERR || f == SL_F_TERMINAL;
}

/* Judges every predicate against the observation; appends failures to e->detail. */
/* What a condition that did not hold expected and what was seen, appended
 * to e's detail (e FAILs). */
static void describe_failure(struct sl_trace_entry *e, const struct sl_predicate *p, long long want, long long got,
			     const char *gotbuf, const char *want_text, const char *says)
{
	e->verdict = SL_FAIL;
	if (is_signal_set(p->field))
		sl_appendf(e->detail, sizeof(e->detail), "%s%s%sSIG%s: %s", e->detail[0] ? "; " : "",
			   sl_field_name(p->field), verdict_cmp_text(p->cmp),
			   sigabbrev_np((int)want) ? sigabbrev_np((int)want) : "?",
			   signal_set_answer(p->field, gotbuf));
	else if (is_output(p->field))
		sl_appendf(e->detail, sizeof(e->detail), "%s%s%s\"%s\": %s %s", e->detail[0] ? "; " : "",
			   sl_field_name(p->field), verdict_cmp_text(p->cmp), want_text,
			   p->field == SL_F_TERMINAL ? "the terminal had" : "the program wrote", gotbuf);
	else if (p->cmp == SL_CMP_TRUE || is_flag_on_value(p->field) || p->str)
		sl_appendf(e->detail, sizeof(e->detail), "%s%s%s%s%s: %s %s", e->detail[0] ? "; " : "",
			   p->negated ? "not " : "", sl_field_name(p->field),
			   p->str ? verdict_cmp_text(p->cmp) : "", p->str ? p->str : "", says, gotbuf);
	else if (sl_field_is_u64(p->field))
		sl_appendf(e->detail, sizeof(e->detail), "%s%s: expected %s%llu, %s %s",
			   e->detail[0] ? "; " : "", sl_field_name(p->field), verdict_cmp_text(p->cmp),
			   (unsigned long long)want, says, gotbuf);
	else if (p->field == SL_F_KEY || p->field == SL_F_IPCS_KEY || p->field == SL_F_MAPPED_KEY)
		sl_appendf(e->detail, sizeof(e->detail), "%s%s: expected %s0x%08x, %s 0x%08x",
			   e->detail[0] ? "; " : "", sl_field_name(p->field), verdict_cmp_text(p->cmp),
			   (unsigned)(int32_t)want, says, (unsigned)(int32_t)got);
	else if (p->field == SL_F_UMASK || p->field == SL_F_PERMS || p->field == SL_F_MODE)
		sl_appendf(e->detail, sizeof(e->detail), "%s%s: expected %s%04llo, %s %04llo",
			   e->detail[0] ? "; " : "", sl_field_name(p->field), verdict_cmp_text(p->cmp),
			   want, says, got);
	else
		sl_appendf(e->detail, sizeof(e->detail), "%s%s: expected %s%lld, %s %s",
			   e->detail[0] ? "; " : "", sl_field_name(p->field), verdict_cmp_text(p->cmp),
			   want, says, gotbuf);
}

static void judge(struct conductor *c, const struct sl_step *st, struct sl_trace_entry *e)
{
	const char *says = e->obs_kind == SL_OBS_SHMCTL ? "the actor's shmctl said" : "kernel says";
	for (int i = 0; i < st->npreds; i++) {
		const struct sl_predicate *p = &st->preds[i];
		long long want = conductor_value(c, &p->value), got = 0;
		int ok, unobservable = 0;
		char gotbuf[160];
		char *want_text = NULL;
		if (is_output(p->field)) {
			const struct sl_subst *unbound = conductor_unbound_subst(c, st, i);
			if (unbound) {
				e->verdict = SL_FAIL;
				sl_appendf(e->detail, sizeof(e->detail), "%s%.*s has no value now (the step that binds "
					   "it did not succeed)", e->detail[0] ? "; " : "", (int)unbound->len,
					   p->str + unbound->at);
				continue;
			}
			want_text = conductor_expand(c, st, p->str, i, p->cmp == SL_CMP_MATCH || p->cmp == SL_CMP_NOMATCH);
			if (!want_text) {
				e->verdict = SL_BROK;
				sl_appendf(e->detail, sizeof(e->detail), "%sout of memory", e->detail[0] ? "; " : "");
				continue;
			}
			ok = conductor_judge_output(c, st->subject.actor, p, want_text, gotbuf, sizeof(gotbuf));
			if (ok < 0) { /* not observable: fails, `not` or not */
				ok = 0;
				unobservable = 1;
			}
		} else if (p->str && p->value.kind == SL_VAL_NONE) {
			ok = judge_string(p, &e->obs.proc, gotbuf, sizeof(gotbuf));
			if (ok < 0) /* unknown: fails either way */
				ok = p->negated;
		} else if ((ok = observed_value(c, e, p, want, &got)) == SL_OBS_NOT_ALL) {
			snprintf(gotbuf, sizeof(gotbuf), "nothing: more than %d SysV mappings, not all observed",
				 SL_MAX_MAPS);
			ok = p->negated; /* unknown: fails either way */
		} else if (ok < 0) {
			ok = 0;
			unobservable = 1; /* fails, `not` or not: nothing was seen to be so */
			snprintf(gotbuf, sizeof(gotbuf), "nothing (not observable now)");
		} else {
			int u64 = sl_field_is_u64(p->field);
			ok = p->cmp == SL_CMP_TRUE || is_flag_on_value(p->field) ? got != 0
			     : u64 ? verdict_compare_u64((unsigned long long)got, p->cmp, (unsigned long long)want)
				   : verdict_compare(got, p->cmp, want);
			if (is_signal_set(p->field) && p->cmp == SL_CMP_NE)
				ok = !ok; /* sig-received!=SIGINT: it is not in the set */
			if (u64)
				snprintf(gotbuf, sizeof(gotbuf), "%llu", (unsigned long long)got);
			else
				snprintf(gotbuf, sizeof(gotbuf), "%lld", got);
		}
		if (p->negated && !unobservable)
			ok = !ok;
		if (ok) {
			free(want_text);
			continue;
		}
		describe_failure(e, p, want, got, gotbuf, want_text, says);
		free(want_text);
	}
}

/* Asks the actor which signals its `catch` handlers recorded; it answers
 * once every signal of `wait_for` is among them, or after most of the step's
 * time (a keystroke's signal comes from a kernel worker, after the write that
 * typed it), or at once if wait_for is 0.  0, or -1 if it cannot answer. */
static int ask_signals(struct conductor *c, int idx, uint64_t wait_for, uint64_t *got)
{
	struct conductor_actor *a = &c->actors[idx];
	if (a->state != ACTOR_RUNNING || a->chan < 0)
		return -1;
	struct sl_wire_cmd cmd;
	memset(&cmd, 0, sizeof(cmd));
	cmd.op = SL_WIRE_SIGNALS;
	cmd.step = -1;
	cmd.a[0] = (int64_t)wait_for;
	cmd.a[1] = wait_for ? c->step_timeout_ms * 3 / 4 : 0;
	cmd.nargs = 2;
	struct sl_wire_reply r;
	int passed = -1;
	int answered = conductor_call(c, idx, &cmd, NULL, 0, &r, &passed);
	if (passed >= 0)
		close(passed);
	if (answered != 1)
		return -1;
	*got = (uint64_t)r.ret;
	return 0;
}

/* sig-received=SIG / !=SIG: expect_process has waited for the `=` ones
 * already, before it took the snapshot; this reads the record. */
static int received_signal(struct conductor *c, int idx, long long want, long long *v)
{
	uint64_t got;
	if (want <= 0 || want > 64 || ask_signals(c, idx, 0, &got) < 0)
		return -1;
	*v = (got >> (want - 1)) & 1;
	return 0;
}

/* The signals the step's sig-received=SIG predicates wait for. */
static uint64_t awaited_signals(const struct conductor *c, const struct sl_step *st)
{
	uint64_t mask = 0;
	for (int i = 0; i < st->npreds; i++) {
		const struct sl_predicate *p = &st->preds[i];
		long long sig = conductor_value(c, &p->value);
		if (p->field == SL_F_SIG_RECEIVED && p->cmp == SL_CMP_EQ && !p->negated && sig > 0 && sig <= 64)
			mask |= UINT64_C(1) << (sig - 1);
	}
	return mask;
}

/* The observed value of p's field: from the snapshot, or, for
 * sig-received, from the actor's own record. */
static int observed_value(struct conductor *c, const struct sl_trace_entry *e, const struct sl_predicate *p,
			  long long want, long long *v)
{
	if (p->field == SL_F_SIG_RECEIVED)
		return received_signal(c, c->s->steps[e->step].subject.actor, want, v);
	int rc = sl_observed_field(e, p->field, want, v);
	/* An expectation's maps are observed wanting every segment and key it
	 * asks about (expect_maps; more than SL_MAX_MAPS asked about is refused
	 * there), and one mapping of each is kept if it has one
	 * (observe_maps.c): one that is not among the kept has none (for
	 * mapped-key, *v is then already the first mapping's key). */
	if (rc == SL_OBS_NOT_ALL && e->obs_kind == SL_OBS_MAPS &&
	    (p->field == SL_F_ATTACHED || p->field == SL_F_DETACHED || p->field == SL_F_MAPPED_DELETED ||
	     p->field == SL_F_MAPPED_KEY)) {
		if (p->field != SL_F_MAPPED_KEY)
			*v = p->field == SL_F_DETACHED;
		return 0;
	}
	return rc;
}

/* ---- observing ------------------------------------------------------------- */

static int wants(const struct sl_step *st, enum sl_field f, int negated)
{
	for (int i = 0; i < st->npreds; i++)
		if (st->preds[i].field == f && st->preds[i].negated == negated)
			return 1;
	return 0;
}

static int wants_ipcs(const struct sl_step *st)
{
	return wants(st, SL_F_IPCS_KEY, 0) || wants(st, SL_F_IPCS_NATTCH, 0) || wants(st, SL_F_IPCS_DEST, 0) ||
	       wants(st, SL_F_IPCS_DEST, 1);
}

static void expect_segment(struct conductor *c, const struct sl_step *st, struct sl_trace_entry *e)
{
	int shmid = (int)conductor_value(c, &st->subject);
	e->obs_kind = SL_OBS_SEGMENT;
	if (wants_ipcs(st))
		conductor_trace_flush(c); /* ipcs is a program it waits for */
	if (observe_segment(shmid, &e->obs.seg) < 0 || (wants_ipcs(st) && observe_segment_ipcs(shmid, &e->obs.seg) < 0)) {
		e->verdict = SL_BROK;
		sl_setf(e->detail, sizeof(e->detail), "cannot observe segment %d: %s", shmid, strerror(errno));
		return;
	}
	if (st->subject.kind == SL_VAL_SLOT &&
	    conductor_segment_replaced(c, st->subject.slot, &e->obs.seg, e->detail, sizeof(e->detail))) {
		judge(c, st, e); /* the name's own segment is gone: judged so, saying why */
		return;
	}
	if (e->obs.seg.disagree) {
		e->verdict = SL_FAIL;
		sl_setf(e->detail, sizeof(e->detail), "the kernel's views disagree: %s", e->obs.seg.disagreement);
		return;
	}
	judge(c, st, e);
}

/* `expect st nattch=2`: what the actor's own shmctl filled in, kept under
 * the name its step bound (conductor_result.c); not the kernel now. */
static void expect_result(struct conductor *c, const struct sl_step *st, struct sl_trace_entry *e)
{
	const struct sl_shmctl_obs *r = conductor_result_of(c, st->subject.slot);
	if (!r) {
		e->verdict = SL_FAIL;
		sl_setf(e->detail, sizeof(e->detail), "%s has no shmctl result now (the step that binds it did not "
			 "succeed)", c->s->slots[st->subject.slot]);
		return;
	}
	e->obs_kind = SL_OBS_SHMCTL;
	e->obs.shmctl = *r;
	judge(c, st, e);
}

static void expect_namespace(struct conductor *c, const struct sl_step *st, struct sl_trace_entry *e)
{
	e->obs_kind = SL_OBS_NAMESPACE;
	if (observe_namespace(&e->obs.ns) < 0) {
		e->verdict = SL_BROK;
		sl_setf(e->detail, sizeof(e->detail), "cannot observe the namespace: %s", strerror(errno));
		return;
	}
	const struct sl_namespace_obs *n = &e->obs.ns;
	if (n->segments_proc != n->segments_shm_info || n->segments_proc != n->segments_stat_any) {
		e->verdict = SL_FAIL;
		sl_setf(e->detail, sizeof(e->detail),
			 "the kernel's views disagree: /proc/sysvipc/shm has %d segments, SHM_INFO %d, SHM_STAT_ANY %d",
			 n->segments_proc, n->segments_shm_info, n->segments_stat_any);
		return;
	}
	judge(c, st, e);
}

static void expect_maps(struct conductor *c, const struct sl_step *st, struct sl_trace_entry *e)
{
	struct conductor_actor *a = &c->actors[st->subject.actor];
	e->obs_kind = SL_OBS_MAPS;
	e->pid = getpid(); /* the conductor observes; the maps say whose they are */
	/* the segments and keys asked about are kept whatever the number of mappings */
	size_t n = (size_t)st->npreds + 1;
	int *shmids = calloc(n, sizeof(*shmids));
	int32_t *keys = calloc(n, sizeof(*keys));
	struct sl_maps_want want = { shmids, 0, keys, 0 };
	for (int i = 0; shmids && keys && i < st->npreds; i++) {
		const struct sl_predicate *p = &st->preds[i];
		if (p->field == SL_F_ATTACHED || p->field == SL_F_DETACHED || p->field == SL_F_MAPPED_DELETED)
			shmids[want.nshmids++] = (int)conductor_value(c, &p->value);
		else if (p->field == SL_F_MAPPED_KEY)
			keys[want.nkeys++] = (int32_t)conductor_value(c, &p->value);
	}
	int observed = shmids && keys && a->state == ACTOR_RUNNING &&
		       observe_maps_wanting(a->pid, &want, &e->obs.maps) == 0;
	int saved = shmids && keys ? errno : ENOMEM;
	free(shmids);
	free(keys);
	if (observed && want.nshmids + want.nkeys > SL_MAX_MAPS && e->obs.maps.n > SL_MAX_MAPS) {
		e->verdict = SL_FAIL; /* refused loudly: the record keeps SL_MAX_MAPS of them */
		sl_setf(e->detail, sizeof(e->detail),
			 "%s has %d mappings and the expectation asks about %d of them: more than %d, not all "
			 "observed (ask about at most %d at once)", conductor_actor_name(c, st->subject.actor),
			 e->obs.maps.n, want.nshmids + want.nkeys, SL_MAX_MAPS, SL_MAX_MAPS);
		return;
	}
	for (int i = 0; observed && i < st->npreds; i++) {
		const struct sl_predicate *p = &st->preds[i];
		if ((p->field == SL_F_ATTACHED || p->field == SL_F_DETACHED || p->field == SL_F_MAPPED_DELETED) &&
		    p->value.kind == SL_VAL_SLOT &&
		    conductor_segment_other_now(c, p->value.slot, e->detail, sizeof(e->detail))) {
			e->verdict = SL_FAIL; /* refused loudly: a mapping shows only the id, as its inode */
			sl_appendf(e->detail, sizeof(e->detail), "; which mappings of that id are its cannot be told: "
				   "not observed");
			return;
		}
	}
	if (!observed) {
		errno = saved;
		e->obs.maps.pid = a->pid;
		e->verdict = SL_FAIL;
		sl_setf(e->detail, sizeof(e->detail), "cannot read the maps of %s: %s",
			 conductor_actor_name(c, st->subject.actor),
			 a->state != ACTOR_RUNNING ? "it has ended" : strerror(errno));
		return;
	}
	judge(c, st, e);
}

/* open("/dev/tty") from inside the actor itself. */
static void probe_devtty(struct conductor *c, int idx, struct sl_process_obs *o)
{
	struct sl_wire_cmd cmd;
	memset(&cmd, 0, sizeof(cmd));
	cmd.op = SL_WIRE_PROBE_TTY;
	struct sl_wire_reply r;
	int passed = -1;
	if (conductor_call(c, idx, &cmd, NULL, 0, &r, &passed) == 1)
		o->devtty_errno = r.err;
	if (passed >= 0)
		close(passed);
}

/* Under valgrind every process also holds descriptors of valgrind's own:
 * the N_RESERVED_FDS (12) just below its kernel RLIMIT_NOFILE soft limit
 * (valgrind lowers the limit the program sees by as much), and, in a forked
 * child, its XML file in the scenario's valgrind directory.  They are not the
 * scenario's: they are neither counted nor listed. */
#define VALGRIND_RESERVED_FDS 12
#define VALGRIND_MAX_DROPPED 32

static long fd_soft_limit(pid_t pid)
{
	char path[64], line[256];
	long soft = -1;
	snprintf(path, sizeof(path), "/proc/%d/limits", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "Max open files", 14) == 0)
			soft = strtol(line + 14, NULL, 10);
	fclose(f);
	return soft;
}

static int is_valgrinds(int dirfd_, const char *name, long from, const char *vgdir)
{
	if (atol(name) >= from)
		return 1;
	char target[PATH_MAX];
	ssize_t n = readlinkat(dirfd_, name, target, sizeof(target) - 1);
	if (n <= 0 || !vgdir)
		return 0;
	target[n] = '\0';
	size_t len = strlen(vgdir);
	return strncmp(target, vgdir, len) == 0 && target[len] == '/';
}

/* The actor's channel (chan_fd) is not valgrind's even when it is among
 * valgrind's reserved numbers: it is left out once, by drop_channel_fd. */
static void drop_valgrind_fds(const char *valgrind_dir, pid_t pid, int chan_fd, struct sl_process_obs *o)
{
	char path[64], vgdir[PATH_MAX];
	long soft = fd_soft_limit(pid);
	int dropped[VALGRIND_MAX_DROPPED], ndropped = 0;
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	DIR *d = soft > VALGRIND_RESERVED_FDS ? opendir(path) : NULL;
	const char *dir = realpath(valgrind_dir, vgdir) ? vgdir : NULL;
	const struct dirent *de;
	while (d && (de = readdir(d)) != NULL && ndropped < VALGRIND_MAX_DROPPED)
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9' && atoi(de->d_name) != chan_fd &&
		    is_valgrinds(dirfd(d), de->d_name, soft - VALGRIND_RESERVED_FDS, dir))
			dropped[ndropped++] = atoi(de->d_name);
	if (d)
		closedir(d);
	int listed = o->nfds < SL_MAX_FDS ? o->nfds : SL_MAX_FDS, kept = 0;
	for (int i = 0; i < listed; i++) {
		int drop = 0;
		for (int k = 0; k < ndropped && !drop; k++)
			drop = o->fds[i].fd == dropped[k];
		if (!drop)
			o->fds[kept++] = o->fds[i];
	}
	for (int i = kept; i < listed; i++) { /* the list is shorter now: no stale entry */
		o->fds[i].fd = -1;
		o->fds[i].target[0] = '\0';
	}
	o->nfds = o->nfds > ndropped ? o->nfds - ndropped : 0;
}

/* Leaves the actor's channel out of the count and the list of its fds. */
static void drop_channel_fd(int chan_fd, struct sl_process_obs *o)
{
	int listed = o->nfds < SL_MAX_FDS ? o->nfds : SL_MAX_FDS, kept = 0;
	for (int i = 0; i < listed; i++)
		if (o->fds[i].fd != chan_fd)
			o->fds[kept++] = o->fds[i];
	for (int i = kept; i < listed; i++) {
		o->fds[i].fd = -1;
		o->fds[i].target[0] = '\0';
	}
	o->nfds--;
}

/* fdN=...: every descriptor the expectation asks about is kept whatever the
 * number of descriptors (observe_process_keep_fds), so one of them that is
 * not kept is not open.  0; -1 if more of them are open than are kept; -2
 * out of memory. */
static int keep_asked_fds(pid_t pid, const struct sl_step *st, struct sl_process_obs *o)
{
	int *asked = calloc((size_t)st->npreds + 1, sizeof(*asked)), n = 0;
	if (!asked)
		return -2;
	for (int i = 0; i < st->npreds; i++)
		if (st->preds[i].field == SL_F_FD)
			asked[n++] = st->preds[i].fd;
	int rc = observe_process_keep_fds(pid, asked, n, o) < 0 ? -1 : 0;
	free(asked);
	return rc;
}

static void expect_process(struct conductor *c, const struct sl_step *st, struct sl_trace_entry *e)
{
	int idx = st->subject.actor;
	struct conductor_actor *a = &c->actors[idx];
	if (wants(st, SL_F_DEAD, 0) || wants(st, SL_F_EXIT_STATUS, 0) || wants(st, SL_F_KILLED_BY, 0) ||
	    wants(st, SL_F_ALIVE, 1))
		conductor_wait_end(c, idx, c->step_timeout_ms);
	else
		conductor_poll_ends(c);
	uint64_t awaited = awaited_signals(c, st), got;
	if (awaited)
		ask_signals(c, idx, awaited, &got); /* the event first, then the snapshot */
	e->obs_kind = SL_OBS_PROCESS;
	e->pid = getpid(); /* the conductor observes; the observation says whom */
	struct sl_process_obs *o = &e->obs.proc;
	if (a->state == ACTOR_RUNNING && observe_process(a->pid, o) == 0) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", a->pid, a->chan_fd);
		if (c->o && c->o->valgrind)
			drop_valgrind_fds(c->o->valgrind, a->pid, a->chan >= 0 ? a->chan_fd : -1, o);
		int kept = keep_asked_fds(a->pid, st, o);
		if (kept == -2) {
			e->verdict = SL_BROK;
			sl_setf(e->detail, sizeof(e->detail), "out of memory");
			return;
		}
		if (kept < 0) {
			e->verdict = SL_FAIL; /* refused loudly: the record keeps SL_MAX_FDS of them */
			sl_setf(e->detail, sizeof(e->detail),
				"%s has %d descriptors and the expectation asks about more than %d of them that are "
				"open: not all observed (ask about at most %d at once)",
				conductor_actor_name(c, idx), o->nfds, SL_MAX_FDS, SL_MAX_FDS);
			return;
		}
		if (a->chan >= 0 && access(path, F_OK) == 0 && o->nfds > 0)
			drop_channel_fd(a->chan_fd, o); /* the actor's channel to the conductor is not the scenario's */
		if ((wants(st, SL_F_DEVTTY_ERRNO, 0) || wants(st, SL_F_DEVTTY_ERRNO, 1)) && a->chan >= 0)
			probe_devtty(c, idx, o);
	} else {
		memset(o, 0, sizeof(*o));
		o->pid = a->pid;
		o->umask = o->devtty_errno = -1; /* unknown, not 0 */
	}
	o->ended = a->state == ACTOR_ENDED;
	if (o->ended) { /* -1: ended, but how is not known */
		o->exit_status = a->wait_status != -1 && WIFEXITED(a->wait_status) ? WEXITSTATUS(a->wait_status) : -1;
		o->term_signal = a->wait_status != -1 && WIFSIGNALED(a->wait_status) ? WTERMSIG(a->wait_status) : 0;
	}
	judge(c, st, e);
}

static void expect_once(struct conductor *c, const struct sl_step *st, struct sl_trace_entry *e)
{
	e->verdict = SL_PASS;
	switch (st->target) {
	case SL_TARGET_SEGMENT: expect_segment(c, st, e); break;
	case SL_TARGET_NAMESPACE: expect_namespace(c, st, e); break;
	case SL_TARGET_MAPS: expect_maps(c, st, e); break;
	case SL_TARGET_PROCESS: expect_process(c, st, e); break;
	case SL_TARGET_RESULT: expect_result(c, st, e); break;
	}
}

/* `expect ... within 2s`: observed again (1 ms after, then twice as long
 * each time, at most 50 ms apart; reaping and answering injected calls
 * meanwhile) until every condition holds or the time is up; a failure
 * says what the last observation saw, and how long it was waited for. */
void conductor_expect(struct conductor *c, int step, struct sl_trace_entry *e)
{
	const struct sl_step *st = &c->s->steps[step];
	if (st->within_ms <= 0) {
		expect_once(c, st, e);
		return;
	}
	const struct sl_trace_entry fresh = *e;
	int64_t deadline = sl_now_ms() + st->within_ms;
	int pause = 1, tries = 0;
	for (;;) {
		*e = fresh;
		expect_once(c, st, e);
		tries++;
		int64_t left = deadline - sl_now_ms();
		if (e->verdict != SL_FAIL || left <= 0)
			break;
		conductor_poll(c, NULL, 0, pause < left ? pause : (int)left);
		pause = pause < 25 ? pause * 2 : 50;
	}
	if (e->verdict == SL_FAIL)
		sl_appendf(e->detail, sizeof(e->detail), " (still so after %d ms, %d observations)", st->within_ms, tries);
}
