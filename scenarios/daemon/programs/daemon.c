/* daemon.c - shmlife-daemon: a small real daemon, as a user would write one,
 * for the scenarios of scenarios/daemon that exec a program and then observe
 * the process it leaves behind (`find comm=... -> d`).
 *
 *   shmlife-daemon [--skip STEP]... [--name COMM] [--open-tty fresh|stdin]
 *
 * It follows the classic recipe: fork (the parent waits until the daemon is
 * ready, then exits), setsid, a second fork, umask(0), chdir("/"), close every
 * inherited descriptor, reopen 0, 1 and 2 on /dev/null; then it waits for
 * signals for ever.  --skip leaves one step out (setsid, fork2, umask, chdir,
 * close-fds, null-stdio; repeatable), --name sets the daemon's comm
 * (PR_SET_NAME) so that a scenario can tell several apart, and --open-tty
 * opens a terminal without O_NOCTTY once the session steps are done: a fresh
 * pty (`fresh`) or the terminal its stdin is on (`stdin`), to show whether the
 * daemon can acquire a controlling terminal again.
 *
 * The launcher exits only once the daemon has finished every step, and after
 * reaping the intermediate child, so that when `exec` returns the daemon is
 * the only process of its name and is in its final state: 0 ready, 1 a step
 * failed (said on stderr), 2 bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum step { S_SETSID, S_FORK2, S_UMASK, S_CHDIR, S_CLOSE_FDS, S_NULL_STDIO, S__COUNT };
static const char *const step_names[S__COUNT] = {
	"setsid", "fork2", "umask", "chdir", "close-fds", "null-stdio",
};

struct options {
	int skip[S__COUNT];
	const char *name;      /* comm of the daemon, or NULL               */
	const char *open_tty;  /* "fresh", "stdin" or NULL                  */
};

/* Descriptors the daemon keeps through close-fds: the readiness pipe and
 * the terminal it opened (a pty's master too: closing it would hang up). */
#define MAX_KEPT 3
struct kept { int fd[MAX_KEPT]; int n; };

static int usage(void)
{
	fputs("usage: shmlife-daemon [--skip setsid|fork2|umask|chdir|close-fds|null-stdio]...\n"
	      "                      [--name COMM] [--open-tty fresh|stdin]\n", stderr);
	return 2;
}

static int parse(int argc, char **argv, struct options *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (!val)
			return -1;
		i++;
		if (strcmp(arg, "--name") == 0) {
			o->name = val;
		} else if (strcmp(arg, "--open-tty") == 0 && (!strcmp(val, "fresh") || !strcmp(val, "stdin"))) {
			o->open_tty = val;
		} else if (strcmp(arg, "--skip") == 0) {
			int k = 0;
			while (k < S__COUNT && strcmp(step_names[k], val) != 0)
				k++;
			if (k == S__COUNT)
				return -1;
			o->skip[k] = 1;
		} else {
			return -1;
		}
	}
	return 0;
}

/* Tells the launcher how it went: "ok", or the step that failed and why. */
static void tell(int fd, const char *failed, int err)
{
	char msg[128];
	int n = failed ? snprintf(msg, sizeof(msg), "%s: %s", failed, err ? strerror(err) : "failed")
		       : snprintf(msg, sizeof(msg), "ok");
	if (n > 0 && write(fd, msg, (size_t)n) < 0)
		_exit(1);
}

static void keep(struct kept *k, int fd)
{
	if (fd >= 0 && k->n < MAX_KEPT)
		k->fd[k->n++] = fd;
}

/* open(2) without O_NOCTTY: a session leader without a controlling terminal
 * acquires the terminal it opens, if no other session has it. */
static int open_tty(const char *which, struct kept *k)
{
	char path[256];
	if (strcmp(which, "stdin") == 0) {
		ssize_t n = readlink("/proc/self/fd/0", path, sizeof(path) - 1);
		if (n <= 0)
			return -1;
		path[n] = '\0';
	} else {
		int master = posix_openpt(O_RDWR | O_NOCTTY);
		if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 || ptsname_r(master, path, sizeof(path)))
			return -1;
		keep(k, master);
	}
	int fd = open(path, O_RDWR);
	keep(k, fd);
	return fd < 0 ? -1 : 0;
}

/* Every descriptor but the kept ones, whatever the limit: close_range(2)
 * over the gaps between them, lowest first. */
static void close_inherited(const struct kept *k)
{
	unsigned from = 0;
	for (;;) {
		unsigned next = ~0U; /* the lowest kept descriptor at or above `from` */
		for (int i = 0; i < k->n; i++)
			if ((unsigned)k->fd[i] >= from && (unsigned)k->fd[i] < next)
				next = (unsigned)k->fd[i];
		if (next == ~0U) {
			syscall(SYS_close_range, from, ~0U, 0u); /* musl has no wrapper */
			return;
		}
		if (next > from)
			syscall(SYS_close_range, from, next - 1, 0u);
		from = next + 1;
	}
}

static int null_stdio(void)
{
	int fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		return -1;
	for (int i = 0; i < 3; i++)
		if (fd != i && dup2(fd, i) < 0)
			return -1;
	if (fd > 2)
		close(fd);
	return 0;
}

/* The session steps: setsid, the second fork.  NULL, or the step that failed. */
static const char *leave_session(const struct options *o)
{
	if (!o->skip[S_SETSID] && setsid() < 0)
		return "setsid";
	if (!o->skip[S_FORK2]) {
		pid_t pid = fork();
		if (pid < 0)
			return "fork";
		if (pid > 0)
			_exit(0); /* the session leader goes; its child can never acquire a terminal */
	}
	return NULL;
}

/* The process's own steps.  NULL, or the step that failed. */
static const char *settle(const struct options *o, struct kept *k)
{
	if (o->name && prctl(PR_SET_NAME, o->name) < 0)
		return "prctl";
	if (!o->skip[S_UMASK])
		umask(0);
	if (!o->skip[S_CHDIR] && chdir("/") < 0)
		return "chdir";
	if (o->open_tty && open_tty(o->open_tty, k) < 0)
		return "open-tty";
	if (!o->skip[S_CLOSE_FDS])
		close_inherited(k);
	if (!o->skip[S_NULL_STDIO] && null_stdio() < 0)
		return "null-stdio";
	return NULL;
}

/* The daemon's part, after the first fork; `ready` is the pipe to the launcher. */
static void become_daemon(const struct options *o, int ready)
{
	struct kept k = { { ready }, 1 };
	const char *failed = leave_session(o);
	if (!failed)
		failed = settle(o, &k);
	tell(ready, failed, failed ? errno : 0);
	if (failed)
		return;
	close(ready);
	for (;;)
		pause(); /* the daemon's work: waiting for what comes */
}

/* The launcher: waits for the daemon's word, reaps the intermediate child. */
static int launcher(const struct options *o, pid_t child, int ready)
{
	/* Until the end of the pipe: the daemon closes it after its word, so
	 * that nothing of the launcher's is left open in the daemon. */
	char msg[128];
	size_t n = 0;
	for (;;) {
		ssize_t got = read(ready, msg + n, sizeof(msg) - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	msg[n] = '\0';
	/* After a second fork the child has ended or is about to: reap it, so
	 * that the daemon is the only process of its name.  Without one, the
	 * child is the daemon. */
	int status;
	while (!o->skip[S_FORK2] && waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (strcmp(msg, "ok") == 0)
		return 0;
	fprintf(stderr, "shmlife-daemon: %s\n", n > 0 ? msg : "the daemon ended before it was ready");
	return 1;
}

int main(int argc, char **argv)
{
	struct options o;
	if (parse(argc, argv, &o) < 0)
		return usage();
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		perror("shmlife-daemon: pipe");
		return 1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("shmlife-daemon: fork");
		return 1;
	}
	if (pid == 0) {
		close(pipefd[0]);
		become_daemon(&o, pipefd[1]);
		_exit(1); /* a step failed: said on the pipe */
	}
	close(pipefd[1]);
	return launcher(&o, pid, pipefd[0]);
}
