/* skip_report.c - says, on stderr, that a test case was skipped and why.
 *
 * Linked into every Criterion test executable (CMakeLists.txt).  Criterion
 * prints nothing about a skip at its default verbosity, and a CTest test
 * runs one case (--filter), so without this line CTest could not tell a
 * skip from a case that ran nothing.  cmake/CriterionDiscover.cmake gives
 * each case SKIP_REGULAR_EXPRESSION on this line: a skip is reported as
 * "Not Run (Skipped)", never as passed or failed.
 */
#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <stdio.h>

ReportHook(POST_TEST)(struct criterion_test_stats *stats)
{
	if (stats->test_status != CR_STATUS_SKIPPED)
		return;
	fprintf(stderr, "shmlife-test: skipped %s/%s: %s\n", stats->test->category, stats->test->name,
		stats->message ? stats->message : "(no reason given)");
}
