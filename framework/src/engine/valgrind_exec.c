/* valgrind_exec.c - running a scenario's conductor under valgrind memcheck
 * (valgrind.h): the exec of valgrind in the conductor's process, and the
 * hidden subcommand `__conductor` that valgrind runs, which conducts the
 * scenario it is handed as a record (scenario_record.h) in a memfd: the
 * scenario that was parsed or built, never the script file read again.
 *
 * Valgrind follows the conductor's forks (the actors) by itself and the
 * programs they exec with --trace-children; each process writes its own
 * vg.<pid>.xml.  No --log-file=...%p: valgrind 3.19 reopens only one of the
 * log and XML sinks after a fork (an `||` in logging_atfork_child), so a
 * per-pid log file would put every forked child's XML into its parent's
 * file.  The text log goes to one shared file, valgrind.log, by descriptor.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/mman.h>
#include <sys/stat.h>

#include "conductor.h"
#include "record_fd.h"
#include "valgrind_exec.h"
#include "shmlife/valgrind.h"
#include "util.h"
#include "wire.h"

#define NARGS 32 /* room for every argument below and the NULL */

/* The suppressions: $SHMLIFE_VALGRIND_SUPP, ./reports/valgrind.supp, the
 * installed copy (<bindir>/SHMLIFE_DATA_REL/valgrind.supp), or the source
 * tree's (SHMLIFE_SOURCE_SUPP, compiled into a build tree's harness); NULL if
 * none of them exists (valgrind_exec.h). */
const char *sl_vg_suppressions(void)
{
	static char abs[PATH_MAX];
	char installed[PATH_MAX];
	const char *env = getenv("SHMLIFE_VALGRIND_SUPP");
	int have_installed = sl_exe_relative(installed, sizeof(installed), SHMLIFE_DATA_REL, "valgrind.supp") == 0;
	const char *candidates[] = {
		env && *env ? env : NULL, "reports/valgrind.supp", have_installed ? installed : NULL,
#ifdef SHMLIFE_SOURCE_SUPP
		SHMLIFE_SOURCE_SUPP,
#endif
	};
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		/* absolute: programs run after an actor's chdir are checked with it too */
		if (candidates[i] && realpath(candidates[i], abs) && access(abs, R_OK) == 0)
			return abs;
	return NULL;
}

/* The program that understands `__conductor`: $SHMLIFE_CONDUCTOR_EXE (for
 * programs other than the harness that call sl_run), else this one. */
static int conductor_exe(char *buf, size_t len)
{
	const char *env = getenv("SHMLIFE_CONDUCTOR_EXE");
	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return 0;
	}
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static char *arg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *arg(const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

/* The scenario as a record in a memfd that survives the exec (nothing on
 * disk to remove, nothing another process can change): its descriptor, or
 * -1 with `why` filled in. */
static int scenario_memfd(const struct sl_scenario *s, char *why, size_t len)
{
	int fd = sl_record_memfd(s);
	if (fd < 0)
		snprintf(why, len, "cannot hand %s to valgrind's conductor: %s", s->name, strerror(errno));
	return fd;
}

void sl_vg_exec_conductor(const struct sl_scenario *s, const struct sl_run_options *o, int trace_fd,
			  char *why, size_t len)
{
	char exe[PATH_MAX];
	if (conductor_exe(exe, sizeof(exe)) < 0) {
		snprintf(why, len, "cannot find the harness to run under valgrind: %s", strerror(errno));
		return;
	}
	char *log = arg("%s/valgrind.log", o->valgrind);
	int log_fd = log ? open(log, O_WRONLY | O_CREAT | O_APPEND, 0644) : -1;
	free(log);
	if (log_fd < 0 || fcntl(trace_fd, F_SETFD, 0) < 0) { /* both must survive the exec */
		snprintf(why, len, "cannot prepare valgrind's files in %s: %s", o->valgrind, strerror(errno));
		return;
	}
	int record_fd = scenario_memfd(s, why, len);
	if (record_fd < 0)
		return;
	const char *supp = sl_vg_suppressions();
	char *argv[NARGS];
	int n = 0;
	argv[n++] = "valgrind";
	argv[n++] = "-q";
	argv[n++] = "--tool=memcheck";
	argv[n++] = "--trace-children=yes";
	argv[n++] = "--trace-children-skip=*/ipcs";   /* the observer's, not the scenario's */
	argv[n++] = "--child-silent-after-fork=no";
	argv[n++] = "--vgdb=no";                       /* no gdbserver: no FIFOs left in /tmp */
	argv[n++] = "--xml=yes";
	argv[n++] = arg("--xml-file=%s/vg.%%p.xml", o->valgrind);
	argv[n++] = arg("--log-fd=%d", log_fd);
	argv[n++] = "--leak-check=full";
	argv[n++] = "--show-leak-kinds=definite";
	argv[n++] = "--errors-for-leak-kinds=definite";
	argv[n++] = "--num-callers=24";
	if (supp)
		argv[n++] = arg("--suppressions=%s", supp);
	argv[n++] = exe;
	argv[n++] = "__conductor";
	argv[n++] = arg("%d", record_fd);
	argv[n++] = arg("%d", trace_fd);
	argv[n++] = arg("%d", o->step_timeout_ms);
	argv[n++] = arg("%d", o->observe_every_step);
	argv[n++] = (char *)o->valgrind;
	assert(n < NARGS);
	argv[n] = NULL;
	for (int i = 0; i < n; i++)
		if (!argv[i]) {
			snprintf(why, len, "out of memory");
			return;
		}
	execvp(argv[0], argv);
	snprintf(why, len, "cannot run valgrind: %s%s", strerror(errno),
		 errno == ENOENT ? " (is it installed? Debian: apt-get install valgrind)" : "");
}

/* ---- __conductor ------------------------------------------------------------ */




int sl_vg_conductor_main(int argc, char **argv)
{
	long long record_fd, fd, step_ms, observe;
	if (argc != 6 || sl_parse_number(argv[1], 10, 0, INT_MAX, &record_fd) ||
	    sl_parse_number(argv[2], 10, 0, INT_MAX, &fd) || sl_parse_number(argv[3], 10, 0, INT_MAX, &step_ms) ||
	    sl_parse_number(argv[4], 10, 0, 1, &observe)) {
		fprintf(stderr, "shmlife: __conductor is internal: the harness runs it under valgrind\n");
		return 2;
	}
	if (fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0) { /* not for the programs we run */
		fprintf(stderr, "shmlife __conductor: descriptor %lld: %s\n", fd, strerror(errno));
		return 2;
	}
	char why[256];
	struct sl_scenario *s = sl_record_from_fd((int)record_fd, why, sizeof(why));
	if (!s) {
		sl_send_verdict((int)fd, SL_BROK, "under valgrind, the conductor did not receive its scenario: %s", why);
		return 3;
	}
	struct sl_run_options o;
	sl_run_options_default(&o);
	o.step_timeout_ms = (int)step_ms;
	o.observe_every_step = (int)observe;
	o.valgrind = argv[5];
	if (s->timeout_ms > 0 && s->timeout_ms < INT_MAX / SL_VG_SLOWDOWN)
		s->timeout_ms *= SL_VG_SLOWDOWN;
	int rc = sl_conductor_main(s, &o, (int)fd);
	sl_scenario_free(s);
	return rc;
}
