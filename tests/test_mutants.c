/* test_mutants.c - shmlife under a lying C library (tests/mutants/,
 * ci/mutants.sh): the observer reads the kernel with raw system calls, so a
 * libc that lies to the actors does not lie to the observer, and the lie is
 * caught where an actor's program compares its libc with the kernel. */
#include "cli_fixture.h"

#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite(mutants, .init = cli_setup, .fini = cli_teardown);

/* "LD_PRELOAD=<build>/mutants/NAME.so" in buf; skips the test if the
 * mutant was not built (SHMLIFE_SANITIZE builds none). */
static const char *preload(const char *name, char *buf, size_t len)
{
	const char *build = getenv("SHMLIFE_BUILD_DIR");
	char path[PATH_MAX], real[PATH_MAX];

	cr_assert_not_null(build, "SHMLIFE_BUILD_DIR is not set");
	snprintf(path, sizeof(path), "%s/mutants/%s.so", build, name);
	if (access(path, R_OK) != 0 || !realpath(path, real))
		cr_skip_test("%s was not built (a sanitizer build builds no mutant)", path);
	snprintf(buf, len, "LD_PRELOAD=%s", real);
	return buf;
}

/* Under a libc whose IPC_STAT says nattch one too high, the observer still
 * sees the kernel's nattch: a scenario about nattch passes.  (Before the
 * observer read IPC_STAT through libc, it failed: "nattch: expected =1,
 * kernel says 2".) */
Test(mutants, observer_reads_the_kernel_not_libc)
{
	struct cli_result r;
	char env[PATH_MAX + 16];
	const char *const envs[] = { preload("stat-nattch", env, sizeof(env)), NULL };

	cli_run_in(&r, CLI_ARGS("run", "-q", "--report-dir", cli_path("out"),
				"scenarios/attach/nattch-counts-attachments.scn", "scenarios/key/key-zero-after-rmid.scn"),
		   envs, NULL);
	cr_expect_eq(r.status, 0, "exit %d; stdout:\n%s\nstderr:\n%s", r.status, r.out, r.err);
	cr_expect(cli_has_line(r.out, "2 passed, 0 failed, 0 skipped"), "stdout:\n%s", r.out);
	cli_result_free(&r);
}

/* The same lies are caught by the catalog where an actor's program compares
 * its libc's IPC_STAT with the raw system call. */
Test(mutants, libc_lie_is_caught_by_the_catalog)
{
	static const char *const lies[] = { "stat-nattch", "key-after-rmid" };

	for (size_t i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
		struct cli_result r;
		char env[PATH_MAX + 16];
		const char *const envs[] = { preload(lies[i], env, sizeof(env)), NULL };

		cli_run_in(&r, CLI_ARGS("run", "-q", "--report-dir", cli_path("out"),
					"scenarios/segment/libc-agrees-with-kernel.scn"),
			   envs, NULL);
		cr_expect_eq(r.status, 1, "%s: exit %d; stdout:\n%s", lies[i], r.status, r.out);
		cr_expect(strstr(r.out, "shmlife-scn-libc-views") && strstr(r.out, "kernel said exited 3"),
			  "%s: not caught by the libc-views step:\n%s", lies[i], r.out);
		cli_result_free(&r);
	}
}

/* An actor's own shmctl goes through its libc, and the conductor asks the
 * kernel the same question at once by the raw system call: a libc that
 * rewrites IPC_STAT in the caller only fails the step as a disagreement
 * (issue 14 item 2; before, the scenario passed: nobody compared). */
Test(mutants, a_caller_only_lie_is_a_libc_kernel_disagreement)
{
	static const char *const lies[] = { "stat-nattch", "key-after-rmid" };
	static const char *const said[] = { "libc and the kernel disagree on IPC_STAT: nattch: libc says 3, kernel says 2",
					    "libc and the kernel disagree on SHM_STAT_ANY: key: libc says 0x005eed0c, "
					    "kernel says 0x00000000" };

	for (size_t i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
		struct cli_result r;
		char env[PATH_MAX + 16];
		const char *const envs[] = { preload(lies[i], env, sizeof(env)), NULL };

		cli_run_in(&r, CLI_ARGS("run", "-q", "--report-dir", cli_path("out"),
					"scenarios/control/shmctl-results.scn"),
			   envs, NULL);
		cr_expect_eq(r.status, 1, "%s: exit %d; stdout:\n%s", lies[i], r.status, r.out);
		cr_expect(strstr(r.out, said[i]), "%s: not the disagreement:\n%s", lies[i], r.out);
		cli_result_free(&r);
	}
}
