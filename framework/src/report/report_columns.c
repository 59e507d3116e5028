/* report_columns.c - the columns of a side-by-side report (run --kernel;
 * struct sl_report_column, report.h): finding a column's item for one of
 * the run's, and the run's own machine described as a column. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "report_common.h"

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
