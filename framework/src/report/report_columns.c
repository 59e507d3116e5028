/* report_columns.c - the columns of a side-by-side report (run --kernel,
 * --libc glibc,musl; struct sl_report_column, report.h): finding a column's
 * item for one of the run's, the run's own machine described as a column,
 * and results.json's "kernels" array of them. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "report_common.h"
#include "report_json_build.h"
#include "shmlife/claims.h"

const struct sl_report_item *sl_report_column_item(const struct sl_report_column *c, const struct sl_scenario *s,
						   int repeat)
{
	for (int i = 0; c && i < c->n; i++)
		if (c->items[i].scenario == s && c->items[i].repeat == repeat)
			return &c->items[i];
	return NULL;
}

void rc_host_column(struct sl_report_column *c, const struct sl_report_item *items, int n)
{
	struct utsname u;
	memset(c, 0, sizeof(*c));
	struct rc_system sys;
	rc_system(&sys);
	if (uname(&u) == 0) {
		snprintf(c->kernel, sizeof(c->kernel), "%s", u.release);
		snprintf(c->version, sizeof(c->version), "%s", u.version);
	}
	snprintf(c->name, sizeof(c->name), "%s", c->kernel);
	snprintf(c->libc, sizeof(c->libc), "%s", sys.libc);
	snprintf(c->how, sizeof(c->how), "this machine");
	c->items = items;
	c->n = n;
}

/* One kernel of a side-by-side run: what it is, and its outcome of each of
 * the run's items and verdict on each of their claims ("not run" where it
 * has no item). */
static json_object *kernel_json(struct jb *b, const struct sl_report_column *c, const struct sl_report_item *items,
				int n)
{
	json_object *o = json_object_new_object(), *results = json_object_new_array(),
		    *claims = json_object_new_array();
	add_str(b, o, "name", c->name);
	add_str(b, o, "kernel", c->kernel);
	add_str(b, o, "version", c->version);
	add_str(b, o, "libc", c->libc);
	add_str(b, o, "how", c->how);
	if (c->seconds > 0)
		add(b, o, "seconds", json_object_new_double(c->seconds));
	if (c->broken)
		add_str(b, o, "broken", c->broken);
	else
		add_null(b, o, "broken");
	for (int i = 0; i < n; i++) {
		const struct sl_report_item *it = sl_report_column_item(c, items[i].scenario, items[i].repeat);
		json_object *r = json_object_new_object();
		add_str(b, r, "name", items[i].scenario->name);
		add_int(b, r, "repeat", items[i].repeat);
		add_str(b, r, "outcome", it ? sl_outcome_name(it->result.outcome) : "not run");
		add_str(b, r, "reason", it ? it->result.reason : "");
		push(b, results, r);
		for (int k = 0; items[i].repeat == 0 && k < items[i].scenario->nclaims; k++) {
			json_object *v = json_object_new_object();
			add_str(b, v, "scenario", items[i].scenario->name);
			add_str(b, v, "id", items[i].scenario->claims[k].id);
			add_str(b, v, "verdict", it ? sl_claim_verdict_name(sl_claim_verdict_of(
							     &items[i].scenario->claims[k], &it->result))
						    : "not run");
			push(b, claims, v);
		}
	}
	add(b, o, "results", results);
	add(b, o, "claims", claims);
	return o;
}

/* "kernels": this machine's, then each other's (run --kernel). */
json_object *rc_kernels_json(struct jb *b, const struct sl_report_item *items, int n,
				 const struct sl_report_column *columns, int ncolumns)
{
	json_object *a = json_object_new_array();
	struct sl_report_column host;
	rc_host_column(&host, items, n);
	push(b, a, kernel_json(b, &host, items, n));
	for (int i = 0; i < ncolumns; i++)
		push(b, a, kernel_json(b, &columns[i], items, n));
	return a;
}
