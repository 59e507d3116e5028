/* report_html.h - the HTML report: index.html in the report directory, one
 * page that stands alone (inline CSS and SVG, no script, no server needed).
 *
 * For every scenario: its outcome and reason, a sequence diagram (one lane
 * per actor and one for the kernel and conductor, a row per step with the
 * kernel's answer on it, and the state of the step's segment, key, nattch
 * and dest, drawn beside the rows as it changes), the claims table, the
 * memcheck findings, and the harness's notes.  Failing steps stand out.
 * Above them, the totals, and the coverage and valgrind summaries with links
 * to their full reports when those exist in the report directory.
 *
 * Every string that comes from a script, the kernel or a report file is
 * escaped (and made valid UTF-8).  The page is also well-formed XML, so tests
 * can read it with an XML parser.
 */
#ifndef SHMLIFE_REPORT_HTML_H
#define SHMLIFE_REPORT_HTML_H

#include "shmlife/report.h"

struct sl_html_options {
	const char *title;               /* NULL: "shmlife report"             */
	/* Paths relative to the page's directory; NULL takes the default.  A
	 * file that does not exist is said to be missing, not linked. */
	const char *coverage_summary;    /* gcovr --json-summary: "coverage/summary.json" */
	const char *coverage_html;       /* gcovr --html-details: "coverage/index.html" */
	const char *coverage_xml;        /* gcovr --xml (Cobertura): "coverage/coverage.xml" */
	const char *valgrind_summary;    /* sl_vg_write_summary: "valgrind/summary.txt" */
	const char *junit;               /* "junit.xml"                        */
	const char *json;                /* "results.json"                     */
	/* Other kernels (run --kernel): a column each in the scenario table
	 * and the claims table, after this machine's. */
	const struct sl_report_column *columns;
	int ncolumns;
};

/* Writes the page to `path` (through a temporary file and a rename).
 * `o` may be NULL.  Returns 0, or -1 with errno. */
int sl_html_write(const char *path, const struct sl_report_item *items, int n,
		  const struct sl_html_options *o);

#endif
