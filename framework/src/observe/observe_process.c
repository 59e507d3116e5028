/* observe_process.c - a process from /proc/PID/{stat,status,fd,cwd}
 * (observe_process, sl_parse_proc_stat), observe.h.
 *
 * /proc/PID/stat is the main source.  A process that does not exist is a
 * success with alive = 0 (state 0); a zombie is alive = 0 with state 'Z'.
 * uid/gid are the effective ids (the second column of Uid:/Gid:, as ps
 * shows them).  sig_pending is SigPnd | ShdPnd.  devtty_errno is -1 and the
 * ended/exit fields are 0: the conductor fills those.  When observing the
 * calling process itself, the descriptor used to list /proc/self/fd is not
 * counted.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc_stat.h"
#include "shmlife/observe.h"

/* ---- /proc/PID/stat ----------------------------------------------------------- */

/* "pid (comm) state ppid pgrp session tty_nr tpgid ...", read by the one
 * parser of it (util/proc_stat.c). */
static void from_proc_stat(const struct sl_proc_stat *st, struct sl_process_obs *p)
{
	size_t len = strnlen(st->comm, sizeof(p->comm) - 1); /* a kernel comm has 15 at most */
	memcpy(p->comm, st->comm, len);
	p->comm[len] = '\0';
	p->pid = st->pid;
	p->state = st->state;
	p->ppid = st->ppid;
	p->pgid = st->pgid;
	p->sid = st->sid;
	p->tty_nr = st->tty_nr;
	p->tpgid = st->tpgid;
}

int sl_parse_proc_stat(const char *text, struct sl_process_obs *p)
{
	struct sl_proc_stat st;
	if (!p || sl_proc_stat_parse(text, &st) < 0)
		return -1;
	from_proc_stat(&st, p);
	return 0;
}

/* ---- /proc/PID/status ---------------------------------------------------------- */

static int hex_mask(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 16);
	if (errno || end == s)
		return -1;
	*out = v;
	return 0;
}

/* The second number of "Uid:\treal\teffective\tsaved\tfs". */
static int effective_id(const char *s, unsigned *out)
{
	unsigned long real, eff;
	if (sscanf(s, "%lu %lu", &real, &eff) != 2 || eff > UINT_MAX)
		return -1;
	*out = (unsigned)eff;
	return 0;
}

static void status_line(const char *line, struct sl_process_obs *p)
{
	const char *colon = strchr(line, ':');
	uint64_t mask;

	if (!colon)
		return;
	size_t nlen = (size_t)(colon - line);
	const char *val = colon + 1;
#define IS(name) (nlen == sizeof(name) - 1 && strncmp(line, name, nlen) == 0)
	if (IS("Umask")) {
		char *end;
		long m = strtol(val, &end, 8);
		if (end != val && m >= 0 && m <= 0777)
			p->umask = (int)m;
	} else if (IS("Uid")) {
		effective_id(val, &p->uid);
	} else if (IS("Gid")) {
		effective_id(val, &p->gid);
	} else if (IS("SigIgn") && hex_mask(val, &mask) == 0) {
		p->sig_ignored = mask;
	} else if (IS("SigCgt") && hex_mask(val, &mask) == 0) {
		p->sig_caught = mask;
	} else if ((IS("SigPnd") || IS("ShdPnd")) && hex_mask(val, &mask) == 0) {
		p->sig_pending |= mask;
	}
#undef IS
}

static int read_status(pid_t pid, struct sl_process_obs *p)
{
	char path[64], line[256];
	int overlong = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		int whole = strchr(line, '\n') != NULL;
		int skip = overlong; /* Cpus_allowed and friends can be long */
		overlong = !whole && !feof(f);
		if (!skip)
			status_line(line, p);
	}
	fclose(f);
	return 0;
}

/* ---- /proc/PID/fd and cwd -------------------------------------------------------- */

/* Copies a link target, truncated to fit. */
/* The text of link `name` into dst (empty if it cannot be read), cut to
 * fit; *cut says whether it was. */
static void link_target(int dirfd_, const char *name, char *dst, size_t size, char *cut)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(dirfd_, name, target, sizeof(target) - 1);

	*cut = 0;
	if (n < 0) {
		dst[0] = '\0';
		return;
	}
	size_t keep = (size_t)n < size - 1 ? (size_t)n : size - 1;
	memcpy(dst, target, keep);
	dst[keep] = '\0';
	*cut = keep < (size_t)n;
}

/* Keeps the SL_MAX_FDS lowest descriptors in ascending order. */
static void keep_lowest(struct sl_process_obs *p, int *kept, int fd)
{
	int i = *kept < SL_MAX_FDS ? *kept : SL_MAX_FDS - 1;
	if (*kept == SL_MAX_FDS && fd > p->fds[i].fd)
		return;
	while (i > 0 && p->fds[i - 1].fd > fd) {
		p->fds[i] = p->fds[i - 1];
		i--;
	}
	p->fds[i].fd = fd;
	p->fds[i].target[0] = '\0';
	if (*kept < SL_MAX_FDS)
		(*kept)++;
}

static int read_fds(pid_t pid, struct sl_process_obs *p)
{
	char path[64];
	int kept = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	int own = (pid == getpid()) ? dirfd(d) : -1;
	const struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		char *end;
		errno = 0;
		long fd = strtol(de->d_name, &end, 10);
		if (end == de->d_name || *end != '\0' || errno || fd < 0 || fd > INT_MAX || fd == own)
			continue;
		p->nfds++;
		keep_lowest(p, &kept, (int)fd);
	}
	for (int i = 0; i < kept; i++) {
		char name[16];
		snprintf(name, sizeof(name), "%d", p->fds[i].fd);
		link_target(dirfd(d), name, p->fds[i].target, sizeof(p->fds[i].target), &p->fds[i].target_cut);
	}
	closedir(d);
	return 0;
}

static int is_among(const int *fds, int n, int fd)
{
	for (int i = 0; i < n; i++)
		if (fds[i] == fd)
			return 1;
	return 0;
}

/* Keeps fd (open, `target`, cut or not) in p->fds, in order: in a free place (it was
 * not counted: p->nfds grows), or in that of the highest kept one that is
 * not among asked[0..nasked).  -1 if every kept one was asked about. */
static int keep_one(struct sl_process_obs *p, int fd, const char *target, char cut, const int *asked, int nasked)
{
	int have = p->nfds < SL_MAX_FDS ? p->nfds : SL_MAX_FDS;
	if (have == SL_MAX_FDS) {
		int gone = have - 1;
		while (gone >= 0 && is_among(asked, nasked, p->fds[gone].fd))
			gone--;
		if (gone < 0)
			return -1;
		memmove(&p->fds[gone], &p->fds[gone + 1], (size_t)(have - 1 - gone) * sizeof(p->fds[0]));
		have--;
	} else {
		p->nfds++;
	}
	int at = have;
	while (at > 0 && p->fds[at - 1].fd > fd) {
		p->fds[at] = p->fds[at - 1];
		at--;
	}
	p->fds[at].fd = fd;
	memcpy(p->fds[at].target, target, sizeof(p->fds[at].target));
	p->fds[at].target_cut = cut;
	return 0;
}

int observe_process_keep_fds(pid_t pid, const int *fds, int n, struct sl_process_obs *p)
{
	int open_ones = 0;
	for (int k = 0; k < n; k++) {
		if (is_among(fds, k, fds[k]))
			continue; /* asked twice: done */
		int have = p->nfds < SL_MAX_FDS ? p->nfds : SL_MAX_FDS, kept = 0;
		for (int i = 0; i < have && !kept; i++)
			kept = p->fds[i].fd == fds[k];
		if (kept) {
			open_ones++;
			continue;
		}
		char path[64], target[sizeof(p->fds[0].target)], cut;
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fds[k]);
		link_target(AT_FDCWD, path, target, sizeof(target), &cut);
		if (!target[0])
			continue; /* not open (or gone): nothing to keep */
		if (keep_one(p, fds[k], target, cut, fds, n) < 0) {
			errno = E2BIG;
			return -1;
		}
		open_ones++;
	}
	return open_ones;
}

static void read_cwd(pid_t pid, struct sl_process_obs *p)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)pid);
	link_target(AT_FDCWD, path, p->cwd, sizeof(p->cwd), &p->cwd_cut);
}

/* ---- the whole ----------------------------------------------------------------- */

int observe_process(pid_t pid, struct sl_process_obs *out)
{
	struct sl_proc_stat st;

	if (!out || pid <= 0) {
		errno = EINVAL;
		return -1;
	}
	memset(out, 0, sizeof(*out));
	out->pid = (int)pid;
	out->umask = -1;
	out->devtty_errno = -1;
	if (sl_proc_stat_read(pid, &st) == -1) {
		if (errno == ENOENT || errno == ESRCH)
			return 0; /* gone: alive = 0 */
		return -1;
	}
	from_proc_stat(&st, out);
	out->pid = (int)pid; /* as asked, whatever namespace /proc shows */
	out->alive = !sl_proc_stat_ended(out->state);
	/* the rest may vanish under us if the process ends meanwhile */
	(void)read_status(pid, out);
	(void)read_fds(pid, out);
	read_cwd(pid, out);
	return 0;
}
