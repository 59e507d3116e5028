/* report_valgrind.c - valgrind/summary.txt, the memcheck summary of a
 * whole run (valgrind.h, sl_vg_write_summary): for each scenario, the
 * memcheck events its trace holds (valgrind/valgrind_report.c put them
 * there), then the counts. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_common.h"
#include "shmlife/valgrind.h"
#include "util.h"

#define PREFIX "memcheck: " /* what valgrind_report.c starts each of its events with */

int sl_vg_write_summary(const char *path, const struct sl_report_item *items, int n)
{
	char *buf = NULL, name[300];
	size_t len = 0;
	int checked = 0, failing = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out)
		return -1;
	fprintf(out, "memcheck summary (shmlife run --valgrind)\n");
	for (int i = 0; i < n; i++) {
		const struct sl_result *r = &items[i].result;
		int any = 0;
		rc_item_name(&items[i], name, sizeof(name));
		fprintf(out, "\n%s: %s\n", name, sl_outcome_name(r->outcome));
		for (int k = 0; k < r->ntrace; k++) {
			struct sl_trace_entry e_copy;
			const struct sl_trace_entry *e = sl_result_entry(r, k, &e_copy);
			if (e->kind != SL_ENTRY_EVENT || e->obs_kind != SL_OBS_MEMCHECK)
				continue;
			any = 1;
			failing += e->verdict == SL_FAIL && e->obs.memcheck.role == SL_MEMCHECK_SUMMARY;
			fprintf(out, "  %-7s %.*s\n", sl_outcome_name(e->verdict), (int)(sizeof(e->detail) - strlen(PREFIX)),
				e->detail + strlen(PREFIX));
		}
		checked += any;
		if (!any)
			fprintf(out, "  not run under memcheck%s%s\n", r->reason[0] ? ": " : "", r->reason);
	}
	fprintf(out, "\n%d scenario%s checked, %d with errors or definite leaks\n", checked, checked == 1 ? "" : "s",
		failing);
	if (fclose(out) != 0) {
		free(buf);
		return -1;
	}
	int rc = sl_write_file_atomic(path, buf, len);
	int saved = errno;
	free(buf);
	errno = saved;
	return rc;
}
