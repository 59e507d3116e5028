/* sandbox_probe.c - can this machine make a scenario's sandbox at all?
 *
 * Owns sl_sandbox_probe(): a child process tries what sandbox.c does for
 * every scenario (IPC, PID and mount namespaces; as a plain user, first a
 * user namespace in which it is root) and reports the first thing that
 * fails.  The harness asks once, before it runs anything, so that a
 * machine without namespaces is one clear error instead of a catalog of
 * SKIPs that CI would read as green (issue 11).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "shmlife/run.h"
#include "util.h"

/* Steps of the probe, as the child's exit status. */
enum probe_step { PROBE_OK, PROBE_USERNS, PROBE_MAP, PROBE_NAMESPACES, PROBE_LAUNCH };

static const char *const probe_lacks[] = {
	[PROBE_USERNS] = "cannot create a user namespace as a plain user",
	[PROBE_MAP] = "cannot map its own uid into a user namespace",
	[PROBE_NAMESPACES] = "cannot create IPC, PID and mount namespaces",
};

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = sl_write_all(fd, text, strlen(text));
	close(fd);
	return rc;
}

/* In the child: the first step that fails; its errno is written to err_fd. */
static int probe_child(int err_fd)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	int step = PROBE_OK;
	if (uid != 0) {
		if (unshare(CLONE_NEWUSER) < 0) {
			step = PROBE_USERNS;
		} else {
			char map[64];
			int denied = write_text("/proc/self/setgroups", "deny") < 0 && errno != ENOENT;
			snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
			if (denied || write_text("/proc/self/uid_map", map) < 0)
				step = PROBE_MAP;
			snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
			if (step == PROBE_OK && write_text("/proc/self/gid_map", map) < 0)
				step = PROBE_MAP;
		}
	}
	if (step == PROBE_OK && unshare(CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNS) < 0)
		step = PROBE_NAMESPACES;
	if (step != PROBE_OK) {
		int e = errno;
		(void)sl_write_all(err_fd, &e, sizeof(e));
	}
	return step;
}

int sl_sandbox_probe(char *why, size_t len)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(why, len, "cannot probe the sandbox: pipe: %s", strerror(errno));
		return -2;
	}
	pid_t pid = sl_child_fork(SL_CHILD_FLUSH_STDIO);
	if (pid == 0) {
		close(p[0]);
		_exit(probe_child(p[1]));
	}
	int saved = errno;
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		snprintf(why, len, "cannot probe the sandbox: fork: %s", strerror(saved));
		return -2;
	}
	int st = 0, e = 0;
	sl_child_wait(pid, &st);
	ssize_t got;
	while ((got = read(p[0], &e, sizeof(e))) < 0 && errno == EINTR)
		;
	if (got != (ssize_t)sizeof(e))
		e = 0;
	close(p[0]);
	int step = WIFEXITED(st) ? WEXITSTATUS(st) : PROBE_LAUNCH;
	if (step == PROBE_OK)
		return 0;
	if (step > PROBE_NAMESPACES || step < PROBE_USERNS) {
		snprintf(why, len, "the probe of the sandbox ended abnormally (status 0x%x)", st);
		return -2;
	}
	snprintf(why, len, "%s: %s", probe_lacks[step], e ? strerror(e) : "unknown error");
	return -1;
}
