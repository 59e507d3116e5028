/* tap_system.h - the system line of a TAP stream, for the tests that compare
 * streams exactly: every stream has `# kernel: <uname -srvm>; libc: glibc
 * <version>` right after its plan (framework/src/report/report_tap.c).
 * tap_without_system() checks that line against this machine and removes it. */
#ifndef SHMLIFE_TEST_TAP_SYSTEM_H
#define SHMLIFE_TEST_TAP_SYSTEM_H

#include <criterion/criterion.h>
#include <gnu/libc-version.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

/* The line this machine's streams must hold, with its newline. */
static inline void tap_system_line(char *buf, size_t len)
{
	struct utsname u;
	cr_assert_eq(uname(&u), 0);
	snprintf(buf, len, "# kernel: %s %s %s %s; libc: glibc %s\n", u.sysname, u.release, u.version, u.machine,
		 gnu_get_libc_version());
}

/* tap with the system line, which must follow the plan (`1..N`), removed in
 * place; fails the test if it is not there. */
static inline char *tap_without_system(char *tap)
{
	char want[1024];
	tap_system_line(want, sizeof(want));
	char *plan = strstr(tap, "\n1..");
	cr_assert_not_null(plan, "no plan in:\n%s", tap);
	char *line = strchr(plan + 1, '\n');
	cr_assert_not_null(line, "nothing after the plan in:\n%s", tap);
	line++;
	cr_assert(strncmp(line, want, strlen(want)) == 0, "after the plan, want\n%sin:\n%s", want, tap);
	memmove(line, line + strlen(want), strlen(line + strlen(want)) + 1);
	return tap;
}

#endif
