/* test_valgrind.c - memcheck (valgrind.h): the XML reader on hand-written
 * files (complete, truncated by a kill, empty, not XML), how findings turn a
 * result into a FAIL that names them, the per-scenario directories, and end
 * to end: `shmlife run --valgrind` on tests/valgrind/leaky.scn, whose actor
 * runs a program with a definite leak and an uninitialised read, FAILs with
 * both named; an actor killed on purpose is reported as truncated.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "shmlife/build.h"
#include "shmlife/run.h"
#include "support/trace_entry.h"
#include "shmlife/valgrind.h"

static char tmpdir[64];

static void make_tmpdir(void)
{
	strcpy(tmpdir, "/tmp/test_valgrind.XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		cr_log_warn("could not remove %s", tmpdir);
}

TestSuite(memcheck, .init = make_tmpdir, .fini = remove_tmpdir);

static char *in_tmp(const char *name)
{
	char *p = NULL;
	cr_assert_neq(asprintf(&p, "%s/%s", tmpdir, name), -1);
	return p;
}

static void write_file(const char *name, const char *text)
{
	char *path = in_tmp(name);
	FILE *f = fopen(path, "we");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
	free(path);
}

/* ---- hand-written memcheck files ------------------------------------------------ */

#define HEAD(pid, ppid, exe)                                                              \
	"<?xml version=\"1.0\"?>\n\n<valgrindoutput>\n<protocolversion>4</protocolversion>\n" \
	"<protocoltool>memcheck</protocoltool>\n<pid>" pid "</pid>\n<ppid>" ppid "</ppid>\n"  \
	"<tool>memcheck</tool>\n<args><vargv><exe>/usr/bin/valgrind.bin</exe></vargv>"        \
	"<argv><exe>" exe "</exe></argv></args>\n<status><state>RUNNING</state></status>\n"

#define MALLOC_FRAME                                                                       \
	"<frame><ip>0x1</ip><obj>/usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so</obj>" \
	"<fn>malloc</fn><dir>/build/valgrind</dir><file>vg_replace_malloc.c</file><line>393</line></frame>"

#define UNINIT                                                                              \
	"<error><unique>0x0</unique><tid>1</tid><kind>UninitCondition</kind>"                  \
	"<what>Conditional jump or move depends on uninitialised value(s)</what>"              \
	"<stack><frame><ip>0x2</ip><obj>/x/leaky</obj><fn>branch_on_garbage</fn>"               \
	"<dir>/x</dir><file>leaky.c</file><line>27</line></frame></stack></error>\n"

#define LEAK                                                                                 \
	"<error><unique>0x1</unique><tid>1</tid><kind>Leak_DefinitelyLost</kind><xwhat>"         \
	"<text>64 bytes in 1 blocks are definitely lost in loss record 1 of 1</text>"            \
	"<leakedbytes>64</leakedbytes><leakedblocks>1</leakedblocks></xwhat><stack>" MALLOC_FRAME \
	"<frame><ip>0x3</ip><obj>/x/leaky</obj><fn>lose_a_block</fn><dir>/x</dir>"                \
	"<file>leaky.c</file><line>14</line></frame></stack></error>\n"

#define TAIL "<status><state>FINISHED</state></status>\n<errorcounts></errorcounts>\n</valgrindoutput>\n\n"

/* A scenario whose actor "owner" answered as pid 2 and exec'd pid 3. */
static struct sl_scenario *owner_scenario(struct sl_result *r)
{
	struct sl_scenario *s = sl_scenario_new("vg");
	int owner = sl_scenario_add_actor(s, "owner");
	const char *argv[] = { "./leaky", NULL };
	sl_add_exec(s, owner, argv);
	sl_result_init(r);
	struct sl_trace_entry e;
	memset(&e, 0, sizeof(e));
	e.kind = SL_ENTRY_STEP;
	e.step = 0;
	e.actor = owner;
	e.pid = 2;
	e.ret = 3;
	e.brief.slot = -1;
	cr_assert_eq(sl_result_append(r, &e), 0);
	memset(&e, 0, sizeof(e));
	e.kind = SL_ENTRY_END;
	e.step = e.actor = -1;
	e.brief.slot = -1;
	cr_assert_eq(sl_result_append(r, &e), 0);
	r->outcome = SL_PASS;
	r->failed_step = -1;
	return s;
}

static const struct sl_vg_process *proc(const struct sl_vg_report *rep, int pid)
{
	for (int i = 0; i < rep->n; i++)
		if (rep->procs[i].pid == pid)
			return &rep->procs[i];
	cr_assert_fail("no process %d among %d", pid, rep->n);
	return NULL;
}

Test(memcheck, reads_processes_names_them_and_keeps_errors_and_definite_leaks)
{
	write_file("vg.1.xml", HEAD("1", "0", "/b/shmlife") TAIL);
	write_file("vg.2.xml", HEAD("2", "1", "/b/shmlife") TAIL);
	write_file("vg.3.xml", HEAD("3", "2", "/b/bin/leaky") UNINIT
			       "<error><unique>0x2</unique><tid>1</tid><kind>Leak_PossiblyLost</kind>"
			       "<xwhat><text>possibly</text><leakedbytes>8</leakedbytes></xwhat></error>" LEAK TAIL);
	write_file("other.xml", "not ours");
	struct sl_result r;
	struct sl_scenario *s = owner_scenario(&r);
	struct sl_vg_report rep;
	cr_assert_eq(sl_vg_read_dir(tmpdir, s, &r, &rep), 0);
	cr_assert_eq(rep.n, 3, "only vg.*.xml files");
	cr_assert_str_eq(proc(&rep, 1)->role, "conductor");
	cr_assert_str_eq(proc(&rep, 2)->role, "actor owner");
	const struct sl_vg_process *p = proc(&rep, 3);
	cr_assert_str_eq(p->role, "program leaky run by actor owner");
	cr_assert_eq(p->ppid, 2);
	cr_assert(!p->truncated && !p->unreadable);
	cr_assert_eq(p->nerrors, 1);
	cr_assert_eq(p->nleaks, 1, "a possible leak is not counted");
	cr_assert_eq(p->nfindings, 2);
	cr_assert_str_eq(p->findings[0].kind, "UninitCondition");
	cr_assert_str_eq(p->findings[0].where, "leaky.c:27 (branch_on_garbage)");
	cr_assert_str_eq(p->findings[1].kind, "Leak_DefinitelyLost");
	cr_assert_eq(p->findings[1].leaked_bytes, 64);
	cr_assert_eq(p->findings[1].leaked_blocks, 1);
	cr_assert_str_eq(p->findings[1].where, "leaky.c:14 (lose_a_block)", "memcheck's malloc is skipped");
	sl_vg_report_free(&rep);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(memcheck, a_killed_process_is_truncated_not_clean_and_not_a_parse_error)
{
	/* killed in the middle of its second error: the first still counts */
	write_file("vg.2.xml", HEAD("2", "1", "/b/shmlife") UNINIT "<error><unique>0x1</unique><tid>1</tid><ki");
	write_file("vg.4.xml", "");                          /* killed before memcheck wrote a byte */
	write_file("vg.5.xml", "garbage</valgrindoutput>\n"); /* complete, yet not XML: a real problem */
	struct sl_result r;
	struct sl_scenario *s = owner_scenario(&r);
	struct sl_vg_report rep;
	cr_assert_eq(sl_vg_read_dir(tmpdir, s, &r, &rep), 0);
	cr_assert_eq(rep.n, 3);
	const struct sl_vg_process *p = proc(&rep, 2);
	cr_assert(p->truncated);
	cr_assert(!p->unreadable, "a truncated file is read as far as it goes");
	cr_assert_eq(p->nerrors, 1);
	cr_assert(proc(&rep, 4)->truncated && proc(&rep, 4)->unreadable);
	cr_assert(!proc(&rep, 5)->truncated && proc(&rep, 5)->unreadable);
	sl_vg_report_free(&rep);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* The reader keeps the place of an error's first stack only (an invalid
 * read's second stack says where the block was allocated), takes a frame
 * without a source line as the place only if no frame has one, and counts
 * an error cut by a kill after its <kind>. */
Test(memcheck, the_first_stack_is_the_place_and_an_error_cut_after_its_kind_counts)
{
	write_file("vg.2.xml", HEAD("2", "1", "/b/shmlife")
		   "<error><unique>0x0</unique><tid>1</tid><kind>InvalidRead</kind>"
		   "<what>Invalid read of size 4</what><stack>"
		   "<frame><ip>0x4</ip><obj>/lib/libc.so.6</obj><fn>memcpy</fn></frame>"
		   "<frame><ip>0x5</ip><obj>/x/leaky</obj><fn>read_past</fn><dir>/x</dir>"
		   "<file>leaky.c</file><line>40</line></frame></stack>"
		   "<auxwhat>Address 0x0 is 0 bytes after a block of size 4 alloc'd</auxwhat><stack>"
		   MALLOC_FRAME "<frame><ip>0x6</ip><obj>/x/leaky</obj><fn>make</fn><dir>/x</dir>"
		   "<file>leaky.c</file><line>9</line></frame></stack></error>\n"
		   "<error><unique>0x1</unique><tid>1</tid><kind>InvalidWrite</kind>"
		   "<what>Invalid write of size 1</what><stack>"
		   "<frame><ip>0x7</ip><obj>/lib/libc.so.6</obj><fn>strcpy</fn></frame>"
		   "</stack></error>\n"
		   "<error><unique>0x2</unique><tid>1</tid><kind>UninitValue</kind><what>Use of unin");
	struct sl_result r;
	struct sl_scenario *s = owner_scenario(&r);
	struct sl_vg_report rep;
	cr_assert_eq(sl_vg_read_dir(tmpdir, s, &r, &rep), 0);
	const struct sl_vg_process *p = proc(&rep, 2);
	cr_assert(p->truncated && !p->unreadable);
	cr_assert_eq(p->nerrors, 3, "the error cut after its kind counts too");
	cr_assert_str_eq(p->findings[0].where, "leaky.c:40 (read_past)", "not the allocation's stack");
	cr_assert_str_eq(p->findings[0].what, "Invalid read of size 4");
	cr_assert_str_eq(p->findings[1].where, "strcpy (/lib/libc.so.6)", "no source line anywhere");
	cr_assert_str_eq(p->findings[2].kind, "UninitValue");
	cr_assert_str_eq(p->findings[2].where, "an unknown place");
	sl_vg_report_free(&rep);
	sl_result_free(&r);
	sl_scenario_free(s);
}

static int count_events(const struct sl_result *r, enum sl_outcome verdict, const char *needle)
{
	int n = 0;
	for (int i = 0; i < r->ntrace; i++)
		n += test_entry(r, i)->kind == SL_ENTRY_EVENT && test_entry(r, i)->verdict == verdict &&
		     strncmp(test_entry(r, i)->detail, "memcheck: ", 10) == 0 && strstr(test_entry(r, i)->detail, needle);
	return n;
}

/* Actors that answered no step are known by the order they were started
 * in; the observer's ipcs child (memcheck does not trace ipcs, so its file
 * stays a preamble) is not taken for a killed process. */
Test(memcheck, silent_actors_and_the_observers_ipcs_are_named)
{
	struct sl_scenario *s = sl_scenario_new("names");
	sl_scenario_add_actor(s, "shell");
	sl_scenario_add_actor(s, "job");
	struct sl_result r;
	sl_result_init(&r);
	struct sl_trace_entry e;
	memset(&e, 0, sizeof(e));
	e.kind = SL_ENTRY_STEP;
	e.step = -1;
	e.actor = SL_CONDUCTOR;
	e.obs_kind = SL_OBS_SEGMENT;
	e.obs.seg.ipcs_run = 1;
	cr_assert_eq(sl_result_append(&r, &e), 0);
	r.outcome = SL_PASS;
	write_file("vg.1.xml", HEAD("1", "0", "/b/shmlife") TAIL);
	write_file("vg.2.xml", HEAD("2", "1", "/b/shmlife") TAIL);
	write_file("vg.3.xml", HEAD("3", "2", "/b/shmlife") TAIL);
	write_file("vg.4.xml", HEAD("4", "1", "/b/shmlife"));
	sl_vg_apply(tmpdir, s, &r);
	cr_assert_eq(r.outcome, SL_PASS, "%s", r.reason);
	cr_assert_eq(count_events(&r, SL_PASS, "actor shell pid 2: clean"), 1);
	cr_assert_eq(count_events(&r, SL_PASS, "actor job pid 3: clean"), 1);
	cr_assert_eq(count_events(&r, SL_PASS, "the observer's ipcs pid 4: not checked"), 1);
	cr_assert_eq(count_events(&r, SL_PASS, "4 processes checked: 0 errors, 0 definite leaks, 0 truncated"), 1);
	sl_result_free(&r);

	sl_result_init(&r); /* no ipcs ran: the same file is a killed process */
	r.outcome = SL_PASS;
	sl_vg_apply(tmpdir, s, &r);
	cr_assert_eq(count_events(&r, SL_SKIP, "process pid 4: XML truncated (process killed)"), 1);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(memcheck, findings_make_a_passing_scenario_fail_and_name_both_errors)
{
	write_file("vg.1.xml", HEAD("1", "0", "/b/shmlife") TAIL);
	write_file("vg.3.xml", HEAD("3", "2", "/b/bin/leaky") UNINIT LEAK TAIL);
	write_file("vg.6.xml", HEAD("6", "1", "/b/shmlife") "<status><state>RUNNING</state></status>\n");
	struct sl_result r;
	struct sl_scenario *s = owner_scenario(&r);
	sl_vg_apply(tmpdir, s, &r);
	cr_assert_eq(r.outcome, SL_FAIL);
	cr_assert_not_null(strstr(r.reason, "program leaky run by actor owner pid 3: UninitCondition at leaky.c:27"),
			   "%s", r.reason);
	cr_assert_not_null(strstr(r.reason, "Leak_DefinitelyLost 64 bytes in 1 blocks at leaky.c:14"), "%s",
			   r.reason);
	cr_assert_eq(test_entry(&r, r.ntrace - 1)->kind, SL_ENTRY_END, "the verdict stays last");
	cr_assert_eq(test_entry(&r, r.ntrace - 1)->verdict, SL_FAIL);
	cr_assert_eq(count_events(&r, SL_FAIL, "UninitCondition"), 1);
	cr_assert_eq(count_events(&r, SL_FAIL, "Leak_DefinitelyLost"), 1);
	cr_assert_eq(count_events(&r, SL_PASS, "conductor pid 1: clean"), 1);
	cr_assert_eq(count_events(&r, SL_SKIP, "pid 6: XML truncated (process killed)"), 1);
	cr_assert_eq(count_events(&r, SL_FAIL, "3 processes checked: 1 error, 1 definite leak, 1 truncated"), 1);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* Each memcheck event is a record (SL_OBS_MEMCHECK) as well as words: the
 * reports count and link by its fields, never by reading the text again
 * (the HTML page looked for " checked: " and "XML files in "). */
Test(memcheck, each_event_is_a_record_with_its_role_pid_and_counts)
{
	write_file("vg.1.xml", HEAD("1", "0", "/b/shmlife") TAIL);
	write_file("vg.3.xml", HEAD("3", "2", "/b/bin/leaky") UNINIT LEAK TAIL);
	struct sl_result r;
	struct sl_scenario *s = owner_scenario(&r);
	sl_vg_apply(tmpdir, s, &r);
	int summaries = 0, of_pid_3 = 0, of_pid_1 = 0;
	for (int i = 0; i < r.ntrace; i++) {
		const struct sl_trace_entry *e = test_entry(&r, i);
		if (e->kind != SL_ENTRY_EVENT || strncmp(e->detail, "memcheck: ", 10) != 0)
			continue;
		cr_assert_eq(e->obs_kind, SL_OBS_MEMCHECK, "no record for '%s'", e->detail);
		const struct sl_memcheck_obs *m = &e->obs.memcheck;
		if (m->role == SL_MEMCHECK_SUMMARY) {
			summaries++;
			cr_assert_eq(m->processes, 2);
			cr_assert_eq(m->errors, 1);
			cr_assert_eq(m->leaks, 1);
			cr_assert_eq(m->truncated, 0);
			cr_assert_str_eq(m->dir, tmpdir);
		} else {
			cr_assert_eq(m->role, SL_MEMCHECK_PROCESS, "'%s'", e->detail);
			of_pid_1 += m->pid == 1;
			of_pid_3 += m->pid == 3;
		}
	}
	cr_assert_eq(summaries, 1);
	cr_assert_eq(of_pid_1, 1, "the conductor's clean file");
	cr_assert_eq(of_pid_3, 2, "the program's two findings");
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(memcheck, a_clean_run_stays_passed_and_a_failure_keeps_its_own_reason)
{
	write_file("vg.1.xml", HEAD("1", "0", "/b/shmlife") TAIL);
	struct sl_result r;
	struct sl_scenario *s = owner_scenario(&r);
	sl_vg_apply(tmpdir, s, &r);
	cr_assert_eq(r.outcome, SL_PASS, "%s", r.reason);
	cr_assert_eq(count_events(&r, SL_PASS, "1 process checked: 0 errors"), 1);
	sl_result_free(&r);
	sl_scenario_free(s);

	write_file("vg.2.xml", HEAD("2", "1", "/b/shmlife") LEAK TAIL);
	s = owner_scenario(&r);
	r.outcome = SL_FAIL;
	snprintf(r.reason, sizeof(r.reason), "line 3: the kernel's fault");
	sl_vg_apply(tmpdir, s, &r);
	cr_assert_eq(r.outcome, SL_FAIL);
	cr_assert_str_eq(r.reason, "line 3: the kernel's fault", "the first failure is the reason");
	cr_assert_eq(count_events(&r, SL_FAIL, "actor owner pid 2: Leak_DefinitelyLost"), 1, "still listed");
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* A process that switched to a uid that cannot write its XML file is ended
 * by valgrind with status 1 before it runs ("valgrind: Cannot create XML
 * file ..." on its stderr): the step's FAIL says nothing of the program, the
 * scenario is BROK with valgrind's words (it was FAIL, "expected exit status
 * 0; kernel said exited 1": runuser -u postgres -- initdb). */
Test(memcheck, a_process_memcheck_could_not_run_is_broken_not_failed)
{
	write_file("vg.1.xml", HEAD("1", "0", "/b/shmlife") TAIL);
	struct sl_result r;
	struct sl_scenario *s = owner_scenario(&r);
	r.outcome = SL_FAIL;
	r.failed_step = 0;
	snprintf(r.reason, sizeof(r.reason), "line 1: owner exec ./leaky: expected exit status 0; kernel said exited 1");
	static const char said[] = "valgrind: Cannot create XML file '/r/valgrind/s/vg.4.xml': Permission denied\n";
	struct sl_output_chunk c;
	memset(&c, 0, sizeof(c));
	c.stream = 2;
	c.offset = 0;
	c.len = sizeof(said) - 1;
	c.total = c.len;
	memcpy(c.data, said, c.len);
	cr_assert_eq(sl_result_add_output(&r, 0, 0, 4, &c), 0);
	sl_vg_apply(tmpdir, s, &r);
	cr_assert_eq(r.outcome, SL_BROK, "%s: %s", sl_outcome_name(r.outcome), r.reason);
	cr_assert_not_null(strstr(r.reason, "could not be run under it"), "%s", r.reason);
	cr_assert_not_null(strstr(r.reason, "Cannot create XML file '/r/valgrind/s/vg.4.xml': Permission denied"), "%s",
			   r.reason);
	cr_assert_eq(test_entry(&r, r.ntrace - 1)->kind, SL_ENTRY_END, "the verdict stays last");
	cr_assert_eq(test_entry(&r, r.ntrace - 1)->verdict, SL_BROK);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(memcheck, no_file_at_all_is_broken_not_clean)
{
	struct sl_result r;
	struct sl_scenario *s = owner_scenario(&r);
	sl_vg_apply(tmpdir, s, &r);
	cr_assert_eq(r.outcome, SL_BROK);
	cr_assert_not_null(strstr(r.reason, "memcheck wrote no XML file"));
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* In a child with its own mount namespace: a 64 KiB tmpfs on tmpdir/full,
 * a vg.2.xml cut short there (as memcheck's writes fail on a full disk),
 * the rest of the file system filled; the verdict of sl_vg_apply() on it
 * is the child's exit status (its outcome), 100 + errno if it could not set
 * up, 99 without root. */
static int verdict_on_a_full_disk(void)
{
	char full[128];
	snprintf(full, sizeof(full), "%s/full", tmpdir);
	cr_assert_eq(mkdir(full, 0700), 0);
	fflush(NULL);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) < 0)
			_exit(errno == EPERM ? 99 : 100 + errno);
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("tmpfs", full, "tmpfs", 0, "size=64k,mode=0700") < 0 || chdir(full) < 0)
			_exit(100 + errno);
		int fd = open("vg.2.xml", O_WRONLY | O_CREAT, 0600);
		if (fd < 0 || write(fd, "<?xml version=\"1.0\"?>\n<valgrindoutput>\n", 38) != 38)
			_exit(100 + errno);
		close(fd);
		static const char block[4096];
		fd = open("filler", O_WRONLY | O_CREAT, 0600);
		while (fd >= 0 && write(fd, block, sizeof(block)) > 0)
			;
		if (fd < 0 || errno != ENOSPC)
			_exit(100 + errno);
		close(fd);
		struct sl_result r;
		struct sl_scenario *s = owner_scenario(&r);
		sl_vg_apply(full, s, &r);
		_exit((int)r.outcome);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st), "the child died of signal %d", WTERMSIG(st));
	if (WEXITSTATUS(st) == 99)
		cr_skip_test("needs root: unshare(CLONE_NEWNS): EPERM");
	cr_assert_lt(WEXITSTATUS(st), 99, "set-up failed: %s", strerror(WEXITSTATUS(st) - 100));
	return WEXITSTATUS(st);
}

/* Issue 12 item 11: on a full disk memcheck's files are cut short, which
 * read as "process killed" (SKIP), so a leaky program's scenario PASSed. */
Test(memcheck, a_file_cut_short_by_a_full_disk_is_broken_never_passed)
{
	int outcome = verdict_on_a_full_disk();
	cr_assert_eq(outcome, SL_BROK, "outcome %d, not BROK", outcome);
}

Test(memcheck, each_scenario_gets_a_fresh_directory_and_clear_removes_only_ours)
{
	char a[256], b[256], c[256];
	char *base = in_tmp("valgrind");
	cr_assert_eq(sl_vg_scenario_dir(base, "double-rmid", a, sizeof(a)), 0);
	cr_assert_eq(sl_vg_scenario_dir(base, "double-rmid", b, sizeof(b)), 0);
	cr_assert_eq(sl_vg_scenario_dir(base, "../etc/x y", c, sizeof(c)), 0);
	cr_assert_str_eq(strrchr(a, '/') + 1, "double-rmid");
	cr_assert_str_eq(strrchr(b, '/') + 1, "double-rmid.2", "a repetition does not mix its files in");
	cr_assert_str_eq(strrchr(c, '/') + 1, "_._etc_x_y", "no path escapes the base");
	write_file("valgrind/double-rmid/vg.1.xml", "x");
	write_file("valgrind/double-rmid/valgrind.log", "x");
	write_file("valgrind/double-rmid.2/vg.1.xml", "x");
	write_file("valgrind/double-rmid.2/mine.txt", "x");
	write_file("valgrind/summary.txt", "x");
	cr_assert_eq(sl_vg_clear(base), 0);
	struct stat st;
	cr_assert_neq(stat(a, &st), 0, "emptied and removed");
	cr_assert_eq(stat(b, &st), 0, "kept: it holds a file that is not memcheck's");
	char *mine = in_tmp("valgrind/double-rmid.2/mine.txt"), *vg = in_tmp("valgrind/double-rmid.2/vg.1.xml");
	cr_assert_eq(access(mine, F_OK), 0);
	cr_assert_neq(access(vg, F_OK), 0);
	free(mine);
	free(vg);
	free(base);
}

/* ---- end to end ------------------------------------------------------------------------ */

static int have_valgrind(void)
{
	return system("valgrind --version >/dev/null 2>&1") == 0;
}

/* Under valgrind the conductor is a new program: it is handed the scenario
 * as a record (scenario_record.h), so a scenario built in C, which has no
 * script file, runs there too.  (It was BROK, "memcheck runs need a scenario
 * read from a script file", when the conductor parsed the script again.) */
Test(memcheck, a_scenario_built_in_c_runs_under_valgrind, .timeout = 120)
{
	const char *bin = getenv("SHMLIFE_BIN");
	if (!bin || access(bin, X_OK) != 0)
		cr_skip_test("SHMLIFE_BIN is not set: run this through ctest");
	if (!have_valgrind())
		cr_skip_test("valgrind is not installed (Debian: apt-get install valgrind)");
	cr_assert_eq(setenv("SHMLIFE_CONDUCTOR_EXE", bin, 1), 0); /* the harness knows __conductor */
	struct sl_scenario *s = sl_scenario_new("built-in-c");
	int owner = sl_scenario_add_actor(s, "owner");
	int seg = sl_scenario_add_slot(s, "seg"), at = sl_scenario_add_slot(s, "at");
	sl_add_shmget(s, owner, sl_auto_key(), 4096, IPC_CREAT | 0600, seg);
	sl_add_shmat(s, owner, seg, 0, at);
	sl_add_write(s, owner, at, 8, "built", 5);
	sl_add_shmctl(s, owner, seg, IPC_RMID);
	struct sl_step *e = sl_add_expect(s, SL_TARGET_SEGMENT, sl_slot(seg));
	sl_step_add_pred(e, SL_F_DEST, SL_CMP_TRUE, sl_num(0));
	sl_step_add_pred(e, SL_F_NATTCH, SL_CMP_EQ, sl_num(1));
	sl_add_read(s, owner, at, 8, "built", 5);
	sl_add_exit(s, owner, 0);
	struct sl_run_options o;
	sl_run_options_default(&o);
	char *base = in_tmp("vg");
	cr_assert_eq(mkdir(base, 0755), 0);
	o.valgrind = base;
	struct sl_result r;
	cr_assert_eq(sl_run(s, &o, &r), 0);
	unsetenv("SHMLIFE_CONDUCTOR_EXE");
	if (r.outcome == SL_SKIP)
		cr_skip_test("cannot run scenarios here: %s", r.reason);
	cr_assert_eq(r.outcome, SL_PASS, "%s: %s", sl_outcome_name(r.outcome), r.reason);
	/* memcheck ran it: the conductor's and the actor's XML files are there */
	char *dir = in_tmp("vg/built-in-c");
	DIR *d = opendir(dir);
	cr_assert_not_null(d, "%s: %s", dir, strerror(errno));
	int xml = 0;
	for (struct dirent *de; (de = readdir(d));)
		xml += strncmp(de->d_name, "vg.", 3) == 0 && strstr(de->d_name, ".xml") != NULL;
	closedir(d);
	cr_assert_geq(xml, 2, "%d memcheck XML files in %s", xml, dir);
	free(dir);
	sl_result_free(&r);
	sl_scenario_free(s);
	free(base);
}


/* Runs `shmlife run --valgrind SCRIPT` with the build's bin/ on PATH;
 * returns its exit status and results.json. */
/* Runs `shmlife run [--valgrind] -q EXTRA... --report-dir TMP/reports
 * SCRIPT` with the build's bin/ on PATH and its stdout in TMP/tap.txt;
 * returns its wait status.  Skips the test where it cannot run. */
static int spawn_harness(const char *script, int valgrind, const char *const *extra)
{
	const char *bin = getenv("SHMLIFE_BIN"), *build = getenv("SHMLIFE_BUILD_DIR");
	if (!bin || !build)
		cr_skip_test("SHMLIFE_BIN and SHMLIFE_BUILD_DIR are not set: run this through ctest");
	if (access(bin, X_OK) != 0)
		cr_skip_test("no harness at %s", bin);
	if (valgrind && !have_valgrind())
		cr_skip_test("valgrind is not installed (Debian: apt-get install valgrind)");
	char *reports = in_tmp("reports"), *out = in_tmp("tap.txt"), *path = NULL;
	cr_assert_neq(asprintf(&path, "%s/bin:%s", build, getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin"), -1);
	const char *argv[16] = { bin, "run", "-q" };
	int n = 3;
	if (valgrind)
		argv[n++] = "--valgrind";
	for (int i = 0; extra && extra[i] && n < 12; i++)
		argv[n++] = extra[i];
	argv[n++] = "--report-dir";
	argv[n++] = reports;
	argv[n++] = script;
	argv[n] = NULL;
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(126);
		setenv("PATH", path, 1);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		cr_assert_eq(errno, EINTR);
	free(reports);
	free(out);
	free(path);
	return st;
}

/* Runs `shmlife run --valgrind SCRIPT` (see spawn_harness); returns its
 * exit status and results.json. */
static int run_harness(const char *script, int valgrind, json_object **results)
{
	int st = spawn_harness(script, valgrind, NULL);
	char *json = in_tmp("reports/results.json");
	*results = json_object_from_file(json);
	cr_assert_not_null(*results, "no %s (harness status %d)", json, st);
	free(json);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static json_object *first_scenario(json_object *results)
{
	json_object *list, *s;
	cr_assert(json_object_object_get_ex(results, "scenarios", &list));
	cr_assert_eq(json_object_array_length(list), 1);
	s = json_object_array_get_idx(list, 0);
	cr_assert_not_null(s);
	return s;
}

static const char *field(json_object *o, const char *key)
{
	json_object *v;
	cr_assert(json_object_object_get_ex(o, key, &v), "no %s", key);
	return json_object_get_string(v);
}

static int trace_has(json_object *scenario, const char *verdict, const char *needle)
{
	json_object *trace;
	int n = 0;
	cr_assert(json_object_object_get_ex(scenario, "trace", &trace));
	for (size_t i = 0; i < json_object_array_length(trace); i++) {
		json_object *e = json_object_array_get_idx(trace, i);
		n += strcmp(field(e, "kind"), "event") == 0 && strcmp(field(e, "verdict"), verdict) == 0 &&
		     strstr(field(e, "detail"), needle) != NULL;
	}
	return n;
}

Test(memcheck, leaky_program_run_by_an_actor_fails_with_both_errors_named, .timeout = 120)
{
	json_object *results;
	int status = run_harness("tests/valgrind/leaky.scn", 1, &results);
	json_object *s = first_scenario(results);
	const char *reason = field(s, "reason");
	cr_assert_str_eq(field(s, "outcome"), "FAIL", "%s", reason);
	cr_assert_eq(status, 1, "a FAIL exits 1");
	cr_assert_not_null(strstr(reason, "program shmlife-test-leaky run by actor owner"), "%s", reason);
	cr_assert_not_null(strstr(reason, "UninitCondition at leaky.c:"), "%s", reason);
	cr_assert_not_null(strstr(reason, "Leak_DefinitelyLost 64 bytes in 1 blocks at leaky.c:"), "%s", reason);
	cr_assert_eq(trace_has(s, "PASS", "memcheck: actor owner pid 2: clean"), 1, "the actor itself is clean");
	cr_assert_eq(trace_has(s, "PASS", "memcheck: conductor pid 1: clean"), 1, "so is the conductor");
	json_object_put(results);
	char *summary = in_tmp("reports/valgrind/summary.txt"), *html = in_tmp("reports/index.html");
	cr_assert_eq(access(summary, R_OK), 0, "the run's memcheck summary");
	cr_assert_eq(access(html, R_OK), 0, "the HTML report");
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "grep -q 'UninitCondition at leaky.c' '%s' && "
				   "grep -q 'href=\"valgrind/memcheck-leaky-program/\"' '%s'", html, html);
	cr_assert_eq(system(cmd), 0, "index.html names the error and links the XML files");
	free(summary);
	free(html);
}

Test(memcheck, without_valgrind_the_leaky_program_passes, .timeout = 60)
{
	json_object *results;
	int status = run_harness("tests/valgrind/leaky.scn", 0, &results);
	json_object *s = first_scenario(results);
	cr_assert_str_eq(field(s, "outcome"), "PASS", "%s", field(s, "reason"));
	cr_assert_eq(status, 0);
	cr_assert_eq(trace_has(s, "PASS", "memcheck: "), 0);
	json_object_put(results);
}

/* `shmlife run --valgrind` of a scenario whose actor of another uid runs
 * a program; its exit status and results.json. */
static int run_uid_exec(json_object **results)
{
	write_file("uid-exec.scn", "scenario uid-exec\n"
				   "description: an actor of another uid runs a program under memcheck\n"
				   "actors: nobody(uid=65534, gid=65534)\n"
				   "nobody exec true\n");
	char *script = in_tmp("uid-exec.scn");
	int status = run_harness(script, 1, results);
	free(script);
	return status;
}

/* An actor of another uid runs a program under memcheck: its processes
 * create their XML files as that uid, in a folder open to them (it was
 * root's, 0755: "Cannot create XML file ... Permission denied", the program
 * ended with status 1 and the step FAILed). */
Test(memcheck, an_actor_of_another_uid_runs_its_program_under_memcheck, .timeout = 120)
{
	if (geteuid() != 0)
		cr_skip_test("needs root: an actor of another uid");
	cr_assert_eq(chmod(tmpdir, 0755), 0); /* its uid must reach the report folder ... */
	char *supp = in_tmp("valgrind.supp"), *copy = NULL; /* ... and the suppressions (a checkout may be closed) */
	cr_assert_neq(asprintf(&copy, "cp reports/valgrind.supp '%s'", supp), -1);
	cr_assert_eq(system(copy), 0);
	cr_assert_eq(setenv("SHMLIFE_VALGRIND_SUPP", supp, 1), 0);
	free(copy);
	free(supp);
	json_object *results;
	int status = run_uid_exec(&results);
	json_object *s = first_scenario(results);
	cr_assert_str_eq(field(s, "outcome"), "PASS", "%s", field(s, "reason"));
	cr_assert_eq(status, 0);
	cr_assert_gt(trace_has(s, "PASS", "clean"), 1, "the actor's and its program's files were read");
	unsetenv("SHMLIFE_VALGRIND_SUPP");
	json_object_put(results);
}

/* ... and where its uid cannot reach the report folder (a checkout in
 * /root, mode 0700, as on a fresh Debian), the scenario is not run under
 * memcheck, saying which folder is closed: SKIP, never a FAIL of its
 * program (valgrind would end it with status 1). */
Test(memcheck, an_actor_of_another_uid_that_cannot_reach_the_reports_is_skipped, .timeout = 120)
{
	if (geteuid() != 0)
		cr_skip_test("needs root: an actor of another uid");
	cr_assert_eq(chmod(tmpdir, 0700), 0);
	json_object *results;
	int status = run_uid_exec(&results);
	json_object *s = first_scenario(results);
	cr_assert_str_eq(field(s, "outcome"), "SKIP", "%s", field(s, "reason"));
	cr_assert_eq(status, 0);
	cr_assert_not_null(strstr(field(s, "reason"), "its actors of other uids cannot reach"), "%s",
			   field(s, "reason"));
	cr_assert_not_null(strstr(field(s, "reason"), "is mode 0700"), "%s", field(s, "reason"));
	json_object_put(results);
}

Test(memcheck, actor_killed_on_purpose_is_reported_truncated, .timeout = 120)
{
	json_object *results;
	int status = run_harness("tests/valgrind/killed-actor.scn", 1, &results);
	json_object *s = first_scenario(results);
	cr_assert_str_eq(field(s, "outcome"), "PASS", "%s", field(s, "reason"));
	cr_assert_eq(status, 0);
	cr_assert_eq(trace_has(s, "SKIP", "memcheck: actor victim pid 3: XML truncated (process killed)"), 1);
	cr_assert_eq(trace_has(s, "PASS", "memcheck: actor owner pid 2: clean"), 1);
	cr_assert_eq(trace_has(s, "PASS", "3 processes checked: 0 errors, 0 definite leaks, 1 truncated"), 1);
	json_object_put(results);
}

/* The names in /tmp that valgrind makes (vgdb's FIFOs, its /proc files)
 * and that are not in `known` (a list of "/NAME/"): their count, the first
 * in first.  With known NULL, every such name is appended to *list. */
static int valgrinds_in_tmp(const char *known, char **list, char *first, size_t len)
{
	DIR *d = opendir("/tmp");
	cr_assert_not_null(d);
	int n = 0;
	const struct dirent *de;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "vgdb-pipe-", 10) != 0 && strncmp(de->d_name, "valgrind_proc_", 14) != 0)
			continue;
		char key[300];
		snprintf(key, sizeof(key), "/%s/", de->d_name);
		if (known && strstr(known, key))
			continue;
		if (list) {
			char *grown = NULL;
			cr_assert_neq(asprintf(&grown, "%s%s", *list ? *list : "", key), -1);
			free(*list);
			*list = grown;
		}
		if (n++ == 0)
			snprintf(first, len, "/tmp/%s", de->d_name);
	}
	closedir(d);
	return n;
}

/* Issue 12 item 10: scenarios have the same pids, each in its own PID
 * namespace, and valgrind named its gdbserver FIFOs in the shared /tmp by
 * pid: parallel runs clobbered each other's, and every one was left behind.
 * Now valgrind runs without a gdbserver: four at once, eight times, all
 * pass and nothing of valgrind's is left in /tmp. */
Test(memcheck, parallel_runs_pass_and_leave_nothing_in_tmp, .timeout = 300)
{
	char first[300] = "", *before = NULL;
	valgrinds_in_tmp(NULL, &before, first, sizeof(first)); /* someone else's, not ours */
	const char *const parallel[] = { "-j4", "--repeat", "8", NULL };
	int st = spawn_harness("scenarios/daemon/daemon-program-skips.scn", 1, parallel);
	char *out = in_tmp("tap.txt");
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "grep -qx '8 passed, 0 failed, 0 skipped' '%s'", out);
	cr_assert_eq(system(cmd), 0, "not all 8 passed (exit %d): see %s", WEXITSTATUS(st), out);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	cr_assert_eq(valgrinds_in_tmp(before ? before : "", NULL, first, sizeof(first)), 0, "left behind: %s", first);
	free(before);
	free(out);
}
