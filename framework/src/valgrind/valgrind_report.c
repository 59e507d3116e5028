/* valgrind_report.c - what memcheck found (valgrind.h), from its XML files
 * (each read by valgrind_xml.c): one vg.<pid>.xml per process of a scenario, each
 * process named (conductor, actor, program an actor ran), its errors and
 * definitely lost blocks turned into trace events and into the scenario's
 * verdict; the per-scenario directories; summary.txt for the whole run.
 *
 * A file that does not end with </valgrindoutput> belongs to a process that
 * was killed (SIGKILL cannot be caught, so memcheck could not finish it): it
 * is read up to the cut, its errors up to the kill still count, and it
 * is reported as truncated, neither clean nor a parse error.  Unless the
 * directory cannot be written (a full disk, a quota): then a file without
 * its end may have been cut by the disk, and the scenario is BROK, never
 * PASS (what memcheck had to say is unknown).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>


#include "shmlife/valgrind.h"
#include "util.h"
#include "valgrind_xml.h"

#define PREFIX "memcheck: "

/* ---- naming the processes ---------------------------------------------------------- */

/* The actor the conductor started k-th, if pid is 2 + k: a fresh PID
 * namespace hands out pids in order, and the conductor (pid 1) forks the
 * actors that are not born of a fork step first, in their order, before
 * anything else.  For actors that never answered a step. */
static int started_actor(const struct sl_scenario *s, int pid)
{
	for (int a = 0, k = 2; s && a < s->nactors; a++)
		if (!s->actors[a].spawned && k++ == pid)
			return a;
	return -1;
}

/* 1 if the observer ran `ipcs` during the scenario: it forks from the
 * conductor and execs ipcs, which memcheck does not trace, leaving a file
 * that is only a preamble. */
static int observer_ran_ipcs(const struct sl_result *r)
{
	struct sl_trace_entry e;
	for (int i = 0; r && i < r->ntrace; i++)
		if (sl_result_entry(r, i, &e)->obs_kind == SL_OBS_SEGMENT && e.obs.seg.ipcs_run)
			return 1;
	return 0;
}

/* The actor a pid was, from the trace: the pid that answered its steps, or
 * the child a fork step made; else the order actors are started in. */
static int actor_of_pid(const struct sl_scenario *s, const struct sl_result *r, int pid)
{
	for (int i = 0; s && r && i < r->ntrace; i++) {
		struct sl_trace_entry e_copy;
		const struct sl_trace_entry *e = sl_result_entry(r, i, &e_copy);
		if (e->kind != SL_ENTRY_STEP || e->actor < 0 || e->actor >= s->nactors)
			continue;
		if (e->pid == pid)
			return e->actor;
		const struct sl_step *st = e->step >= 0 && e->step < s->nsteps ? &s->steps[e->step] : NULL;
		if (st && st->op == SL_OP_FORK && e->ret == pid && st->new_actor >= 0 && st->new_actor < s->nactors)
			return st->new_actor;
	}
	return started_actor(s, pid);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static void name_processes(struct sl_vg_report *rep, const struct sl_scenario *s, const struct sl_result *r)
{
	const char *harness = "";
	int ipcs = observer_ran_ipcs(r);
	for (int i = 0; i < rep->n; i++)
		if (rep->procs[i].pid == 1)
			harness = rep->procs[i].exe;
	for (int i = 0; i < rep->n; i++) {
		struct sl_vg_process *p = &rep->procs[i];
		int actor = actor_of_pid(s, r, p->pid), parent = actor_of_pid(s, r, p->ppid);
		p->observer = ipcs && actor < 0 && p->ppid == 1 && p->truncated && strcmp(p->exe, harness) == 0;
		if (p->pid == 1)
			snprintf(p->role, sizeof(p->role), "conductor");
		else if (p->observer)
			snprintf(p->role, sizeof(p->role), "the observer's ipcs");
		else if (actor >= 0)
			snprintf(p->role, sizeof(p->role), "actor %s", s->actors[actor].name);
		else if (p->exe[0] && strcmp(p->exe, harness) != 0)
			sl_setf(p->role, sizeof(p->role), "program %s%s%s", base_name(p->exe),
				parent >= 0 ? " run by actor " : "", parent >= 0 ? s->actors[parent].name : "");
		else if (parent >= 0)
			snprintf(p->role, sizeof(p->role), "a child of actor %s", s->actors[parent].name);
		else
			snprintf(p->role, sizeof(p->role), "process");
	}
}

static int by_pid(const void *a, const void *b)
{
	const struct sl_vg_process *x = a, *y = b;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

int sl_vg_read_dir(const char *dir, const struct sl_scenario *s, const struct sl_result *r,
		   struct sl_vg_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (strncmp(de->d_name, "vg.", 3) != 0 || len < 8 || strcmp(de->d_name + len - 4, ".xml") != 0)
			continue;
		if (rep->n == cap) {
			int ncap = cap ? cap * 2 : 8;
			struct sl_vg_process *np = realloc(rep->procs, (size_t)ncap * sizeof(*np));
			if (!np) {
				closedir(d);
				sl_vg_report_free(rep);
				errno = ENOMEM;
				return -1;
			}
			rep->procs = np;
			cap = ncap;
		}
		vg_read_process(dir, de->d_name, &rep->procs[rep->n++]);
	}
	closedir(d);
	if (rep->n)
		qsort(rep->procs, (size_t)rep->n, sizeof(rep->procs[0]), by_pid);
	name_processes(rep, s, r);
	return 0;
}

void sl_vg_report_free(struct sl_vg_report *rep)
{
	free(rep->procs);
	rep->procs = NULL;
	rep->n = 0;
}

/* ---- findings into the result ------------------------------------------------------------ */

static void finding_text(const struct sl_vg_finding *f, char *buf, size_t len)
{
	if (f->leaked_bytes || strcmp(f->kind, "Leak_DefinitelyLost") == 0)
		snprintf(buf, len, "%s %llu bytes in %llu blocks at %s", f->kind, (unsigned long long)f->leaked_bytes,
			 (unsigned long long)f->leaked_blocks, f->where);
	else
		snprintf(buf, len, "%s at %s", f->kind, f->where);
}

/* An event of memcheck's: its record (what reports count and link: role,
 * pid, the summary's counts) and its words. */
static void add_record(struct sl_result *r, uint64_t t_ns, enum sl_outcome verdict, const struct sl_memcheck_obs *m,
		       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void add_record(struct sl_result *r, uint64_t t_ns, enum sl_outcome verdict, const struct sl_memcheck_obs *m,
		       const char *fmt, ...)
{
	struct sl_trace_entry e;
	memset(&e, 0, sizeof(e));
	e.kind = SL_ENTRY_EVENT;
	e.step = e.actor = -1;
	e.brief.slot = -1;
	e.verdict = verdict;
	e.t_ns = t_ns;
	e.obs_kind = SL_OBS_MEMCHECK;
	e.obs.memcheck = *m;
	int n = snprintf(e.detail, sizeof(e.detail), PREFIX);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e.detail + n, sizeof(e.detail) - (size_t)n, fmt, ap);
	va_end(ap);
	sl_result_append(r, &e);
}

/* An event about the files as a whole. */
static const struct sl_memcheck_obs files_role = { .role = SL_MEMCHECK_FILES };

struct tally { int errors, leaks, truncated, unreadable, clean; char reason[512]; };

static void process_events(struct sl_result *r, uint64_t t, const struct sl_vg_process *p, struct tally *tl)
{
	const struct sl_memcheck_obs who = { .role = SL_MEMCHECK_PROCESS, .pid = p->pid };
	char what[256];
	if (p->unreadable && !p->truncated) {
		tl->unreadable++;
		add_record(r, t, SL_FAIL, &who, "%s pid %d: %s is not memcheck's XML", p->role, p->pid, p->file);
		sl_appendf(tl->reason, sizeof(tl->reason), "%s%s pid %d: %s unreadable", tl->reason[0] ? "; " : "",
			   p->role, p->pid, p->file);
		return;
	}
	for (int k = 0; k < p->nfindings; k++) {
		finding_text(&p->findings[k], what, sizeof(what));
		add_record(r, t, SL_FAIL, &who, "%s pid %d: %s", p->role, p->pid, what);
		if (k == 0)
			sl_appendf(tl->reason, sizeof(tl->reason), "%s%s pid %d: %s", tl->reason[0] ? "; " : "",
				   p->role, p->pid, what);
		else
			sl_appendf(tl->reason, sizeof(tl->reason), "; %s", what);
	}
	if (p->nerrors + p->nleaks > p->nfindings)
		add_record(r, t, SL_FAIL, &who, "%s pid %d: and %d more", p->role, p->pid,
			  p->nerrors + p->nleaks - p->nfindings);
	tl->errors += p->nerrors;
	tl->leaks += p->nleaks;
	if (p->observer) {
		add_record(r, t, SL_PASS, &who, "%s pid %d: not checked (a program of the harness, not of the scenario)",
			  p->role, p->pid);
	} else if (p->truncated) {
		tl->truncated++;
		add_record(r, t, SL_SKIP, &who, "%s pid %d: XML truncated (process killed): %s", p->role, p->pid,
			  p->unreadable ? "memcheck had written nothing yet"
					: "its leaks could not be checked; its errors until the kill are listed");
	} else if (!p->nerrors && !p->nleaks) {
		tl->clean++;
		add_record(r, t, SL_PASS, &who, "%s pid %d: clean", p->role, p->pid);
	}
}

/* Takes the END entry off the trace, to put it back after the findings. */
static int take_end(struct sl_result *r, struct sl_trace_entry *end)
{
	if (r->ntrace == 0 || sl_result_entry(r, r->ntrace - 1, end)->kind != SL_ENTRY_END)
		return 0;
	sl_result_drop_last(r);
	return 1;
}

/* The verdict o with its reason, if the scenario had passed (a failure
 * keeps its own reason) or if `overrule` (the run was not what the script
 * meant: a FAIL or TIMEOUT of it says nothing). */
static void settle_as(struct sl_result *r, struct sl_trace_entry *end, int has_end, enum sl_outcome o, int overrule,
		      const char *fmt, const char *what)
{
	if (r->outcome == SL_PASS || (overrule && r->outcome != SL_BROK && r->outcome != SL_SKIP)) {
		r->outcome = o;
		r->failed_step = -1;
		sl_setf(r->reason, sizeof(r->reason), fmt, what);
		if (has_end) {
			end->verdict = o;
			end->step = -1;
			snprintf(end->detail, sizeof(end->detail), "%.*s", (int)sizeof(end->detail) - 1, r->reason);
		}
	}
}

static void settle(struct sl_result *r, struct sl_trace_entry *end, int has_end, enum sl_outcome o,
		   const char *fmt, const char *what)
{
	settle_as(r, end, has_end, o, 0, fmt, what);
}

/* 1 if valgrind could not create a process's XML file, which it says on
 * the process's stderr (captured for a program's step) or in
 * valgrind.log: a process that switched to a uid that cannot write there
 * (an exec keeps the pid, so the file of the program before it, owned by
 * its uid, is in the way).  Valgrind then ends the process with status 1
 * before it runs.  The line into why. */
#define NOT_CREATED "valgrind: Cannot create XML file"
static int line_of(const char *text, size_t n, char *why, size_t len)
{
	const char *at = memmem(text, n, NOT_CREATED, strlen(NOT_CREATED));
	if (!at)
		return 0;
	size_t rest = n - (size_t)(at - text), end = 0;
	while (end < rest && at[end] != '\n')
		end++;
	snprintf(why, len, "%.*s", (int)(end - strlen("valgrind: ")), at + strlen("valgrind: "));
	return 1;
}

static int xml_not_created(const char *dir, const struct sl_result *r, char *why, size_t len)
{
	for (int i = 0; i < r->noutputs; i++)
		if (r->outputs[i].stream == 2 && r->outputs[i].data &&
		    line_of(r->outputs[i].data, r->outputs[i].len, why, len))
			return 1;
	char path[4096], log[8192];
	if (snprintf(path, sizeof(path), "%s/valgrind.log", dir) >= (int)sizeof(path))
		return 0;
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	int found = 0;
	while (!found && fgets(log, sizeof(log), f))
		found = line_of(log, strlen(log), why, len);
	fclose(f);
	return found;
}

/* 1 if files in dir cannot be written now: no space, no inode (statvfs),
 * or a probe write of one block fails with ENOSPC or EDQUOT (a quota).
 * Then a file memcheck left without its end may have been cut by the disk,
 * not by a kill: what it said is unknown.  The reason into why. */
static int cannot_write_in(const char *dir, char *why, size_t len)
{
	struct statvfs v;
	if (statvfs(dir, &v) == 0 && (v.f_bavail == 0 || (v.f_files && v.f_favail == 0))) {
		snprintf(why, len, "its file system has no %s left", v.f_bavail == 0 ? "space" : "inodes");
		return 1;
	}
	int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600), full = 0;
	if (fd < 0) {
		full = errno == ENOSPC || errno == EDQUOT;
	} else {
		static const char block[4096];
		ssize_t w = write(fd, block, sizeof(block));
		full = w < 0 ? errno == ENOSPC || errno == EDQUOT : (size_t)w < sizeof(block);
		if (!full && fsync(fd) < 0)
			full = errno == ENOSPC || errno == EDQUOT;
		close(fd);
	}
	if (full)
		snprintf(why, len, "a write there fails: %s", strerror(errno ? errno : ENOSPC));
	return full;
}

void sl_vg_apply(const char *dir, const struct sl_scenario *s, struct sl_result *r)
{
	struct sl_vg_report rep;
	struct sl_trace_entry end;
	struct tally t;
	if (r->outcome == SL_SKIP)
		return; /* nothing ran */
	memset(&t, 0, sizeof(t));
	memset(&end, 0, sizeof(end));
	int has_end = take_end(r, &end);
	uint64_t at = has_end ? end.t_ns : 0;
	if (sl_vg_read_dir(dir, s, r, &rep) < 0) {
		add_record(r, at, SL_BROK, &files_role, "cannot read %s: %s", dir, strerror(errno));
		settle(r, &end, has_end, SL_BROK, "memcheck: cannot read its XML files in %s", dir);
	} else {
		for (int i = 0; i < rep.n; i++)
			process_events(r, at, &rep.procs[i], &t);
		int dirty = t.errors || t.leaks || t.unreadable;
		struct sl_memcheck_obs sum = { .role = SL_MEMCHECK_SUMMARY, .processes = rep.n, .errors = t.errors,
					       .leaks = t.leaks, .truncated = t.truncated };
		if (strlen(dir) < sizeof(sum.dir))
			memcpy(sum.dir, dir, strlen(dir) + 1);
		add_record(r, at, dirty ? SL_FAIL : SL_PASS, &sum,
			  "%d process%s checked: %d error%s, %d definite leak%s, %d truncated; XML files in %s", rep.n,
			  rep.n == 1 ? "" : "es", t.errors, t.errors == 1 ? "" : "s", t.leaks, t.leaks == 1 ? "" : "s",
			  t.truncated, dir);
		char full[160];
		if (t.truncated && cannot_write_in(dir, full, sizeof(full))) {
			/* a cut file is a kill's only if the disk could take it */
			add_record(r, at, SL_BROK, &files_role, "%d XML file%s without an end, and %s: %s", t.truncated,
				  t.truncated == 1 ? "" : "s", dir, full);
			settle(r, &end, has_end, SL_BROK, "memcheck: its XML files could not be written whole (%s)",
			       full);
		}
		char uncreated[400];
		if (xml_not_created(dir, r, uncreated, sizeof(uncreated))) {
			add_record(r, at, SL_BROK, &files_role, "a process could not be run under memcheck: %s", uncreated);
			settle_as(r, &end, has_end, SL_BROK, 1,
				  "memcheck: a process could not be run under it (valgrind ended it with status 1): %s",
				  uncreated);
		}
		if (dirty)
			settle(r, &end, has_end, SL_FAIL, "memcheck: %s", t.reason);
		else if (rep.n == 0)
			settle(r, &end, has_end, SL_BROK, "memcheck wrote no XML file in %s", dir);
		sl_vg_report_free(&rep);
	}
	if (has_end)
		sl_result_append(r, &end);
}

/* ---- directories ---------------------------------------------------------------------------- */

int sl_vg_scenario_dir(const char *base, const char *scenario_name, char *out, size_t len)
{
	char safe[128];
	size_t n = 0;
	for (const char *p = scenario_name ? scenario_name : ""; *p && n + 1 < sizeof(safe); p++) {
		int keep = isalnum((unsigned char)*p) || *p == '-' || *p == '_' || (*p == '.' && n > 0);
		safe[n++] = keep ? *p : '_';
	}
	safe[n] = '\0';
	if (!n)
		snprintf(safe, sizeof(safe), "scenario");
	if (mkdir(base, 0755) < 0 && errno != EEXIST)
		return -1;
	for (int k = 1; k < 10000; k++) {
		int w = k == 1 ? snprintf(out, len, "%s/%s", base, safe) : snprintf(out, len, "%s/%s.%d", base, safe, k);
		if (w < 0 || (size_t)w >= len) {
			errno = ENAMETOOLONG;
			return -1;
		}
		if (mkdir(out, 0755) == 0)
			return 0;
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

static int is_ours(const char *name)
{
	return strncmp(name, "vg.", 3) == 0 || strcmp(name, "valgrind.log") == 0;
}

static void clear_subdir(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		char *file = NULL;
		if (is_ours(de->d_name) && asprintf(&file, "%s/%s", path, de->d_name) >= 0)
			unlink(file);
		free(file);
	}
	closedir(d);
	rmdir(path); /* only if nothing else was in it */
}

int sl_vg_clear(const char *base)
{
	DIR *d = opendir(base);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	struct dirent *de;
	while ((de = readdir(d))) {
		char *sub = NULL;
		struct stat st;
		if (de->d_name[0] == '.' || asprintf(&sub, "%s/%s", base, de->d_name) < 0)
			continue;
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			clear_subdir(sub);
		free(sub);
	}
	closedir(d);
	char *summary = NULL;
	if (asprintf(&summary, "%s/summary.txt", base) >= 0)
		unlink(summary);
	free(summary);
	return 0;
}
