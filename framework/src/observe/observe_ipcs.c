/* observe_ipcs.c - one segment as `ipcs -m` prints it (observe_segment_ipcs)
 * and the parser of one of its rows (sl_parse_ipcs_row), observe.h.
 *
 * ipcs runs as a child: fork + execvpe, its arguments as a list (no shell),
 * LC_ALL=C, stdout through a pipe, bounded by IPCS_TIMEOUT_MS on a pidfd; it
 * is killed if it overruns.  util-linux 2.38 prints a row as
 *   0x%08x  %-10d shmid  owner (%-10.10s name or %-10u uid)  %-10o perms&0777
 *   bytes  nattch  "dest"|" "  "locked"|" "
 * Note that util-linux's ipcs reads /proc/sysvipc/shm itself (it falls back
 * to SHM_STAT only without /proc), so it is a third reading of the /proc
 * view, through its own parser and printer.
 *
 * The child is reaped with waitpid(pid): a caller that reaps every child from
 * a SIGCHLD handler (waitpid(-1)) would take its status away (ECHILD here).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "shmlife/observe.h"
#include "util.h"

#define IPCS_TIMEOUT_MS 5000
#define IPCS_EXEC_FAILED 127

extern char **environ;

/* ---- one row --------------------------------------------------------------- */

#define IPCS_MAX_TOKENS 16

/* Splits a copy of the line into blank-separated tokens. */
static int split(char *s, char *tok[], int max)
{
	int n = 0;
	char *save = NULL;
	for (char *t = strtok_r(s, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == max)
			return -1;
		tok[n++] = t;
	}
	return n;
}

static int whole_u64(const char *s, int base, uint64_t *out)
{
	if (!s || !(base == 16 ? isxdigit((unsigned char)*s) : (*s >= '0' && *s <= '9')))
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, base);
	if (errno || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

/* key shmid owner perms bytes nattch [dest] [locked].  The owner is read as
 * whatever lies between shmid and the last three numbers, so a name with a
 * blank in it does not shift the columns. */
int sl_parse_ipcs_row(const char *line, int *shmid, int32_t *key, uint64_t *nattch, int *dest)
{
	char copy[512];
	char *tok[IPCS_MAX_TOKENS];
	uint64_t k, id, perms, bytes, att;
	int is_dest = 0;

	if (!line || strlen(line) >= sizeof(copy))
		return -1;
	memcpy(copy, line, strlen(line) + 1);
	int n = split(copy, tok, IPCS_MAX_TOKENS);
	if (n < 6)
		return -1;
	if (strncmp(tok[0], "0x", 2) != 0 || strlen(tok[0]) != 10 ||
	    whole_u64(tok[0] + 2, 16, &k) || k > UINT32_MAX)
		return -1;
	if (whole_u64(tok[1], 10, &id) || id > INT_MAX)
		return -1;
	int last = n - 1; /* strip the status words from the end */
	while (last >= 5 && (strcmp(tok[last], "dest") == 0 || strcmp(tok[last], "locked") == 0)) {
		if (strcmp(tok[last], "dest") == 0)
			is_dest = 1;
		last--;
	}
	if (last < 5) /* owner, perms, bytes, nattch must remain after shmid */
		return -1;
	if (whole_u64(tok[last - 2], 8, &perms) || perms > 0777 ||
	    whole_u64(tok[last - 1], 10, &bytes) || whole_u64(tok[last], 10, &att))
		return -1;
	if (shmid)
		*shmid = (int)id;
	if (key)
		*key = (int32_t)(uint32_t)k;
	if (nattch)
		*nattch = att;
	if (dest)
		*dest = is_dest;
	return 0;
}

/* ---- scanning the output as it arrives -------------------------------------- */

struct ipcs_scan {
	int shmid;
	char line[512];
	size_t len;
	int overlong;            /* the current line did not fit: dropped */
	int found;
	int32_t key;
	uint64_t nattch;
	int dest;
};

static void scan_line(struct ipcs_scan *s)
{
	int id;
	int32_t key;
	uint64_t nattch;
	int dest;

	s->line[s->len] = '\0';
	if (!s->overlong && !s->found &&
	    sl_parse_ipcs_row(s->line, &id, &key, &nattch, &dest) == 0 && id == s->shmid) {
		s->found = 1;
		s->key = key;
		s->nattch = nattch;
		s->dest = dest;
	}
	s->len = 0;
	s->overlong = 0;
}

static void scan_bytes(struct ipcs_scan *s, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (b[i] == '\n') {
			scan_line(s);
		} else if (s->len + 1 < sizeof(s->line)) {
			s->line[s->len++] = b[i];
		} else {
			s->overlong = 1;
		}
	}
}

/* ---- running ipcs ------------------------------------------------------------ */

static int remaining_ms(int64_t deadline)
{
	int64_t left = deadline - sl_now_ms();
	return left < 0 ? 0 : (int)left;
}

/* The caller's environment without LC_* / LANG / LANGUAGE, plus LC_ALL=C,
 * and without LD_PRELOAD: ipcs is the observer's tool, not a program under
 * test, so a library preloaded into the actors (ci/mutants.sh) is not loaded
 * into it.  Built before fork: the child only execs. */
static char **c_locale_env(void)
{
	static char *const none[] = { NULL };
	char *const *from = environ ? environ : none;
	size_t n = 0;
	while (from[n])
		n++;
	char **env = calloc(n + 2, sizeof(*env));
	if (!env)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *e = from[i];
		if (strncmp(e, "LC_", 3) == 0 || strncmp(e, "LANG=", 5) == 0 ||
		    strncmp(e, "LANGUAGE=", 9) == 0 || strncmp(e, "LD_PRELOAD=", 11) == 0)
			continue;
		env[k++] = from[i];
	}
	env[k] = (char *)"LC_ALL=C";
	return env;
}

/* In the child: the pipe becomes stdout, /dev/null stdin and stderr, all
 * else is closed, ipcs is exec'd.  The caller may have had 0, 1, 2 closed
 * (a daemon), so the pipe may already be any of them. */
static void child_exec(int out_fd, char **env)
{
	char *argv[] = { (char *)"ipcs", (char *)"-m", NULL };

	if (out_fd == STDOUT_FILENO) {
		if (fcntl(out_fd, F_SETFD, 0) == -1) /* it was opened O_CLOEXEC */
			_exit(IPCS_EXEC_FAILED);
	} else if (dup2(out_fd, STDOUT_FILENO) == -1) {
		_exit(IPCS_EXEC_FAILED);
	}
	int null_fd = open("/dev/null", O_RDWR); /* cannot be 1 now */
	if (null_fd >= 0) {
		if (null_fd != STDIN_FILENO)
			dup2(null_fd, STDIN_FILENO);
		if (null_fd != STDERR_FILENO)
			dup2(null_fd, STDERR_FILENO);
	}
	/* nothing else of the caller's (its channels) is held open by ipcs */
	syscall(SYS_close_range, 3u, ~0u, 0u);
	execvpe(argv[0], argv, env);
	_exit(IPCS_EXEC_FAILED);
}

/* Reads the child's stdout until EOF or the deadline. 0 at EOF, -1 (errno). */
static int read_output(int fd, int64_t deadline, struct ipcs_scan *scan)
{
	char chunk[4096];

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, remaining_ms(deadline));
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		ssize_t got = read(fd, chunk, sizeof(chunk));
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1)
			return -1;
		if (got == 0) {
			if (scan->len)
				scan_line(scan); /* a last line without '\n' */
			return 0;
		}
		scan_bytes(scan, chunk, (size_t)got);
	}
}

static int run_ipcs(struct ipcs_scan *scan)
{
	int fds[2];
	int64_t deadline = sl_now_ms() + IPCS_TIMEOUT_MS;
	char **env = c_locale_env();

	if (!env)
		return -1;
	if (pipe2(fds, O_CLOEXEC) == -1) {
		free(env);
		return -1;
	}
	pid_t pid = sl_child_fork(0);
	if (pid == -1) {
		int saved = errno;
		close(fds[0]);
		close(fds[1]);
		free(env);
		errno = saved;
		return -1;
	}
	if (pid == 0)
		child_exec(fds[1], env); /* does not return */
	free(env);
	close(fds[1]);
	int r = read_output(fds[0], deadline, scan);
	int saved = errno;
	close(fds[0]);
	if (r == -1) {
		errno = saved;
		sl_child_abandon(pid);
		return -1;
	}
	int status = 0;
	if (sl_child_wait_until(pid, deadline, &status) == -1)
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	errno = (WIFEXITED(status) && WEXITSTATUS(status) == IPCS_EXEC_FAILED) ? ENOENT : EIO;
	return -1;
}

/* ipcs_run is set only once ipcs ran to its end with status 0: then
 * ipcs_present and the columns mean something. */
int observe_segment_ipcs(int shmid, struct sl_segment_obs *out)
{
	struct ipcs_scan scan;

	if (!out) {
		errno = EINVAL;
		return -1;
	}
	out->ipcs_run = 0;
	out->ipcs_present = 0;
	out->ipcs_key = 0;
	out->ipcs_nattch = 0;
	out->ipcs_dest = 0;
	memset(&scan, 0, sizeof(scan));
	scan.shmid = shmid;
	if (run_ipcs(&scan) == -1)
		return -1;
	out->ipcs_run = 1;
	out->ipcs_present = scan.found;
	if (scan.found) {
		out->ipcs_key = scan.key;
		out->ipcs_nattch = scan.nattch;
		out->ipcs_dest = scan.dest;
	}
	return 0;
}
