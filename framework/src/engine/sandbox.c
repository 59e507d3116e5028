/* sandbox.c - putting a scenario in its own namespaces.
 *
 * The harness clone()s the conductor straight into new IPC, PID, mount and
 * network namespaces (not network with `network: host`; and a user
 * namespace when not root): it brings loopback up, is PID 1 of the new
 * PID namespace, leads a session of its own, and mounts a private /proc so
 * that /proc/PID means the scenario's PIDs.  Killing it (the harness does,
 * on a timeout or a stop) makes the kernel kill every process of the
 * namespace.  It dies with the harness (PR_SET_PDEATHSIG), so a harness
 * killed by SIGKILL leaves nothing behind.
 *
 * A raw clone() skips libc's fork handlers: the child gets a copy of every
 * lock as it was at that instant, and a lock that another thread of the
 * caller held (malloc's, stdio's) stays locked in it forever.  So the raw
 * clone is made only by a single-threaded process: the caller itself when it
 * has one thread (the harness: fast, one process less), else a *keeper*
 * forked with fork(), which runs libc's handlers, that clones the conductor
 * and then waits for it and ends as it ended.  Killing the keeper kills the
 * conductor (PR_SET_PDEATHSIG), and so the scenario.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "conductor.h"
#include "cpu.h"
#include "sandbox.h"
#include "subid.h"
#include "shmlife/valgrind.h"
#include "util.h"
#include "wire.h"

/* The conductor's last word when something failed before it could speak. */
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

/* Not root: in the new user namespace we are root, mapping only ourselves
 * (uid and gid as they were outside, before the clone). */
static int map_user_namespace(uid_t uid, gid_t gid)
{
	char map[64];
	if (write_file("/proc/self/setgroups", "deny") < 0 && errno != ENOENT)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	if (write_file("/proc/self/uid_map", map) < 0)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	return write_file("/proc/self/gid_map", map);
}

struct sandbox_req {
	const struct sl_scenario *s;
	const struct sl_run_options *o;
	int fd;                          /* the trace pipe's write end           */
	long flags;                      /* CLONE_NEW*                           */
	int user_ns;
	uid_t uid;
	gid_t gid;
	const char *scratch;             /* the scenario's scratch folder, or NULL */
	int cpu;                         /* the one its processes share, or -1     */
	int subids;                      /* not root, actors of other ids: map ids */
	struct sl_subids ids;            /* ... these, with newuidmap (subid.h)    */
	int sync[2];                     /* the child waits on [0] for the maps    */
};

/* Loopback up in the scenario's own network namespace (it starts down). */
static int loopback_up(void)
{
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return -1;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	int rc = ioctl(sock, SIOCGIFFLAGS, &ifr);
	if (rc == 0 && !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(sock, SIOCSIFFLAGS, &ifr);
	}
	int saved = errno;
	close(sock);
	errno = saved;
	return rc;
}

/* What every process of the scenario finds in its environment: the
 * scratch folder (SHMLIFE_TMP, and TMPDIR for programs that honour it). */
static int scenario_environment(const char *scratch)
{
	if (!scratch)
		return 0;
	return setenv("SHMLIFE_TMP", scratch, 1) < 0 || setenv("TMPDIR", scratch, 1) < 0 ? -1 : 0;
}

static void conductor_process(const struct sandbox_req *q) __attribute__((noreturn));
static void conductor_process(const struct sandbox_req *q)
{
	const struct sl_scenario *s = q->s;
	const struct sl_run_options *o = q->o;
	int fd = q->fd;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGTERM, SIG_DFL);
	if (q->cpu >= 0)
		sl_cpu_pin(q->cpu); /* a speed, not a promise: a scenario runs the same unbound */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		sl_send_verdict(fd, SL_BROK, "cannot mount /proc in the scenario's namespaces: %s", strerror(errno));
		_exit(3);
	}
	/* POSIX shared memory (shm_open: PostgreSQL's dynamic shared memory,
	 * among others) is files in /dev/shm: a /dev/shm of the scenario's own
	 * goes with its mount namespace, and what a killed program left there
	 * with it. */
	struct stat devshm;
	if (stat("/dev/shm", &devshm) == 0 && S_ISDIR(devshm.st_mode) &&
	    mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0) {
		sl_send_verdict(fd, SL_BROK, "cannot mount a /dev/shm of the scenario's own: %s", strerror(errno));
		_exit(3);
	}
	if ((q->flags & CLONE_NEWNET) && loopback_up() < 0) {
		sl_send_verdict(fd, SL_BROK, "cannot bring loopback up in the scenario's network namespace: %s",
				strerror(errno));
		_exit(3);
	}
	if (scenario_environment(q->scratch) < 0) {
		sl_send_verdict(fd, SL_BROK, "cannot set the scenario's environment: %s", strerror(errno));
		_exit(3);
	}
	if (o->valgrind) { /* the conductor, and so its actors, under memcheck (valgrind.h) */
		char why[256];
		sl_vg_exec_conductor(s, o, fd, why, sizeof(why));
		sl_send_verdict(fd, SL_BROK, "%s", why);
		_exit(3);
	}
	int rc = sl_conductor_main(s, o, fd);
	sl_flush_coverage();
	_exit(rc);
}

/* Closes every descriptor above stderr but `a` and `b` (-1: none): a
 * conductor or keeper must not hold what other threads of the caller have
 * open (another scenario's trace pipe would never see its end). */
static void close_other_fds(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;
	unsigned from = 3;
	if (lo >= 3) {
		if ((unsigned)lo > from)
			close_range(from, (unsigned)lo - 1, 0);
		from = (unsigned)lo + 1;
	}
	if (hi >= 3 && hi != lo) {
		if ((unsigned)hi > from)
			close_range(from, (unsigned)hi - 1, 0);
		from = (unsigned)hi + 1;
	}
	close_range(from, ~0U, 0);
}

/* Dies with the harness (PR_SET_PDEATHSIG), and now if it has died already
 * (before the call: its pidfd, taken before the fork, is readable). */
static void die_with_harness(int harness_pidfd)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (harness_pidfd < 0)
		return;
	struct pollfd p = { .fd = harness_pidfd, .events = POLLIN };
	if (poll(&p, 1, 0) != 0)
		_exit(1);
	close(harness_pidfd);
}

/* Waits, unmapped, until the parent has mapped the user namespace's
 * subordinate ids (subid.h): the parent closes its end, having said
 * nothing if all went well, else why not. */
static void await_subid_maps(const struct sandbox_req *q)
{
	close(q->sync[1]);
	char why[512];
	size_t got = 0;
	ssize_t n;
	while (got < sizeof(why) - 1 &&
	       ((n = read(q->sync[0], why + got, sizeof(why) - 1 - got)) > 0 || (n < 0 && errno == EINTR)))
		got += n > 0 ? (size_t)n : 0;
	close(q->sync[0]);
	if (got == 0)
		return;
	why[got] = '\0';
	sl_send_verdict(q->fd, SL_BROK, "cannot map the ids of the scenario's actors into its user namespace: %s", why);
	_exit(3);
}

/* The child of the clone: maps its user namespace (not root), ties itself
 * to the harness, leaves the harness's session, and becomes the conductor. */
static void conductor_enter(const struct sandbox_req *q, int harness_pidfd) __attribute__((noreturn));
static void conductor_enter(const struct sandbox_req *q, int harness_pidfd)
{
	int fd = q->fd;
	if (q->subids)
		await_subid_maps(q);
	close_other_fds(fd, harness_pidfd);
	if (q->user_ns && !q->subids && map_user_namespace(q->uid, q->gid) < 0) {
		sl_send_verdict(fd, SL_SKIP, "not root and no user namespace to be root in: %s", strerror(errno));
		_exit(0);
	}
	die_with_harness(harness_pidfd);
	setsid(); /* no controlling terminal: the harness's terminal is not the scenario's */
	conductor_process(q);
}

/* What the scenario's result is when the conductor could not be cloned. */
static enum sl_outcome clone_failure(int err, int user_ns, char *why, size_t len)
{
	if (err == EAGAIN || err == ENOMEM) {
		snprintf(why, len, "cannot start the conductor: %s", strerror(err));
		return SL_BROK;
	}
	if (user_ns)
		snprintf(why, len, "not root and no user namespace to be root in: %s", strerror(err));
	else
		snprintf(why, len, "cannot create IPC, PID and mount namespaces: %s", strerror(err));
	return SL_SKIP;
}

/* 1 if the calling process has one thread (no other can start one now). */
static int single_threaded(void)
{
	char buf[4096];
	if (sl_read_text("/proc/self/status", buf, sizeof(buf)) < 0)
		return 0;
	const char *t = strstr(buf, "\nThreads:");
	return t && strtol(t + 9, NULL, 10) == 1;
}


/* The raw clone into the namespaces, from a single-threaded process: the
 * child becomes the conductor.  Its pid, or -1 with errno. */
static pid_t clone_conductor(const struct sandbox_req *req)
{
	struct sandbox_req q = *req;
	if (q.subids && pipe2(q.sync, O_CLOEXEC) < 0)
		return -1;
	int parent_pidfd = sl_pidfd_open(getpid());
	fflush(NULL); /* no buffered output may be written twice */
	/* a fork (no new stack, SIGCHLD at the end) that enters the namespaces */
	pid_t pid = (pid_t)syscall(SYS_clone, q.flags | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0)
		conductor_enter(&q, parent_pidfd);
	int saved = errno;
	if (parent_pidfd >= 0)
		close(parent_pidfd);
	if (q.subids) {
		close(q.sync[0]);
		char why[512];
		if (pid > 0 && sl_subids_map(pid, &q.ids, why, sizeof(why)) < 0 &&
		    sl_write_all(q.sync[1], why, strlen(why)) < 0) { /* it ends as it reads EOF: BROK without why */
		}
		close(q.sync[1]); /* it may go on */
	}
	errno = saved;
	return pid;
}

/* The keeper: out of the caller's session (its terminal's signals are not
 * the scenario's), clones the conductor, and ends as it ends. */
static void keeper_main(const struct sandbox_req *q, int harness_pidfd) __attribute__((noreturn));
static void keeper_main(const struct sandbox_req *q, int harness_pidfd)
{
	close_other_fds(q->fd, harness_pidfd);
	die_with_harness(harness_pidfd);
	setsid();
	pid_t pid = clone_conductor(q);
	if (pid < 0) {
		char why[256];
		enum sl_outcome outcome = clone_failure(errno, q->user_ns, why, sizeof(why));
		sl_send_verdict(q->fd, outcome, "%s", why);
		_exit(outcome == SL_BROK ? 3 : 0);
	}
	close(q->fd);
	int st;
	while (waitpid(pid, &st, __WALL) < 0)
		if (errno != EINTR)
			_exit(3);
	sl_flush_coverage();
	if (WIFSIGNALED(st)) {
		signal(WTERMSIG(st), SIG_DFL);
		raise(WTERMSIG(st));
	}
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 3);
}

/* The highest uid or gid an actor takes (its uid=, gid=, or user='s uid,
 * gid and groups), at least 1; 0 if every actor keeps the harness's. */
static unsigned long ids_needed(const struct sl_scenario *s)
{
	unsigned long need = 0;
	for (int i = 0; i < s->nactors; i++) {
		const struct sl_actor_def *a = &s->actors[i];
		if (a->has_ids) {
			need = need > 1 ? need : 1;
			need = need > a->uid ? need : a->uid;
			need = need > a->gid ? need : a->gid;
		}
		const struct passwd *pw = a->user ? getpwnam(a->user) : NULL;
		if (!pw)
			continue;
		need = need > 1 ? need : 1;
		need = need > pw->pw_uid ? need : pw->pw_uid;
		need = need > pw->pw_gid ? need : pw->pw_gid;
		int n = 64;
		gid_t *groups = malloc(sizeof(*groups) * (size_t)n);
		if (groups && getgrouplist(a->user, pw->pw_gid, groups, &n) < 0) { /* n is how many it has */
			gid_t *more = realloc(groups, sizeof(*groups) * (size_t)n);
			groups = more ? more : groups;
			if (!more || getgrouplist(a->user, pw->pw_gid, groups, &n) < 0)
				n = 0;
		}
		for (int g = 0; groups && g < n; g++)
			need = need > groups[g] ? need : groups[g];
		free(groups);
	}
	return need;
}

int sl_sandbox_namespaces(const struct sl_scenario *s, int user_ns)
{
	int runs_programs = 0;
	for (int i = 0; i < s->nsteps && !runs_programs; i++)
		runs_programs = s->steps[i].op == SL_OP_EXEC;
	return CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNS | (user_ns ? CLONE_NEWUSER : 0) |
	       (runs_programs && !s->host_network ? CLONE_NEWNET : 0);
}

pid_t sl_sandbox_start(const struct sl_scenario *s, const struct sl_run_options *o, int fd, const char *scratch,
		       int cpu, enum sl_outcome *outcome, char *why, size_t len)
{
	struct sandbox_req q = { .s = s, .o = o, .fd = fd, .uid = geteuid(), .gid = getegid(), .scratch = scratch,
				 .cpu = cpu };
	q.user_ns = q.uid != 0;
	unsigned long need = ids_needed(s);
	if (q.user_ns && (need || s->needs_root)) {
		if (sl_subids_find(need, &q.ids, why, len) < 0) {
			*outcome = SL_SKIP;
			errno = EPERM;
			return -1;
		}
		q.subids = 1;
	}
	q.flags = sl_sandbox_namespaces(s, q.user_ns);
	pid_t pid;
	if (single_threaded()) {
		pid = clone_conductor(&q);
	} else {
		int harness_pidfd = sl_pidfd_open(getpid());
		/* fork: libc's handlers make malloc and stdio sound in the child */
		pid = sl_child_fork(SL_CHILD_FLUSH_STDIO);
		if (pid == 0)
			keeper_main(&q, harness_pidfd);
		int saved = errno;
		if (harness_pidfd >= 0)
			close(harness_pidfd);
		errno = saved;
	}
	if (pid > 0)
		return pid;
	int saved = errno;
	*outcome = clone_failure(saved, q.user_ns, why, len);
	errno = saved;
	return -1;
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
	unsigned long need = geteuid() != 0 ? ids_needed(s) : 0;
	struct sl_subids ids;
	char why[400];
	if (s->needs_root == SL_NEEDS_HOST_ROOT && geteuid() != 0) {
		snprintf(buf, len, "needs the machine's root (running as uid %u)", (unsigned)geteuid());
		return buf;
	}
	if (s->needs_root && geteuid() != 0 && sl_subids_find(need, &ids, why, sizeof(why)) < 0) {
		snprintf(buf, len, "needs root (running as uid %u), %s", (unsigned)geteuid(), why);
		return buf;
	}
	for (int i = 0; i < s->nactors; i++) {
		if (s->actors[i].user && !getpwnam(s->actors[i].user)) {
			snprintf(buf, len, "actor %s runs as user %s, which this machine does not have", s->actors[i].name,
				 s->actors[i].user);
			return buf;
		}
	}
	if (need && sl_subids_find(need, &ids, why, sizeof(why)) < 0) {
		const struct sl_actor_def *a = s->actors;
		while (!a->user && !a->has_ids)
			a++;
		if (a->user)
			snprintf(buf, len, "actor %s runs as user %s: needs root, %s", a->name, a->user, why);
		else
			snprintf(buf, len, "actor %s runs as uid %u: needs root, %s", a->name, (unsigned)a->uid, why);
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
	for (int i = 0; i < s->nprograms; i++) {
		const char *name = s->programs[i], *package = name + strlen(name) + 1;
		char path[4096];
		if (sl_program_find(name, path, sizeof(path)) == 0)
			continue;
		if (*package)
			snprintf(buf, len, "needs the program %s (apt-get install %s)", name, package);
		else
			snprintf(buf, len, "needs the program %s, which is not installed", name);
		return buf;
	}
	if (s->terminal && access("/dev/ptmx", R_OK | W_OK) < 0) {
		snprintf(buf, len, "needs a pseudo-terminal: /dev/ptmx: %s", strerror(errno));
		return buf;
	}
	return NULL;
}
