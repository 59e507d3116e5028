/* reports.h - the report files of a run in its folder (docs/cli.md,
 * "Report files"), as `run` and `merge` write them: junit.xml and
 * results.json, then valgrind/summary.txt and index.html; an earlier run's
 * removed first; the TAP comments of flaky scenarios. */
#ifndef SHMLIFE_HARNESS_REPORTS_H
#define SHMLIFE_HARNESS_REPORTS_H

#include <stdio.h>

#include "shmlife/report.h"

/* Other kernels' results (run --kernel), or none: { NULL, 0 }. */
struct reports_columns {
	const struct sl_report_column *v;
	int n;
};

/* Removes an earlier run's reports from dir, so that it holds this run's or
 * none.  0, or -1 after saying which could not go. */
int reports_forget(const char *cmd, const char *dir);
/* junit.xml and results.json: 0, or -1 after saying which could not be
 * written (the other is still written). */
int reports_write_data(const char *cmd, const char *dir, const struct sl_report_item *items, int n,
		       const struct reports_columns *columns);
/* valgrind/summary.txt (valgrind: that folder, or NULL), then index.html,
 * which links to every other report: 0 or -1, as above. */
int reports_write_pages(const char *cmd, const char *dir, const char *valgrind, const struct sl_report_item *items,
			int n, const struct reports_columns *columns);
/* `# flaky: name: PASS FAIL PASS` for each scenario whose repetitions'
 * outcomes differed (items flagged flaky, not by a retry). */
void reports_flaky_comments(FILE *out, const struct sl_report_item *items, int n);

#endif
