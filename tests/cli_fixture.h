/* cli_fixture.h - running the real `shmlife` command ($SHMLIFE_BIN) from a
 * Criterion test: arguments as a list (fork and exec, no shell), stdout and
 * stderr read through pipes, every wait bounded by poll() against a
 * deadline, and a scratch directory made with mkdtemp and removed after each
 * test, passed or failed (the suite's .fini runs after a failed assertion
 * too).  Also small readers of the output: lines, fields, files. */
#ifndef SHMLIFE_TEST_CLI_FIXTURE_H
#define SHMLIFE_TEST_CLI_FIXTURE_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef SHMLIFE_SANITIZE
#define CLI_LIMIT_MS 180000 /* under ASan and UBSan everything is about 3 times slower */
#else
#define CLI_LIMIT_MS 60000 /* a command that takes longer is stuck: killed, the test fails */
#endif

/* What one command did. */
struct cli_result {
	int status;                      /* exit status; 128+N if killed by signal N */
	char *out, *err;                 /* all of stdout, stderr; NUL-terminated */
	size_t out_len, err_len;
};

/* The arguments of one command, after `shmlife`: CLI_ARGS("run", "-q"). */
#define CLI_ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* ---- the scratch directory -------------------------------------------------- */

static char cli_tmp[64];
static pid_t cli_tmp_owner;      /* the test process that made it */

static inline int cli_rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

/* Suite .fini: the scratch directory goes, whatever the test said; again
 * at the test process's exit, for a test that was skipped (Criterion runs
 * no .fini after cr_skip_test).  Idempotent. */
static inline void cli_teardown(void)
{
	if (getpid() != cli_tmp_owner) /* a child of the test that ran exit() */
		return;
	if (cli_tmp[0])
		nftw(cli_tmp, cli_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	cli_tmp[0] = '\0';
}

/* Suite .init: the tests run from the source root; a fresh scratch
 * directory in $TMPDIR (else /tmp), removed by cli_teardown. */
static inline void cli_setup(void)
{
	const char *src = getenv("SHMLIFE_SOURCE_DIR");
	if (src)
		cr_assert_eq(chdir(src), 0, "chdir %s: %s", src, strerror(errno));
	const char *tmp = getenv("TMPDIR");
	int n = snprintf(cli_tmp, sizeof(cli_tmp), "%s/shmlife-cli-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	cr_assert(n > 0 && (size_t)n < sizeof(cli_tmp), "TMPDIR is too long: %s", tmp);
	cr_assert_not_null(mkdtemp(cli_tmp), "mkdtemp %s: %s", cli_tmp, strerror(errno));
	cli_tmp_owner = getpid();
	cr_assert_eq(atexit(cli_teardown), 0);
}

/* The path of `name` beside $SHMLIFE_BIN (where the build puts shmlife's
 * own programs: shmlife-vm-init, musl/shmlife-actor), in a static buffer;
 * for a test to skip, saying so, where one is not built. */
static inline const char *cli_beside_bin(const char *name)
{
	static char path[4200];
	const char *bin = getenv("SHMLIFE_BIN");
	snprintf(path, sizeof(path), "%.4000s", bin ? bin : "build/bin/shmlife");
	char *slash = strrchr(path, '/');
	if (slash)
		snprintf(slash + 1, sizeof(path) - (size_t)(slash + 1 - path), "%s", name);
	return path;
}

/* A path in the scratch directory, in a static buffer of its own (up to 8 live). */
static inline const char *cli_path(const char *name)
{
	static char bufs[8][256];
	static int next;
	char *b = bufs[next++ % 8];
	snprintf(b, sizeof(bufs[0]), "%s/%s", cli_tmp, name);
	return b;
}

/* ---- running the command ------------------------------------------------------ */

static inline long long cli_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Appends what fd has to *buf; 0 at EOF, 1 if more may come. */
static inline int cli_drain(int fd, char **buf, size_t *len, size_t *cap)
{
	char chunk[4096];
	ssize_t n = read(fd, chunk, sizeof(chunk));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (n <= 0)
		return 0;
	if (*len + (size_t)n + 1 > *cap) {
		size_t ncap = (*len + (size_t)n + 1) * 2;
		char *nb = realloc(*buf, ncap);
		cr_assert_not_null(nb, "out of memory");
		*buf = nb;
		*cap = ncap;
	}
	memcpy(*buf + *len, chunk, (size_t)n);
	*len += (size_t)n;
	(*buf)[*len] = '\0';
	return 1;
}

static inline void cli_child(const char *bin, const char *const *args, const char *const *env, const char *cwd,
		      int out, int err)
{
	const char *argv[64] = { "shmlife" };
	int n = 1;
	for (; args[n - 1] && n < 63; n++)
		argv[n] = args[n - 1];
	argv[n] = NULL;
	int devnull = open("/dev/null", O_RDONLY);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(126);
	unsetenv("SHMLIFE_CATALOG");
	unsetenv("SHMLIFE_TAP_VERSION");
	for (int i = 0; env && env[i]; i++)
		putenv((char *)env[i]);
	if (cwd && chdir(cwd) < 0)
		_exit(126);
	execv(bin, (char *const *)argv);
	_exit(127);
}

/* A command that is running: its pid, and where its output is read. */
struct cli_proc {
	struct cli_result *r;
	const char *what;                /* the subcommand, for messages       */
	pid_t pid;
	int pidfd;
	struct pollfd p[3];              /* stdout, stderr, the pidfd          */
	int open_outputs, exited;
	size_t cap[2];
	long long deadline;
};

/* Starts `shmlife ARGS...` with the extra environment env (NAME=VALUE, may
 * be NULL) in directory cwd (NULL: this one).  Its stderr is a pipe, or,
 * when err_pair is given, err_pair[1] (read from err_pair[0]: a pty's slave
 * and master).  Every wait for it ends CLI_LIMIT_MS after this. */
static inline void cli_start(struct cli_proc *c, struct cli_result *r, const char *const *args,
			     const char *const *env, const char *cwd, const int *err_pair)
{
	const char *bin = getenv("SHMLIFE_BIN");
	int outp[2], errp[2];

	cr_assert_not_null(bin, "SHMLIFE_BIN is not set (CTest sets it)");
	cr_assert_eq(access(bin, X_OK), 0, "SHMLIFE_BIN=%s is not executable", bin);
	memset(c, 0, sizeof(*c));
	memset(r, 0, sizeof(*r));
	c->r = r;
	c->what = args[0] ? args[0] : "";
	r->out = calloc(1, 1);
	r->err = calloc(1, 1);
	cr_assert(r->out && r->err);
	cr_assert_eq(pipe2(outp, O_CLOEXEC), 0);
	if (err_pair) {
		errp[0] = err_pair[0];
		errp[1] = err_pair[1];
	} else {
		cr_assert_eq(pipe2(errp, O_CLOEXEC), 0);
	}
	fflush(NULL);
	c->pid = fork();
	cr_assert_geq(c->pid, 0, "fork: %s", strerror(errno));
	if (c->pid == 0)
		cli_child(bin, args, env, cwd, outp[1], errp[1]);
	close(outp[1]);
	close(errp[1]);
	c->pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	cr_assert_geq(c->pidfd, 0, "pidfd_open: %s", strerror(errno));
	c->deadline = cli_now_ms() + CLI_LIMIT_MS;
	c->p[0] = (struct pollfd){ outp[0], POLLIN, 0 };
	c->p[1] = (struct pollfd){ errp[0], POLLIN, 0 };
	c->p[2] = (struct pollfd){ c->pidfd, POLLIN, 0 };
	c->open_outputs = 2;
}

/* Reads the command's output until its stderr holds `needle` (returns 1),
 * or (needle NULL, or never seen) until it has ended and closed both, or
 * the deadline passes (returns 0). */
static inline int cli_wait_err(struct cli_proc *c, const char *needle)
{
	struct cli_result *r = c->r;
	while (c->open_outputs > 0 || !c->exited) {
		if (needle && strstr(r->err, needle))
			return 1;
		long long left = c->deadline - cli_now_ms();
		if (left <= 0)
			break;
		int n = poll(c->p, 3, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		cr_assert_geq(n, 0, "poll: %s", strerror(errno));
		for (int i = 0; i < 2; i++)
			if (c->p[i].fd >= 0 && c->p[i].revents &&
			    !cli_drain(c->p[i].fd, i ? &r->err : &r->out, i ? &r->err_len : &r->out_len, &c->cap[i])) {
				close(c->p[i].fd);
				c->p[i].fd = -1;
				c->open_outputs--;
			}
		if (c->p[2].revents) {
			c->exited = 1;
			c->p[2].fd = -1;
		}
	}
	return needle && strstr(r->err, needle);
}

/* Waits for the command to end (killed at the deadline, and the test
 * fails), and sets r->status. */
static inline void cli_finish(struct cli_proc *c)
{
	int wstatus = 0, done;
	cli_wait_err(c, NULL);
	done = c->open_outputs == 0 && c->exited;
	if (!done)
		kill(c->pid, SIGKILL);
	cr_assert_eq(waitpid(c->pid, &wstatus, 0), c->pid);
	close(c->pidfd);
	for (int i = 0; i < 2; i++)
		if (c->p[i].fd >= 0)
			close(c->p[i].fd);
	cr_assert(done, "shmlife %s did not end within %d ms; stderr:\n%s", c->what, CLI_LIMIT_MS, c->r->err);
	c->r->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
	cr_assert_neq(c->r->status, 127, "could not exec $SHMLIFE_BIN");
}

/* Runs `shmlife ARGS...` (see cli_start) and waits for it to end. */
static inline void cli_run_in(struct cli_result *r, const char *const *args, const char *const *env, const char *cwd)
{
	struct cli_proc c;
	cli_start(&c, r, args, env, cwd, NULL);
	cli_finish(&c);
}

static inline void cli_run(struct cli_result *r, const char *const *args)
{
	cli_run_in(r, args, NULL, NULL);
}

static inline void cli_result_free(struct cli_result *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

/* ---- reading the output ------------------------------------------------------- */

/* 1 if text holds `line` as a whole line. */
static inline int cli_has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return 1;
	return 0;
}

/* How many times needle occurs in text. */
static inline int cli_count(const char *text, const char *needle)
{
	int n = 0;
	for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The first line that begins with `start`, whole, in a malloc'ed string;
 * NULL if none. */
static inline char *cli_line_starting(const char *text, const char *start)
{
	size_t n = strlen(start);
	for (const char *p = text; p && *p;) {
		if (strncmp(p, start, n) == 0)
			return strndup(p, strcspn(p, "\n"));
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return NULL;
}

/* The whole of a file, NUL-terminated, malloc'ed; NULL if it cannot be read. */
static inline char *cli_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	if (!f)
		return NULL;
	FILE *mem = open_memstream(&buf, &len);
	int c;
	while (mem && (c = fgetc(f)) != EOF)
		fputc(c, mem);
	fclose(f);
	if (!mem || fclose(mem) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

#define assert_exit(r, want)                                                                              \
	cr_assert_eq((r).status, (want), "exit status %d, wanted %d\n--- stdout:\n%s\n--- stderr:\n%s", (r).status, \
		     (want), (r).out, (r).err)

#endif
