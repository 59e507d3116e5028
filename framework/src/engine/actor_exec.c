/* actor_exec.c - the `exec` step in an actor: a child that runs the
 * program (found in PATH, beside shmlife, or in the installed programs'
 * folder), under fault injection when the step asks, with its stdout and
 * stderr caught and sent to the conductor as they come; the actor waits for
 * it and answers with its wait status, or with why it could not be run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cpu.h"
#include "child.h"
#include "actor.h"
#include "inject.h"
#include "observe_raw.h"
#include "shmlife/observe.h"
#include "util.h"
#include "wire.h"

static char **split_strings(const char *p, uint32_t n, const char **end)
{
	char **v = calloc(n + 1, sizeof(char *));
	if (!v)
		return NULL;
	for (uint32_t i = 0; i < n; i++) {
		v[i] = (char *)p;
		p += strlen(p) + 1;
	}
	*end = p;
	return v;
}

/* A program named without a '/' is looked for in PATH, then beside the
 * shmlife executable (where the programs of scenarios/programs are built),
 * then in the installed harness's program directory (libexec/shmlife).
 * Returns only if it could not be run, with the most telling errno: one
 * that is not ENOENT (found, but not executable) if any. */
static void exec_program(char **argv)
{
	if (strchr(argv[0], '/')) {
		execv(argv[0], argv);
		return;
	}
	execvp(argv[0], argv);
	int best = errno;
	char path[4096];
	if (sl_exe_relative(path, sizeof(path), "", argv[0]) == 0) {
		execv(path, argv);
		best = best == ENOENT ? errno : best;
	}
	if (sl_exe_relative(path, sizeof(path), SHMLIFE_PROGRAMS_REL, argv[0]) == 0) {
		execv(path, argv);
		best = best == ENOENT ? errno : best;
	}
	errno = best;
}

/* What the child of `exec` says on its error pipe when it cannot run the
 * program: the exec failed (not found, not executable), or shmlife's own
 * set-up did (out of memory, fault injection). */
enum exec_failure { EXEC_FAILED = 1, EXEC_SETUP_SUPERVISION, EXEC_SETUP_MEMORY, EXEC_SETUP_OUTPUT };
struct exec_report { int32_t what, err; };

static void exec_fail(int report_fd, enum exec_failure what, int err) __attribute__((noreturn));
static void exec_fail(int report_fd, enum exec_failure what, int err)
{
	struct exec_report rep = { (int32_t)what, err };
	if (report_fd >= 0 && write(report_fd, &rep, sizeof(rep)) < 0) { /* nobody to tell */
	}
	_exit(127);
}

static void exec_child(const struct sl_wire_cmd *c, const char *strings, long long auto_key, int report_fd,
		       const int capture[2])
{
	for (int s = 0; s < 2; s++)
		if (capture[s] >= 0 && dup2(capture[s], s + 1) < 0)
			exec_fail(report_fd, EXEC_SETUP_OUTPUT, errno);
	const char *end = strings;
	char **argv = split_strings(strings, c->argc, &end);
	char **extra = split_strings(end, c->envc, &end);
	if (!argv || !extra || !argv[0])
		exec_fail(report_fd, EXEC_SETUP_MEMORY, ENOMEM);
	char keybuf[32];
	snprintf(keybuf, sizeof(keybuf), "%lld", auto_key);
	setenv("SHMLIFE_KEY", keybuf, 1);
	for (uint32_t i = 0; i < c->envc; i++)
		putenv(extra[i]);
	if (c->nfaults > 0 && actor_come_under_supervision(1) < 0)
		exec_fail(report_fd, EXEC_SETUP_SUPERVISION, errno);
	sl_cpu_unpin(); /* the program's threads are not the harness's to bind */
	exec_program(argv);
	exec_fail(report_fd, EXEC_FAILED, errno);
}

/* Reads what the child said on its error pipe, once it has ended. */
static void take_exec_report(int report_fd, struct sl_wire_reply *r)
{
	struct exec_report rep;
	ssize_t n;
	while ((n = read(report_fd, &rep, sizeof(rep))) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(rep))
		return; /* the program ran */
	if (rep.what == EXEC_FAILED)
		r->exec_errno = rep.err;
	else
		snprintf(r->setup, sizeof(r->setup), "%s: %s",
			 rep.what == EXEC_SETUP_SUPERVISION ? "the program's process could not come under fault injection"
			 : rep.what == EXEC_SETUP_OUTPUT    ? "the program's stdout or stderr could not be caught"
							    : "no memory for the program's arguments",
			 strerror(rep.err));
}

static int is_dev_null(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
}

/* The program's stdout and stderr are caught where the actor's are
 * /dev/null (not a terminal a scenario set up, nor a descriptor it closed
 * or opened): each in an anonymous file (memfd) whose descriptor goes to
 * the conductor once the program has ended.  -1 where not caught.  Returns
 * 0, or -1 with errno (no descriptors or memory left: set-up failed). */
static int open_capture(int capture[2])
{
	capture[0] = capture[1] = -1;
	for (int s = 0; s < 2; s++) {
		if (!is_dev_null(s + 1))
			continue;
		capture[s] = memfd_create(s ? "shmlife-stderr" : "shmlife-stdout", MFD_CLOEXEC);
		if (capture[s] < 0) {
			int saved = errno;
			if (s && capture[0] >= 0)
				close(capture[0]);
			capture[0] = capture[1] = -1;
			errno = saved;
			return -1;
		}
	}
	return 0;
}

/* Hands each caught output to the conductor (before the step's answer). */
static void send_capture(int capture[2])
{
	for (int s = 0; s < 2; s++) {
		if (capture[s] < 0)
			continue;
		struct sl_wire_reply o;
		memset(&o, 0, sizeof(o));
		o.kind = SL_WIRE_REPLY_OUTPUT;
		o.seq = actor_self.current_seq;
		o.pid = getpid();
		o.ret = s + 1;
		sl_wire_send_reply(actor_self.channel_fd, &o, capture[s]); /* if the conductor is gone, so is the output */
		close(capture[s]);
		capture[s] = -1;
	}
}

void actor_exec(const struct sl_wire_cmd *c, const char *strings, long long auto_key,
		struct sl_wire_reply *r)
{
	int report[2] = { -1, -1 }; /* without one (no descriptors left), the run goes on, unexplained */
	int capture[2];
	if (open_capture(capture) < 0) {
		snprintf(r->setup, sizeof(r->setup), "the program's stdout or stderr could not be caught: %s",
			 strerror(errno));
		r->ret = -1;
		r->err = errno;
		return;
	}
	if (pipe2(report, O_CLOEXEC) < 0)
		report[0] = report[1] = -1;
	pid_t pid = sl_child_fork(0);
	if (pid == 0)
		exec_child(c, strings, auto_key, report[1], capture);
	int saved = errno;
	if (report[1] >= 0)
		close(report[1]);
	if (pid < 0) {
		if (report[0] >= 0)
			close(report[0]);
		for (int s = 0; s < 2; s++)
			if (capture[s] >= 0)
				close(capture[s]);
		r->ret = -1;
		r->err = saved;
		return;
	}
	int st;
	if (sl_child_wait(pid, &st) < 0) {
		r->ret = -1;
		r->err = errno;
		if (report[0] >= 0)
			close(report[0]);
		send_capture(capture);
		return;
	}
	if (report[0] >= 0) {
		take_exec_report(report[0], r);
		close(report[0]);
	}
	send_capture(capture);
	r->ret = pid;
	r->child_pid = pid;
	r->status = st;
}
