/* sandbox.c - putting a scenario in its own namespaces.
 *
 * The harness forks a single-threaded child (the keeper), which enters new
 * IPC, PID and mount namespaces (and a user namespace first when not root),
 * and forks the conductor: PID 1 of the new PID namespace, with a private
 * /proc mounted so that /proc/PID means the scenario's PIDs.  The keeper
 * waits for the conductor; on SIGTERM it kills it, and the kernel then kills
 * every process of the namespace.  Both die with their parent
 * (PR_SET_PDEATHSIG), so a harness killed by SIGKILL leaves nothing behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conductor.h"
#include "sandbox.h"
#include "shmlife/valgrind.h"
#include "util.h"

static volatile sig_atomic_t stop_requested;
static volatile pid_t conductor_pid;

static void on_term(int sig)
{
	(void)sig;
	stop_requested = 1;
	if (conductor_pid > 0)
		kill(conductor_pid, SIGKILL);
}

/* The keeper's (or conductor's) last word when something failed before the
 * conductor could speak. */
static void send_verdict(int fd, enum sl_outcome o, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void send_verdict(int fd, enum sl_outcome o, const char *fmt, ...)
{
	struct sl_trace_entry e;
	memset(&e, 0, sizeof(e));
	e.kind = SL_ENTRY_END;
	e.step = e.actor = -1;
	e.brief.slot = -1;
	e.verdict = o;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e.detail, sizeof(e.detail), fmt, ap);
	va_end(ap);
	sl_write_all(fd, &e, sizeof(e));
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = sl_write_all(fd, text, strlen(text));
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/* Not root: a user namespace where we are root, mapping only ourselves. */
static int enter_user_namespace(void)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char map[64];
	if (unshare(CLONE_NEWUSER) < 0)
		return -1;
	if (write_file("/proc/self/setgroups", "deny") < 0 && errno != ENOENT)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	if (write_file("/proc/self/uid_map", map) < 0)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	return write_file("/proc/self/gid_map", map);
}

static void conductor_process(const struct sl_scenario *s, const struct sl_run_options *o, int fd)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGTERM, SIG_DFL);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		send_verdict(fd, SL_BROK, "cannot mount /proc in the scenario's namespaces: %s", strerror(errno));
		_exit(3);
	}
	if (o->valgrind) { /* the conductor, and so its actors, under memcheck (valgrind.h) */
		char why[256];
		sl_vg_exec_conductor(s, o, fd, why, sizeof(why));
		send_verdict(fd, SL_BROK, "%s", why);
		_exit(3);
	}
	int rc = sl_conductor_main(s, o, fd);
	sl_flush_coverage();
	_exit(rc);
}

void sl_sandbox_keeper(const struct sl_scenario *s, const struct sl_run_options *o, int fd, pid_t harness)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != harness)
		_exit(1);
	setsid(); /* no controlling terminal: the harness's terminal is not the scenario's */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	if (geteuid() != 0 && enter_user_namespace() < 0) {
		send_verdict(fd, SL_SKIP, "not root and no user namespace to be root in: %s", strerror(errno));
		_exit(0);
	}
	if (unshare(CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNS) < 0) {
		send_verdict(fd, SL_SKIP, "cannot create IPC, PID and mount namespaces: %s", strerror(errno));
		_exit(0);
	}
	pid_t pid = fork();
	if (pid == 0)
		conductor_process(s, o, fd);
	if (pid < 0) {
		send_verdict(fd, SL_BROK, "cannot fork the conductor: %s", strerror(errno));
		_exit(3);
	}
	conductor_pid = pid;
	if (stop_requested)
		kill(pid, SIGKILL);
	close(fd); /* the conductor is the only writer now: its end means EOF */
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	sl_flush_coverage();
	if (WIFSIGNALED(st))
		_exit(128 + WTERMSIG(st));
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 3);
}

static int kernel_older_than(int major, int minor, char *release, size_t len)
{
	struct utsname u;
	if (uname(&u) < 0)
		return 0;
	snprintf(release, len, "%s", u.release);
	int ma = 0, mi = 0;
	if (sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return 0;
	return ma < major || (ma == major && mi < minor);
}

const char *sl_requirements_unmet(const struct sl_scenario *s, char *buf, size_t len)
{
	char release[128] = "";
	if (s->needs_root && geteuid() != 0) {
		snprintf(buf, len, "needs root (running as uid %u)", (unsigned)geteuid());
		return buf;
	}
	for (int i = 0; i < s->nactors; i++)
		if (s->actors[i].has_ids && geteuid() != 0) {
			snprintf(buf, len, "actor %s runs as uid %u: needs root", s->actors[i].name,
				 (unsigned)s->actors[i].uid);
			return buf;
		}
	if (s->min_kernel_major && kernel_older_than(s->min_kernel_major, s->min_kernel_minor, release, sizeof(release))) {
		snprintf(buf, len, "needs kernel >= %d.%d (this is %s)", s->min_kernel_major, s->min_kernel_minor,
			 release);
		return buf;
	}
	for (int i = 0; i < s->nrequires; i++) {
		char have[128];
		if (sl_sysctl_read(s->requires[i].name, have, sizeof(have)) < 0) {
			snprintf(buf, len, "needs sysctl %s, which this kernel does not have", s->requires[i].name);
			return buf;
		}
		if (strcmp(have, s->requires[i].value) != 0) {
			snprintf(buf, len, "needs %s = %s (the host has %s)", s->requires[i].name,
				 s->requires[i].value, have);
			return buf;
		}
	}
	if (s->terminal && access("/dev/ptmx", R_OK | W_OK) < 0) {
		snprintf(buf, len, "needs a pseudo-terminal: /dev/ptmx: %s", strerror(errno));
		return buf;
	}
	return NULL;
}
