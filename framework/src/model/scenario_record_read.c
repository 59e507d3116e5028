/* scenario_record_read.c - a scenario read back from its record
 * (scenario_record.h; written by scenario_record.c).  Every count and length
 * is checked against what is left of the record before anything is
 * allocated, so a cut or damaged record is refused with a reason, never read
 * past; what was read before the fault is freed with the scenario.  Pure
 * data: no system call. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_record.h"

/* ---- reading ---------------------------------------------------------------- */

struct in {
	const unsigned char *p;
	size_t len, at;
	char *why;
	size_t why_len;
	int bad;
};

static void fail(struct in *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct in *r, const char *fmt, ...)
{
	if (r->bad)
		return; /* the first reason stays */
	r->bad = 1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->why, r->why_len, fmt, ap);
	va_end(ap);
}

static long long get_i64(struct in *r)
{
	if (r->bad)
		return 0;
	if (r->len - r->at < 8) {
		fail(r, "the record is cut at byte %zu of %zu", r->at, r->len);
		return 0;
	}
	uint64_t u = 0;
	for (int i = 0; i < 8; i++)
		u |= (uint64_t)r->p[r->at + (size_t)i] << (8 * i);
	r->at += 8;
	return (long long)u;
}

/* An int field: refused if the record's number does not fit. */
static int get_int(struct in *r)
{
	long long v = get_i64(r);
	if (v < INT32_MIN || v > INT32_MAX) {
		fail(r, "a number out of range (%lld) at byte %zu", v, r->at - 8);
		return 0;
	}
	return (int)v;
}

/* A count of items of at least `min_size` bytes each: at most what is left. */
static int get_count(struct in *r, size_t min_size, int allow_null)
{
	long long n = get_i64(r);
	if (r->bad)
		return 0;
	if ((n == -1 && allow_null) || (n >= 0 && (unsigned long long)n <= (r->len - r->at) / min_size))
		return (int)n;
	fail(r, "a count (%lld) past the end of the record at byte %zu", n, r->at - 8);
	return 0;
}

/* A length and bytes (NULL for -1), NUL-terminated, in *n. */
static char *get_bytes(struct in *r, size_t *n)
{
	long long l = get_i64(r);
	*n = 0;
	if (r->bad || l == -1)
		return NULL;
	if (l < 0 || (unsigned long long)l > r->len - r->at) {
		fail(r, "a length (%lld) past the end of the record at byte %zu", l, r->at - 8);
		return NULL;
	}
	char *s = malloc((size_t)l + 1);
	if (!s) {
		fail(r, "out of memory");
		return NULL;
	}
	memcpy(s, r->p + r->at, (size_t)l);
	s[l] = '\0';
	r->at += (size_t)l;
	*n = (size_t)l;
	return s;
}

static char *get_str(struct in *r)
{
	size_t n;
	char *s = get_bytes(r, &n);
	if (s && strlen(s) != n) {
		fail(r, "a string with a NUL byte at byte %zu", r->at - n);
		free(s);
		return NULL;
	}
	return s;
}

/* A string that must be there (a name). */
static char *get_name(struct in *r)
{
	char *s = get_str(r);
	if (!s && !r->bad)
		fail(r, "a name that is missing at byte %zu", r->at - 8);
	return s;
}

/* Exactly `size` bytes into a fixed array (a fault's comm, a subst's env). */
static void get_fixed(struct in *r, char *to, size_t size)
{
	size_t n;
	char *s = get_bytes(r, &n);
	if (!r->bad && (!s || n != size))
		fail(r, "a field of %zu bytes that has %zu at byte %zu", size, n, r->at - n);
	if (s && !r->bad)
		memcpy(to, s, size);
	free(s);
}

static char **get_strv(struct in *r)
{
	int n = get_count(r, 8, 1);
	if (r->bad || n < 0)
		return NULL;
	char **v = calloc((size_t)n + 1, sizeof(char *));
	if (!v) {
		fail(r, "out of memory");
		return NULL;
	}
	for (int i = 0; i < n && !r->bad; i++)
		v[i] = get_name(r);
	return v; /* whatever was read is freed with the step */
}

static struct sl_value get_value(struct in *r)
{
	struct sl_value v;
	v.kind = (enum sl_value_kind)get_int(r);
	v.num = get_i64(r);
	v.slot = get_int(r);
	v.actor = get_int(r);
	return v;
}

static void get_outcome(struct in *r, struct sl_outcome_spec *e)
{
	e->kind = (enum sl_expect_kind)get_int(r);
	for (int i = 0; i < SL_MAX_ERRNOS; i++)
		e->errnos[i] = get_int(r);
	e->n_errnos = get_int(r);
	if (e->n_errnos < 0 || e->n_errnos > SL_MAX_ERRNOS)
		fail(r, "%d errnos, more than %d", e->n_errnos, SL_MAX_ERRNOS);
	e->signal = get_int(r);
	e->status = get_int(r);
	e->has_value = get_int(r);
	e->value = get_value(r);
}

/* An array of n items of `size` bytes, zeroed; NULL when n is 0. */
static void *get_array(struct in *r, int n, size_t size)
{
	if (r->bad || n <= 0)
		return NULL;
	void *a = calloc((size_t)n, size);
	if (!a)
		fail(r, "out of memory");
	return a;
}

static void get_preds(struct in *r, struct sl_step *st)
{
	int n = get_count(r, 8 * 9, 0);
	st->preds = get_array(r, n, sizeof(*st->preds));
	for (int i = 0; st->preds && i < n && !r->bad; i++, st->npreds++) {
		struct sl_predicate *p = &st->preds[i];
		p->field = (enum sl_field)get_int(r);
		p->cmp = (enum sl_cmp)get_int(r);
		p->negated = get_int(r);
		p->value = get_value(r);
		p->str = get_str(r);
		p->fd = get_int(r);
		p->col = get_int(r);
	}
}

static void get_faults(struct in *r, struct sl_step *st)
{
	int n = get_count(r, 8 * 7, 0);
	st->faults = get_array(r, n, sizeof(*st->faults));
	for (int i = 0; st->faults && i < n && !r->bad; i++, st->nfaults++) {
		struct sl_fault *f = &st->faults[i];
		f->kind = (enum sl_fault_kind)get_int(r);
		f->syscall_nr = get_int(r);
		f->first = get_int(r);
		f->last = get_int(r);
		f->err = get_int(r);
		f->signal = get_int(r);
		get_fixed(r, f->comm, sizeof(f->comm));
	}
}

static void get_substs(struct in *r, struct sl_step *st)
{
	int n = get_count(r, 8 * 9, 0);
	st->substs = get_array(r, n, sizeof(*st->substs));
	for (int i = 0; st->substs && i < n && !r->bad; i++, st->nsubsts++) {
		struct sl_subst *x = &st->substs[i];
		x->word = get_int(r);
		x->at = (unsigned)get_int(r);
		x->len = (unsigned)get_int(r);
		x->value = get_value(r);
		x->format = (enum sl_subst_format)get_int(r);
		get_fixed(r, x->env, sizeof(x->env));
	}
}

static void get_find(struct in *r, struct sl_step *st)
{
	if (!get_int(r) || r->bad)
		return;
	st->find = calloc(1, sizeof(*st->find));
	if (!st->find) {
		fail(r, "out of memory");
		return;
	}
	st->find->ppid = get_value(r);
	st->find->exe = get_str(r);
	st->find->args = get_str(r);
	st->find->pidfile = get_str(r);
	st->find->pick = (enum sl_find_pick)get_int(r);
}

/* Fills st (zeroed, or as sl_scenario_add_step made it); what it owns is
 * freed with it even when the record turns out bad half-way. */
static void get_step(struct in *r, struct sl_step *st)
{
	st->op = (enum sl_op)get_int(r);
	if ((unsigned)st->op >= SL_OP__COUNT)
		fail(r, "an operation out of range (%d)", (int)st->op);
	st->actor = get_int(r);
	for (int i = 0; i < SL_MAX_ARGS; i++)
		st->args[i] = get_value(r);
	st->nargs = get_int(r);
	st->str = get_str(r);
	st->str2 = get_str(r);
	st->bytes = (unsigned char *)get_bytes(r, &st->nbytes);
	st->argv = get_strv(r);
	st->envp = get_strv(r);
	st->bind = get_int(r);
	st->new_actor = get_int(r);
	get_outcome(r, &st->outcome);
	st->target = (enum sl_target_kind)get_int(r);
	st->subject = get_value(r);
	get_preds(r, st);
	get_faults(r, st);
	st->claim = get_int(r);
	st->only_libc = get_int(r);
	st->line = get_int(r);
	st->col = get_int(r);
	st->text = get_str(r);
	st->invariant = get_int(r);
	get_substs(r, st);
	get_find(r, st);
	st->within_ms = get_int(r);
}

static void get_actor(struct in *r, struct sl_actor_def *a)
{
	a->group = get_int(r);
	a->spawned = get_int(r);
	a->uid = (uid_t)get_i64(r);
	a->gid = (gid_t)get_i64(r);
	a->has_ids = get_int(r);
	a->rlimit_as = (long)get_i64(r);
	a->rlimit_nofile = (long)get_i64(r);
	a->rlimit_memlock = (long)get_i64(r);
	a->has_rlimit_memlock = get_int(r);
	a->found = get_int(r);
	a->user = get_str(r);
}

/* Two strings into a pair array (requires, sysctls' names and values). */
static int get_pair(struct in *r, char **name, char **value)
{
	*name = get_name(r);
	*value = get_str(r);
	return r->bad ? -1 : 0;
}

static void get_head(struct in *r, struct sl_scenario *s)
{
	s->description = get_str(r);
	s->file = get_str(r);
	int n = get_count(r, 8, 0);
	for (int i = 0; i < n && !r->bad; i++) {
		char *t = get_name(r);
		if (t && sl_scenario_add_tag(s, t) < 0)
			fail(r, "out of memory");
		free(t);
	}
	s->needs_root = get_int(r);
	s->min_kernel_major = get_int(r);
	s->min_kernel_minor = get_int(r);
	n = get_count(r, 16, 0);
	for (int i = 0; i < n && !r->bad; i++) {
		char *name = get_name(r), *package = get_str(r);
		if (!r->bad && sl_scenario_add_program(s, name, package) < 0)
			fail(r, "out of memory");
		free(name);
		free(package);
	}
	n = get_count(r, 16, 0);
	s->requires = get_array(r, n, sizeof(*s->requires));
	for (int i = 0; s->requires && i < n && !r->bad; i++, s->nrequires++)
		get_pair(r, &s->requires[i].name, &s->requires[i].value);
	s->terminal = get_int(r);
	s->host_network = get_int(r);
	n = get_count(r, 16, 0);
	for (int i = 0; i < n && !r->bad; i++) {
		char *name, *value;
		if (get_pair(r, &name, &value) == 0 && sl_scenario_add_sysctl(s, name, value ? value : "") < 0)
			fail(r, "out of memory");
		free(name);
		free(value);
	}
}

static void get_body(struct in *r, struct sl_scenario *s)
{
	int n = get_count(r, 8 * 12, 0);
	for (int i = 0; i < n && !r->bad; i++) {
		char *name = get_name(r);
		int a = name ? sl_scenario_add_actor(s, name) : -1;
		free(name);
		if (a < 0)
			fail(r, "out of memory");
		else
			get_actor(r, &s->actors[a]);
	}
	n = get_count(r, 8 * 40, 0);
	for (int i = 0; i < n && !r->bad; i++) {
		struct sl_step *st = sl_scenario_add_step(s, 0, SL_OP_EXPECT);
		if (!st)
			fail(r, "out of memory");
		else
			get_step(r, st);
	}
	n = get_count(r, 8, 0);
	for (int i = 0; i < n && !r->bad; i++) {
		char *slot = get_name(r);
		if (slot && sl_scenario_add_slot(s, slot) < 0)
			fail(r, "out of memory");
		free(slot);
	}
	n = get_count(r, 8 * 5, 0);
	for (int i = 0; i < n && !r->bad; i++) {
		char *id = get_name(r), *text = get_name(r), *source = get_str(r);
		int kernel_agrees = get_int(r);
		int c = r->bad ? -1 : sl_scenario_add_claim(s, id, text, source, kernel_agrees);
		if (c < 0)
			fail(r, "out of memory");
		for (int l = 0; l < SL_LIBC__COUNT; l++) {
			int v = get_int(r);
			if (c >= 0)
				s->claims[c].agrees_with_libc[l] = v;
		}
		free(id);
		free(text);
		free(source);
	}
	n = get_count(r, 8 * 41, 0);
	for (int i = 0; i < n && !r->bad; i++) {
		char *name = get_name(r);
		struct sl_step *st = name ? sl_scenario_add_invariant(s, name, 0, SL_OP_EXPECT) : NULL;
		free(name);
		if (!st)
			fail(r, "out of memory");
		else
			get_step(r, st);
	}
}

struct sl_scenario *sl_scenario_decode(const void *rec, size_t len, char *why, size_t why_len)
{
	struct in r = { .p = rec, .len = len, .why = why, .why_len = why_len };
	if (len < 4 || memcmp(rec, SL_SCENARIO_RECORD_MAGIC, 4) != 0) {
		snprintf(why, why_len, "not a scenario record (no \"%s\" at its start)", SL_SCENARIO_RECORD_MAGIC);
		return NULL;
	}
	r.at = 4;
	long long version = get_i64(&r);
	if (!r.bad && version != SL_SCENARIO_RECORD_VERSION)
		fail(&r, "a scenario record of version %lld; this reader knows version %d", version,
		     SL_SCENARIO_RECORD_VERSION);
	char *name = get_name(&r);
	struct sl_scenario *s = r.bad ? NULL : sl_scenario_new(name);
	free(name);
	if (!s) {
		fail(&r, "out of memory");
		return NULL;
	}
	get_head(&r, s);
	get_body(&r, s);
	s->leak_expected = get_int(&r);
	s->timeout_ms = get_int(&r);
	s->line = get_int(&r);
	s->keep_going = get_int(&r);
	if (!r.bad && (r.len - r.at != 4 || memcmp(r.p + r.at, SL_SCENARIO_RECORD_TRAILER, 4) != 0))
		fail(&r, "the record does not end where its fields do (byte %zu of %zu)", r.at, r.len);
	if (r.bad) {
		sl_scenario_free(s);
		return NULL;
	}
	return s;
}
