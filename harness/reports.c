/* reports.c - the report files of a run in its folder (reports.h), shared
 * by `run` and `merge`. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_util.h"
#include "reports.h"
#include "shmlife/report_html.h"
#include "shmlife/valgrind.h"

int reports_forget(const char *cmd, const char *dir)
{
	static const char *const names[] = { "junit.xml", "results.json", "index.html", "valgrind/summary.txt" };
	int rc = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		/* EISDIR: not a report, and writing one there will say so */
		if (unlink(path) < 0 && errno != ENOENT && errno != ENOTDIR && errno != EISDIR) {
			fprintf(stderr, "shmlife %s: cannot remove the last run's %s: %s\n", cmd, path, strerror(errno));
			rc = -1;
		}
	}
	return rc;
}

typedef int (*report_writer)(const char *path, const struct sl_report_item *items, int n,
			     const struct sl_report_column *columns, int ncolumns);

/* DIR/NAME written by write(): 0, or -1 after saying why not. */
static int write_one(const char *cmd, const char *dir, const char *name, report_writer write,
		     const struct sl_report_item *items, int n, const struct reports_columns *columns)
{
	char *path = NULL;
	if (asprintf(&path, "%s/%s", dir, name) < 0) {
		fprintf(stderr, "shmlife %s: out of memory\n", cmd);
		return -1;
	}
	int rc = write(path, items, n, columns ? columns->v : NULL, columns ? columns->n : 0);
	if (rc)
		fprintf(stderr, "shmlife %s: cannot write %s: %s\n", cmd, path, strerror(errno));
	free(path);
	return rc ? -1 : 0;
}

int reports_write_data(const char *cmd, const char *dir, const struct sl_report_item *items, int n,
		       const struct reports_columns *columns)
{
	int junit = write_one(cmd, dir, "junit.xml", sl_junit_write_columns, items, n, columns);
	int json = write_one(cmd, dir, "results.json", sl_json_write_columns, items, n, columns);
	return junit || json ? -1 : 0;
}

static int write_html(const char *path, const struct sl_report_item *items, int n,
		      const struct sl_report_column *columns, int ncolumns)
{
	struct sl_html_options o = { .columns = columns, .ncolumns = ncolumns };
	return sl_html_write(path, items, n, &o);
}

static int write_summary(const char *path, const struct sl_report_item *items, int n,
			 const struct sl_report_column *columns, int ncolumns)
{
	(void)columns;
	(void)ncolumns;
	return sl_vg_write_summary(path, items, n);
}

int reports_write_pages(const char *cmd, const char *dir, const char *valgrind, const struct sl_report_item *items,
			int n, const struct reports_columns *columns)
{
	int summary = valgrind ? write_one(cmd, valgrind, "summary.txt", write_summary, items, n, NULL) : 0;
	int html = write_one(cmd, dir, "index.html", write_html, items, n, columns);
	return summary || html ? -1 : 0;
}

void reports_flaky_comments(FILE *out, const struct sl_report_item *items, int n)
{
	for (int first = 0, end; first < n; first = end) {
		int flaky = 0;
		for (end = first; end < n && items[end].scenario == items[first].scenario; end++)
			flaky |= items[end].flaky && !sl_report_passed_on_retry(&items[end]);
		if (!flaky)
			continue;
		fputs("# flaky: ", out);
		cli_put_one_line(out, items[first].scenario->name);
		fputc(':', out);
		for (int i = first; i < end; i++)
			fprintf(out, " %s", sl_outcome_name(items[i].result.outcome));
		fputc('\n', out);
	}
}
