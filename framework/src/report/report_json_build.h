/* report_json_build.h - building results.json's objects with json-c
 * (internal to report/: report_json.c, report_json_obs.c, report_columns.c): each add notes
 * an allocation failure in the builder instead of returning it, so that a
 * writer checks once, at the end.  Strings are made valid UTF-8 first. */
#ifndef SHMLIFE_REPORT_JSON_BUILD_H
#define SHMLIFE_REPORT_JSON_BUILD_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "report_common.h"

/* Collects allocation failures so that builders need not check each add. */
struct jb {
	int failed;
};

static inline void add(struct jb *b, json_object *o, const char *key, json_object *v)
{
	if (!o || !v) {
		b->failed = 1;
		json_object_put(v);
		return;
	}
	if (json_object_object_add(o, key, v)) {
		json_object_put(v);
		b->failed = 1;
	}
}

static inline void add_null(struct jb *b, json_object *o, const char *key)
{
	if (!o || json_object_object_add(o, key, NULL))
		b->failed = 1;
}

static inline void push(struct jb *b, json_object *a, json_object *v)
{
	if (!a || !v || json_object_array_add(a, v)) {
		json_object_put(v);
		b->failed = 1;
	}
}

/* A string of at most max bytes (fixed arrays need not end in NUL). */
static inline json_object *jstrn(const char *s, size_t max)
{
	char *copy = strndup(s ? s : "", max);
	char *clean = copy ? rc_clean_utf8(copy, 0) : NULL;
	json_object *v = clean ? json_object_new_string(clean) : NULL;
	free(copy);
	free(clean);
	return v;
}

static inline json_object *jstr(const char *s)
{
	return jstrn(s, s ? strlen(s) : 0);
}

static inline void add_str(struct jb *b, json_object *o, const char *key, const char *s)
{
	if (s)
		add(b, o, key, jstr(s));
	else
		add_null(b, o, key);
}

static inline void add_int(struct jb *b, json_object *o, const char *key, int64_t v)
{
	add(b, o, key, json_object_new_int64(v));
}

static inline void add_uint(struct jb *b, json_object *o, const char *key, uint64_t v)
{
	add(b, o, key, json_object_new_uint64(v));
}

static inline void add_bool(struct jb *b, json_object *o, const char *key, int v)
{
	add(b, o, key, json_object_new_boolean(v != 0));
}

static inline void add_errno(struct jb *b, json_object *o, const char *key, int err)
{
	if (err > 0) {
		char buf[16];
		add_str(b, o, key, rc_errno_name(err, buf, sizeof(buf)));
	} else
		add_null(b, o, key);
}

static inline void add_signal(struct jb *b, json_object *o, const char *key, int sig)
{
	if (sig > 0) {
		char buf[16];
		add_str(b, o, key, rc_signal_name(sig, buf, sizeof(buf)));
	} else
		add_null(b, o, key);
}

/* An entry's "obs_kind", and its "obs" as an object (NULL: null; b->failed
 * notes an allocation that failed) (report_json_obs.c). */
const char *rj_obs_kind_name(const struct sl_trace_entry *e);
json_object *rj_obs_json(struct jb *b, const struct sl_trace_entry *e);
/* The phases of a scenario's run as an object (report_json_obs.c). */
json_object *rj_phases_json(struct jb *b, const struct sl_phase_times *p);

/* results.json's "kernels": this machine's column, then each other's
 * (run --kernel, --libc glibc,musl): report_columns.c. */
json_object *rc_kernels_json(struct jb *b, const struct sl_report_item *items, int n,
			     const struct sl_report_column *columns, int ncolumns);

#endif
