/* conductor_find.c - `find comm=NAME -> d`: naming a process that shmlife
 * did not start, such as the daemon a user's program leaves behind after a
 * double fork; and `find segment key=K cpid=P -> seg`: naming a segment a
 * program made, by what it is rather than by the kernel's index.  The conductor is PID 1 of the scenario's PID namespace with a
 * /proc of its own, so every process of the scenario is in its /proc, and an
 * orphaned daemon is its child.  The process found becomes an actor without a
 * channel: it can be observed, waited for and signalled, never driven. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conductor.h"
#include "shmlife/observe.h"
#include "proc_stat.h"
#include "util.h"

#define FIND_MAX 8 /* matches named in a failure */

static int is_running_actor(const struct conductor *c, pid_t pid)
{
	for (int i = 0; i < c->s->nactors; i++)
		if (c->actors[i].state == ACTOR_RUNNING && c->actors[i].pid == pid)
			return 1;
	return 0;
}

/* 1 if /proc/PID/stat says the process is alive (not a zombie) with this
 * comm; its parent and start time (clock ticks since boot) too. */
static int has_comm(pid_t pid, const char *comm, pid_t *ppid, unsigned long long *start)
{
	struct sl_proc_stat st;
	if (sl_proc_stat_read(pid, &st) < 0)
		return 0;
	*ppid = st.ppid;
	*start = st.starttime;
	return !sl_proc_stat_ended(st.state) && (strcmp(comm, "*") == 0 || strcmp(st.comm, comm) == 0);
}

/* The pid a pid file names (its first line), or -1. */
static pid_t pid_in_file(const char *path)
{
	char buf[64], full[4096];
	const char *tmp = getenv("SHMLIFE_TMP");
	if (path[0] != '/' && tmp && snprintf(full, sizeof(full), "%s/%s", tmp, path) < (int)sizeof(full))
		path = full;
	if (sl_read_text(path, buf, sizeof(buf)) < 0)
		return -1;
	char *end;
	long pid = strtol(buf, &end, 10);
	return end != buf && (*end == '\n' || *end == '\0' || *end == ' ') && pid > 0 ? (pid_t)pid : -1;
}

/* /proc/PID/cmdline, all of it (a command line may be as long as the
 * kernel allows: a regex is never judged on its beginning), its NULs as
 * spaces and no trailing one; NULL if it cannot be read or is empty. */
static char *read_cmdline(pid_t pid)
{
	char path[64];
	size_t n;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	char *cmd = sl_read_file(path, (size_t)1 << 30, &n);
	if (cmd && n == 0) {
		free(cmd);
		return NULL;
	}
	for (size_t i = 0; cmd && i < n; i++)
		if (cmd[i] == '\0')
			cmd[i] = ' ';
	while (cmd && n > 0 && cmd[n - 1] == ' ')
		cmd[--n] = '\0';
	return cmd;
}

/* 1 if the process passes the filters besides its name. */
static int passes(const struct conductor *c, pid_t pid, pid_t ppid, const struct sl_find_filter *f, pid_t pidfile)
{
	if (!f)
		return 1;
	if (f->ppid.kind != SL_VAL_NONE && ppid != (pid_t)conductor_value(c, &f->ppid))
		return 0;
	if (f->pidfile && pid != pidfile)
		return 0;
	if (f->exe) {
		char path[64], exe[4096];
		snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
		ssize_t n = readlink(path, exe, sizeof(exe) - 1);
		if (n < 0)
			return 0;
		exe[n] = '\0';
		if (strcmp(exe, f->exe) != 0)
			return 0;
	}
	if (f->args) {
		char *cmd = read_cmdline(pid);
		int match = cmd && sl_regex_match(f->args, cmd) == 1;
		free(cmd);
		if (!match)
			return 0;
	}
	return 1;
}

/* The candidates now: their number (all of them), the first FIND_MAX in
 * pids; with pick=oldest or newest, the one it picks, alone. */
static int scan(const struct conductor *c, const char *comm, const struct sl_find_filter *f, pid_t *pids)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -1;
	int n = 0;
	pid_t pidfile = f && f->pidfile ? pid_in_file(f->pidfile) : -1; /* relative: in the scratch folder */
	pid_t picked = 0;
	unsigned long long picked_start = 0;
	const struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (end == de->d_name || *end || pid <= 1 || pid == getpid() || is_running_actor(c, (pid_t)pid))
			continue;
		pid_t ppid;
		unsigned long long start;
		if (!has_comm((pid_t)pid, comm, &ppid, &start) || !passes(c, (pid_t)pid, ppid, f, pidfile))
			continue;
		if (n < FIND_MAX)
			pids[n] = (pid_t)pid;
		n++;
		/* start times are clock ticks (10 ms): within one tick the pid decides,
		 * pids being handed out in order in the scenario's fresh PID namespace */
		int older = start < picked_start || (start == picked_start && (pid_t)pid < picked);
		if (!picked || (f && f->pick == SL_FIND_OLDEST && older) || (f && f->pick == SL_FIND_NEWEST && !older)) {
			picked = (pid_t)pid;
			picked_start = start;
		}
	}
	closedir(d);
	if (n > 1 && f && f->pick != SL_FIND_ONE) {
		pids[0] = picked;
		return 1;
	}
	return n;
}

static void say_why(int n, const pid_t *pids, const char *comm, int timeout_ms, char *why, size_t len)
{
	if (n < 0) {
		snprintf(why, len, "cannot read /proc: %s", strerror(errno));
		return;
	}
	if (n == 0) {
		snprintf(why, len, "no live process named '%s' (other than the actors) within %d ms", comm,
			 timeout_ms);
		return;
	}
	snprintf(why, len, "%d live processes are named '%s' after %d ms, pids", n, comm, timeout_ms);
	for (int i = 0; i < n && i < FIND_MAX; i++)
		sl_appendf(why, len, " %d", (int)pids[i]);
	sl_appendf(why, len, "%s; find names one", n > FIND_MAX ? " ..." : "");
}

pid_t conductor_find(struct conductor *c, int idx, const char *comm, const struct sl_find_filter *f, char *why,
		     size_t len)
{
	pid_t pids[FIND_MAX];
	int64_t deadline = sl_now_ms() + c->step_timeout_ms;
	int n;
	/* A daemon that is still forking has two processes of its name for a
	 * moment, and one that is starting none yet: look again, bounded. */
	while ((n = scan(c, comm, f, pids)) != 1 && n >= 0 && sl_now_ms() < deadline)
		conductor_poll(c, NULL, 0, 5);
	if (n != 1) {
		say_why(n, pids, comm, c->step_timeout_ms, why, len);
		return -1;
	}
	if (conductor_adopt_actor(c, idx, pids[0], -1, 0) < 0) {
		snprintf(why, len, "cannot follow process %d: %s", (int)pids[0], strerror(errno));
		return -1;
	}
	return pids[0];
}

/* ---- find segment ------------------------------------------------------------ */

/* Segments of the namespace matching; their ids in ids (up to FIND_MAX). */
static int scan_segments(int by_key, int32_t key, pid_t cpid, int *ids)
{
	FILE *f = fopen("/proc/sysvipc/shm", "re");
	if (!f)
		return -1;
	char line[512];
	int n = 0;
	if (!fgets(line, sizeof(line), f)) { /* the header */
		fclose(f);
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		struct sl_segment_view v;
		if (sl_parse_sysvipc_shm_line(line, &v) < 0)
			continue;
		if ((by_key && v.key != key) || (cpid > 0 && v.cpid != cpid))
			continue;
		if (n < FIND_MAX)
			ids[n] = v.shmid;
		n++;
	}
	fclose(f);
	return n;
}

int conductor_find_segment(struct conductor *c, int by_key, int32_t key, pid_t cpid, char *why, size_t len)
{
	int ids[FIND_MAX];
	int64_t deadline = sl_now_ms() + c->step_timeout_ms;
	int n;
	while ((n = scan_segments(by_key, key, cpid, ids)) != 1 && n >= 0 && sl_now_ms() < deadline)
		conductor_poll(c, NULL, 0, 5);
	if (n == 1)
		return ids[0];
	char what[64] = "any key";
	if (by_key)
		snprintf(what, sizeof(what), "key 0x%08x", (unsigned)key);
	if (cpid > 0)
		sl_appendf(what, sizeof(what), "%screator pid %d", by_key ? " and " : "", (int)cpid);
	if (n < 0)
		snprintf(why, len, "cannot read /proc/sysvipc/shm: %s", strerror(errno));
	else if (n == 0)
		snprintf(why, len, "no segment with %s within %d ms", what, c->step_timeout_ms);
	else {
		snprintf(why, len, "%d segments with %s: shmid", n, what);
		for (int i = 0; i < n && i < FIND_MAX; i++)
			sl_appendf(why, len, " %d", ids[i]);
		sl_appendf(why, len, "%s; find names one", n > FIND_MAX ? " ..." : "");
	}
	return -1;
}
