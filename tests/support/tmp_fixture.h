/* tmp_fixture.h - a scratch directory for each test case (test_report.c,
 * test_report_html.c): made by the case's .init, removed by its .fini and
 * again at the test process's exit, since Criterion runs no .fini after
 * cr_skip_test (a skipped case left its directory behind).  Idempotent, and
 * only in the process that made it (a child of the test that ran exit()
 * removes nothing).
 *
 *   static void make_tmpdir(void) { tmpdir_make("/tmp/test_report.XXXXXX"); }
 *   Test(json, parses, .init = make_tmpdir, .fini = remove_tmpdir) { ... tmpdir ... }
 */
#ifndef SHMLIFE_TEST_TMP_FIXTURE_H
#define SHMLIFE_TEST_TMP_FIXTURE_H

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[64];
static pid_t tmpdir_owner;               /* the test process that made it     */
static const char *tmpdir_keep_variable; /* if this is set in the environment,
					  * the directory is kept and named */

static void remove_tmpdir(void)
{
	char cmd[128];
	if (!tmpdir[0] || getpid() != tmpdir_owner)
		return;
	if (tmpdir_keep_variable && getenv(tmpdir_keep_variable)) {
		cr_log_info("kept %s", tmpdir);
	} else {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			cr_log_warn("could not remove %s", tmpdir);
	}
	tmpdir[0] = '\0';
}

/* Makes tmpdir from `template` (mkdtemp's, ending in XXXXXX). */
static void tmpdir_make(const char *template)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s", template);
	cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp %s", template);
	tmpdir_owner = getpid();
	cr_assert_eq(atexit(remove_tmpdir), 0);
}

#endif
