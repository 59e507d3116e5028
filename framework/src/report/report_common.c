/* report_common.c - what the report writers share: totals, names, the
 * expected/observed wording, UTF-8 cleaning, the run's start and system.
 * The trace as text is report_trace_text.c's.
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

const struct sl_trace_entry *rc_failing_entry(const struct sl_result *r, struct sl_trace_entry *e)
{
	int last = -1;
	for (int i = 0; i < r->ntrace; i++) {
		sl_result_entry(r, i, e);
		if (e->kind == SL_ENTRY_END || e->verdict == SL_PASS || e->verdict == SL_SKIP)
			continue;
		if (r->failed_step >= 0 && e->step == r->failed_step)
			return e;
		last = i;
	}
	return last >= 0 ? sl_result_entry(r, last, e) : NULL;
}

int rc_failing_step(const struct sl_scenario *s, const struct sl_result *r)
{
	struct sl_trace_entry failing;
	const struct sl_trace_entry *e = rc_failing_entry(r, &failing);
	int next = 0;

	if (r->outcome == SL_PASS || r->outcome == SL_SKIP)
		return -1;
	if (r->failed_step >= 0)
		return r->failed_step;
	if (e && e->step >= 0)
		return e->step;
	if (r->outcome != SL_TIMEOUT || !s)
		return -1;
	struct sl_trace_entry seen;
	for (int i = 0; i < r->ntrace; i++)
		if (sl_result_entry(r, i, &seen)->kind == SL_ENTRY_STEP && seen.step >= next)
			next = seen.step + 1;
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

int rc_is_utf8(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;) {
		size_t n = utf8_seq(p);
		if (n == 0)
			return 0;
		p += n;
	}
	return 1;
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
	struct sl_trace_entry e;
	for (int i = 0; i < n; i++)
		for (int k = 0; k < items[i].result.ntrace; k++) {
			int64_t w = sl_result_entry(&items[i].result, k, &e)->wall_sec;
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
