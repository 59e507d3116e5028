/* test_observe.c - the observer (observe.h): its parsers against known lines
 * and its observations against the real kernel, each test that makes
 * segments inside its own IPC namespace. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shmlife/observe.h"
#include "support/tmp_fixture.h"

#define SIGBIT(s) (UINT64_C(1) << ((s) - 1))

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_geq(fputs(text, f), 0);
	cr_assert_eq(fclose(f), 0, "%s: %s", path, strerror(errno));
}

/* A new IPC namespace: needs root (CAP_SYS_ADMIN).  As a plain user the case
 * is skipped with the reason, never failed: a user namespace, in which it
 * would be root, cannot be entered from Criterion's test process, which has
 * threads (unshare(CLONE_NEWUSER) is EINVAL there). */
static void enter_ipc_namespace(void)
{
	if (unshare(CLONE_NEWIPC) == 0)
		return;
	int err = errno;
	if (err == EPERM && geteuid() != 0)
		cr_skip_test("needs root: unshare(CLONE_NEWIPC): %s", strerror(err));
	cr_assert_fail("unshare(CLONE_NEWIPC): %s", strerror(err));
}

/* ---- /proc/sysvipc/shm rows ------------------------------------------------ */

Test(observe_parse, sysvipc_row_of_a_removed_locked_segment)
{
	struct sl_segment_view v;
	const char *row = "       -16          1  3600                  4096  3528  3529      2"
			  "     5     6     7     8 1795507547 1795507548 1795507549"
			  "                  8192                     4096\n";

	cr_assert_eq(sl_parse_sysvipc_shm_line(row, &v), 0);
	cr_assert_eq(v.present, 1);
	cr_expect_eq(v.key, -16);
	cr_expect_eq(v.shmid, 1);
	cr_expect_eq(v.mode, 03600u);
	cr_expect_eq(v.mode & SHM_DEST, (unsigned)SHM_DEST);
	cr_expect_eq(v.size, 4096u);
	cr_expect_eq(v.cpid, 3528);
	cr_expect_eq(v.lpid, 3529);
	cr_expect_eq(v.nattch, 2u);
	cr_expect_eq(v.uid, 5u);
	cr_expect_eq(v.gid, 6u);
	cr_expect_eq(v.cuid, 7u);
	cr_expect_eq(v.cgid, 8u);
	cr_expect_eq(v.atime, 1795507547);
	cr_expect_eq(v.dtime, 1795507548);
	cr_expect_eq(v.ctime, 1795507549);
	cr_expect_eq(v.rss, 8192u);
	cr_expect_eq(v.swap, 4096u);
}

Test(observe_parse, sysvipc_rejects_what_is_not_a_row)
{
	struct sl_segment_view v;
	memset(&v, 0x5a, sizeof(v));
	struct sl_segment_view untouched = v;

	cr_expect_eq(sl_parse_sysvipc_shm_line("       key      shmid perms                  size"
					       "  cpid  lpid nattch   uid   gid  cuid  cgid      atime"
					       "      dtime      ctime                   rss                  swap\n",
					       &v), -1);
	cr_expect_eq(sl_parse_sysvipc_shm_line("", &v), -1);
	cr_expect_eq(sl_parse_sysvipc_shm_line("0 0 600 4096 1 1 0", &v), -1, "truncated row");
	cr_expect_eq(sl_parse_sysvipc_shm_line("0 -1 600 4096 1 1 0 0 0 0 0 0 0 0 0 0", &v), -1,
		     "negative shmid");
	cr_expect_eq(sl_parse_sysvipc_shm_line("0 0 680 4096 1 1 0 0 0 0 0 0 0 0 0 0", &v), -1,
		     "perms not octal");
	cr_expect_eq(sl_parse_sysvipc_shm_line("0 0 600 4096 1 1 0 0 0 0 0 0 0 0 0 0 junk", &v), -1);
	cr_expect_eq(sl_parse_sysvipc_shm_line("4294967296 0 600 4096 1 1 0 0 0 0 0 0 0 0 0 0", &v),
		     -1, "key out of int32");
	cr_expect_eq(memcmp(&v, &untouched, sizeof(v)), 0, "a rejected line leaves the view alone");
}

/* ---- /proc/PID/maps lines ---------------------------------------------------- */

Test(observe_parse, maps_sysv_lines)
{
	struct sl_map_entry m;

	cr_assert_eq(sl_parse_maps_line("7f07141a9000-7f07141ab000 rw-s 00000000 00:01 7"
					"                          /SYSV1234abcd (deleted)\n", &m), 0);
	cr_expect_eq(m.start, UINT64_C(0x7f07141a9000));
	cr_expect_eq(m.end, UINT64_C(0x7f07141ab000));
	cr_expect_eq(m.key, 0x1234abcd);
	cr_expect_eq(m.shmid, 7);
	cr_expect_eq(m.deleted, 1);
	cr_expect_eq(m.writable, 1);

	cr_assert_eq(sl_parse_maps_line("7f07141a8000-7f07141a9000 r--s 00000000 00:01 32769 "
					"/SYSVfffffff0", &m), 0);
	cr_expect_eq(m.key, -16);
	cr_expect_eq(m.shmid, 32769);
	cr_expect_eq(m.deleted, 0);
	cr_expect_eq(m.writable, 0);
}

Test(observe_parse, maps_other_lines_are_not_sysv)
{
	struct sl_map_entry m;

	cr_expect_eq(sl_parse_maps_line("55d0c7a00000-55d0c7a21000 rw-p 00000000 00:00 0"
					"                          [heap]\n", &m), -1);
	cr_expect_eq(sl_parse_maps_line("7f0714000000-7f0714022000 r--p 00000000 08:01 1311"
					"                       /usr/lib/x86_64-linux-gnu/libc.so.6\n", &m), -1);
	cr_expect_eq(sl_parse_maps_line("7f0714000000-7f0714001000 rw-s 00000000 00:01 3 "
					"/SYSV1234\n", &m), -1, "short key");
	cr_expect_eq(sl_parse_maps_line("7f0714000000-7f0714001000 rw-s 00000000 00:01 3 "
					"/SYSV1234abcdX\n", &m), -1, "trailing junk");
	cr_expect_eq(sl_parse_maps_line("7f0714000000-7f0714001000 rw-s 00000000 00:01 3 "
					"/SYSV1234abcd (deleted) x\n", &m), -1);
	cr_expect_eq(sl_parse_maps_line("7f0714000000-7f0714001000 rw-s 00000000 00:01 3 "
					"/tmp/SYSV1234abcd\n", &m), -1);
	cr_expect_eq(sl_parse_maps_line("7f0714000000 rw-s 00000000 00:01 3 /SYSV1234abcd\n", &m),
		     -1, "no range");
	cr_expect_eq(sl_parse_maps_line("", &m), -1);
}

/* ---- /proc/PID/stat ------------------------------------------------------------ */

Test(observe_parse, proc_stat_comm_with_parentheses_and_blanks)
{
	struct sl_process_obs p;
	memset(&p, 0, sizeof(p));

	cr_assert_eq(sl_parse_proc_stat("4242 (a) b (c) T 17 4242 4000 34817 4242 4194560 103 0 0 0"
					" 0 0 0 0 20 0 1 0 123 1000 100 18446744073709551615\n", &p), 0);
	cr_expect_str_eq(p.comm, "a) b (c");
	cr_expect_eq(p.pid, 4242);
	cr_expect_eq(p.state, 'T');
	cr_expect_eq(p.ppid, 17);
	cr_expect_eq(p.pgid, 4242);
	cr_expect_eq(p.sid, 4000);
	cr_expect_eq(p.tty_nr, 34817);
	cr_expect_eq(p.tpgid, 4242);

	cr_assert_eq(sl_parse_proc_stat("7 ()) Z 1 0 0 0 -1 0\n", &p), 0);
	cr_expect_str_eq(p.comm, ")");
	cr_expect_eq(p.state, 'Z');
	cr_expect_eq(p.tpgid, -1);

	cr_assert_eq(sl_parse_proc_stat("9 (x\ny ) S 1 9 9 0 -1", &p), 0);
	cr_expect_str_eq(p.comm, "x\ny ");

	cr_assert_eq(sl_parse_proc_stat("9 (0123456789abcdefghij) S 1 9 9 0 -1", &p), 0);
	cr_expect_eq(strlen(p.comm), sizeof(p.comm) - 1, "a long comm is truncated to fit");
	cr_expect_eq(strncmp(p.comm, "0123456789abcdef", sizeof(p.comm) - 1), 0);
}

Test(observe_parse, proc_stat_rejects_malformed)
{
	struct sl_process_obs p;
	memset(&p, 0, sizeof(p));

	cr_expect_eq(sl_parse_proc_stat("", &p), -1);
	cr_expect_eq(sl_parse_proc_stat("123 abc S 1 2 3 4 5", &p), -1, "no parentheses");
	cr_expect_eq(sl_parse_proc_stat("123 (abc S 1 2 3 4 5", &p), -1, "no closing one");
	cr_expect_eq(sl_parse_proc_stat("123 (abc) S 1 2 3", &p), -1, "too few fields");
	cr_expect_eq(sl_parse_proc_stat("123 (abc) 5 1 2 3 4 5", &p), -1, "state not a letter");
	cr_expect_eq(sl_parse_proc_stat("x (abc) S 1 2 3 4 5", &p), -1);
	cr_expect_eq(p.comm[0], '\0', "nothing was written");
}

/* ---- `ipcs -m` rows ---------------------------------------------------------------- */

Test(observe_parse, ipcs_rows)
{
	int shmid, dest;
	int32_t key;
	uint64_t nattch;

	cr_assert_eq(sl_parse_ipcs_row("0x00000000 0          root       640        8192       1"
				       "          dest         ", &shmid, &key, &nattch, &dest), 0);
	cr_expect_eq(shmid, 0);
	cr_expect_eq(key, 0);
	cr_expect_eq(nattch, 1u);
	cr_expect_eq(dest, 1);

	cr_assert_eq(sl_parse_ipcs_row("0xfffffff0 32769      root       600        4096       3"
				       "                 locked\n", &shmid, &key, &nattch, &dest), 0);
	cr_expect_eq(shmid, 32769);
	cr_expect_eq(key, -16);
	cr_expect_eq(nattch, 3u);
	cr_expect_eq(dest, 0);

	cr_assert_eq(sl_parse_ipcs_row("0x5eed0001 2          12345      666        4096       0"
				       "                       ", &shmid, &key, &nattch, &dest), 0);
	cr_expect_eq(shmid, 2);
	cr_expect_eq(key, 0x5eed0001);
	cr_expect_eq(nattch, 0u);
	cr_expect_eq(dest, 0);

	cr_assert_eq(sl_parse_ipcs_row("0x00000000 5          daemon us  600        4096       2"
				       "          dest   locked", &shmid, &key, &nattch, &dest), 0);
	cr_expect_eq(shmid, 5, "an owner with a blank does not shift the columns");
	cr_expect_eq(nattch, 2u);
	cr_expect_eq(dest, 1);
}

Test(observe_parse, ipcs_other_lines_are_not_rows)
{
	int shmid = -7, dest = -7;
	int32_t key = -7;
	uint64_t nattch = 7;

	cr_expect_eq(sl_parse_ipcs_row("", &shmid, &key, &nattch, &dest), -1);
	cr_expect_eq(sl_parse_ipcs_row("------ Shared Memory Segments --------", &shmid, &key,
				       &nattch, &dest), -1);
	cr_expect_eq(sl_parse_ipcs_row("key        shmid      owner      perms      bytes      "
				       "nattch     status      ", &shmid, &key, &nattch, &dest), -1);
	cr_expect_eq(sl_parse_ipcs_row("0x1234 0 root 600 4096 1", &shmid, &key, &nattch, &dest),
		     -1, "key not 0x%%08x");
	cr_expect_eq(sl_parse_ipcs_row("0x00001234 0 600 4096 1", &shmid, &key, &nattch, &dest),
		     -1, "no owner");
	cr_expect_eq(sl_parse_ipcs_row("0x00001234 0 root 600 4096 x", &shmid, &key, &nattch, &dest),
		     -1);
	cr_expect(shmid == -7 && key == -7 && nattch == 7 && dest == -7, "nothing was written");
}

/* ---- comparing views ----------------------------------------------------------------- */

Test(observe_parse, views_differ_names_fields_with_both_values)
{
	struct sl_segment_view a, b;
	char buf[160];

	memset(&a, 0, sizeof(a));
	a.present = 1;
	a.shmid = 3;
	a.key = 0x1234;
	a.mode = 01600;
	a.nattch = 2;
	a.rss = 4096;
	b = a;
	b.rss = 0; /* only /proc reports rss: not compared */
	cr_expect_eq(sl_segment_views_differ(&a, &b, buf, sizeof(buf)), 0);
	cr_expect_str_eq(buf, "");

	b.nattch = 1;
	b.mode = 0600;
	cr_expect_eq(sl_segment_views_differ(&a, &b, buf, sizeof(buf)), 1);
	cr_expect_str_eq(buf, "mode: IPC_STAT 01600, /proc 0600; nattch: IPC_STAT 2, /proc 1");

	b.present = 0;
	cr_expect_eq(sl_segment_views_differ(&a, &b, buf, sizeof(buf)), 1);
	cr_expect_str_eq(buf, "present: IPC_STAT 1, /proc 0");

	a.present = 0;
	cr_expect_eq(sl_segment_views_differ(&a, &b, buf, sizeof(buf)), 0,
		     "gone from both views is agreement");

	char small[24];
	memset(small, 'Z', sizeof(small));
	a = b;
	a.present = b.present = 1;
	b.key = 1;
	b.size = 99;
	b.cpid = 1234;
	cr_expect_eq(sl_segment_views_differ(&a, &b, small, 20), 1);
	cr_expect_eq(strlen(small), 19u);
	cr_expect_str_eq(small + 16, "...");
	cr_expect_eq(small[20], 'Z', "nothing written past len");
	cr_expect_eq(sl_segment_views_differ(&a, &b, NULL, 0), 1, "no buffer: still the answer");
}

/* ---- a segment's life, as every view sees it ---------------------------------------- */

static void expect_views_agree(const struct sl_segment_obs *o)
{
	cr_expect_eq(o->disagree, 0, "views disagree: %s", o->disagreement);
	cr_expect_str_eq(o->disagreement, "");
}

Test(observe_kernel, segment_life_in_every_view)
{
	enum { KEY = 0x5eed1234, SIZE = 8192 };
	struct sl_segment_obs o;
	struct sl_segment_brief b;
	struct sl_maps_obs m;

	enter_ipc_namespace();
	int id = shmget(KEY, SIZE, IPC_CREAT | IPC_EXCL | 0600);
	cr_assert_geq(id, 0, "shmget: %s", strerror(errno));
	void *addr = shmat(id, NULL, 0);
	cr_assert_neq(addr, (void *)-1, "shmat: %s", strerror(errno));

	/* attached once */
	cr_assert_eq(observe_segment(id, &o), 0, "%s", strerror(errno));
	cr_expect_eq(o.shmid, id);
	cr_expect_eq(o.stat_errno, 0);
	cr_expect(o.stat.present && o.proc.present);
	cr_expect_eq(o.stat.key, KEY);
	cr_expect_eq(o.stat.nattch, 1u);
	cr_expect_eq(o.proc.nattch, 1u);
	cr_expect_eq(o.stat.size, (uint64_t)SIZE);
	cr_expect_eq(o.stat.mode, 0600u);
	cr_expect_eq(o.stat.cpid, getpid());
	cr_expect_eq(o.proc.lpid, getpid());
	cr_expect_eq(o.stat.cuid, geteuid());
	expect_views_agree(&o);
	cr_assert_eq(observe_segment_ipcs(id, &o), 0, "ipcs: %s", strerror(errno));
	cr_expect_eq(o.ipcs_run, 1);
	cr_expect_eq(o.ipcs_present, 1);
	cr_expect_eq(o.ipcs_key, KEY);
	cr_expect_eq(o.ipcs_nattch, 1u);
	cr_expect_eq(o.ipcs_dest, 0);
	cr_expect_eq(o.stat.nattch, 1u, "ipcs leaves the other views alone");
	cr_assert_eq(observe_maps(getpid(), &m), 0);
	cr_assert_eq(m.n, 1);
	cr_expect_eq(m.map[0].shmid, id);
	cr_expect_eq(m.map[0].key, KEY);
	cr_expect_eq(m.map[0].start, (uint64_t)(uintptr_t)addr);
	cr_expect_eq(m.map[0].end - m.map[0].start, (uint64_t)SIZE);
	cr_expect_eq(m.map[0].writable, 1);

	/* removed while attached: still there, key IPC_PRIVATE, SHM_DEST */
	cr_assert_eq(shmctl(id, IPC_RMID, NULL), 0);
	cr_assert_eq(observe_segment(id, &o), 0);
	cr_expect(o.stat.present && o.proc.present);
	cr_expect_eq(o.stat.key, 0, "IPC_STAT key after IPC_RMID");
	cr_expect_eq(o.proc.key, 0, "/proc key after IPC_RMID");
	cr_expect_eq(o.stat.mode, (unsigned)(SHM_DEST | 0600), "IPC_STAT mode carries SHM_DEST");
	cr_expect_eq(o.proc.mode, (unsigned)(SHM_DEST | 0600));
	cr_expect_eq(o.stat.nattch, 1u);
	expect_views_agree(&o);
	cr_assert_eq(observe_segment_ipcs(id, &o), 0);
	cr_expect_eq(o.ipcs_present, 1);
	cr_expect_eq(o.ipcs_key, 0);
	cr_expect_eq(o.ipcs_dest, 1);
	cr_assert_eq(observe_segment_brief(id, &b, NULL), 0);
	cr_expect(b.present && b.dest && b.key == 0 && b.nattch == 1 && b.shmid == id);
	cr_assert_eq(observe_maps(getpid(), &m), 0);
	cr_assert_eq(m.n, 1);
	cr_expect_eq(m.map[0].deleted, 1);
	cr_expect_eq(m.map[0].shmid, id, "the inode is the shmid");
	cr_expect_eq(m.map[0].key, KEY, "the mapping keeps the name it was created with");

	/* detached: gone from every view */
	cr_assert_eq(shmdt(addr), 0);
	cr_assert_eq(observe_segment(id, &o), 0);
	cr_expect_eq(o.stat.present, 0);
	cr_expect_eq(o.stat_errno, EINVAL);
	cr_expect_eq(o.proc.present, 0);
	expect_views_agree(&o);
	cr_assert_eq(observe_segment_ipcs(id, &o), 0);
	cr_expect_eq(o.ipcs_run, 1);
	cr_expect_eq(o.ipcs_present, 0);
	cr_assert_eq(observe_segment_brief(id, &b, NULL), 0);
	cr_expect_eq(b.present, 0);
	cr_assert_eq(observe_maps(getpid(), &m), 0);
	cr_expect_eq(m.n, 0);
}

/* A process with 0, 1 and 2 closed (a daemon) can still read ipcs. */
Test(observe_kernel, ipcs_from_a_process_without_stdio)
{
	enter_ipc_namespace();
	int id = shmget(0x5eed0004, 4096, IPC_CREAT | 0600);
	cr_assert_geq(id, 0);
	pid_t child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		struct sl_segment_obs o;
		close(0);
		close(1);
		close(2);
		memset(&o, 0, sizeof(o));
		if (observe_segment_ipcs(id, &o) == -1)
			_exit(10);
		_exit(o.ipcs_present && o.ipcs_key == 0x5eed0004 ? 0 : 11);
	}
	int status;
	cr_assert_eq(waitpid(child, &status, 0), child);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
	cr_expect_eq(shmctl(id, IPC_RMID, NULL), 0);
}

Test(observe_kernel, mapping_of_a_live_segment_reads_deleted_too)
{
	struct sl_maps_obs m;

	enter_ipc_namespace();
	int id = shmget(0x5eed0002, 4096, IPC_CREAT | 0600);
	cr_assert_geq(id, 0);
	void *addr = shmat(id, NULL, SHM_RDONLY);
	cr_assert_neq(addr, (void *)-1);
	cr_assert_eq(observe_maps(getpid(), &m), 0);
	cr_assert_eq(m.n, 1);
	/* the shm file is an unlinked pseudo file: " (deleted)" says nothing of IPC_RMID */
	cr_expect_eq(m.map[0].deleted, 1);
	cr_expect_eq(m.map[0].writable, 0);
	cr_expect_eq(m.map[0].key, 0x5eed0002);
	cr_expect_eq(shmdt(addr), 0);
}

Test(observe_kernel, second_attacher_and_locked_mode)
{
	struct sl_segment_obs o;
	int ready[2], go[2];
	char c = 0;

	enter_ipc_namespace();
	int id = shmget(0x5eed0003, 4096, IPC_CREAT | 0640);
	cr_assert_geq(id, 0);
	void *addr = shmat(id, NULL, 0);
	cr_assert_neq(addr, (void *)-1);
	cr_assert_eq(pipe(ready), 0);
	cr_assert_eq(pipe(go), 0);
	pid_t child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		int ok = shmat(id, NULL, 0) != (void *)-1;
		(void)!write(ready[1], ok ? "y" : "n", 1);
		(void)!read(go[0], &c, 1);
		_exit(0);
	}
	cr_assert_eq(read(ready[0], &c, 1), 1);
	cr_assert_eq(c, 'y');
	cr_assert_eq(shmctl(id, SHM_LOCK, NULL), 0, "SHM_LOCK: %s", strerror(errno));
	cr_assert_eq(observe_segment(id, &o), 0);
	cr_expect_eq(o.stat.nattch, 3u, "ours, the copy fork gave the child, the child's own");
	cr_expect_eq(o.stat.lpid, child);
	cr_expect_eq(o.stat.mode, (unsigned)(SHM_LOCKED | 0640), "IPC_STAT mode carries SHM_LOCKED");
	cr_expect_eq(o.proc.mode, (unsigned)(SHM_LOCKED | 0640));
	expect_views_agree(&o);
	cr_assert_eq(observe_segment_ipcs(id, &o), 0);
	cr_expect_eq(o.ipcs_nattch, 3u);
	cr_expect_eq(o.ipcs_dest, 0, "locked is not dest");
	cr_assert_eq(write(go[1], "x", 1), 1);
	int status;
	cr_assert_eq(waitpid(child, &status, 0), child);
	cr_assert_eq(observe_segment(id, &o), 0);
	cr_expect_eq(o.stat.nattch, 1u, "the child's exit detached both of its");
	expect_views_agree(&o);
	cr_expect_eq(shmdt(addr), 0);
	cr_expect_eq(shmctl(id, IPC_RMID, NULL), 0);
}

Test(observe_kernel, unknown_segment_is_absent_from_both_views)
{
	struct sl_segment_obs o;
	struct sl_segment_brief b;

	enter_ipc_namespace();
	cr_assert_eq(observe_segment(12345, &o), 0);
	cr_expect_eq(o.shmid, 12345);
	cr_expect_eq(o.stat_errno, EINVAL);
	cr_expect_eq(o.stat.present, 0);
	cr_expect_eq(o.proc.present, 0);
	cr_expect_eq(o.disagree, 0);
	cr_assert_eq(observe_segment_brief(12345, &b, NULL), 0);
	cr_expect_eq(b.present, 0);
	cr_expect_eq(b.slot, -1);
	cr_expect_eq(b.shmid, 12345);
}

Test(observe_kernel, maps_count_beyond_the_array)
{
	enum { N = SL_MAX_MAPS + 3 };
	void *addr[N];
	struct sl_maps_obs m;

	enter_ipc_namespace();
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	cr_assert_geq(id, 0);
	for (int i = 0; i < N; i++) {
		addr[i] = shmat(id, NULL, 0);
		cr_assert_neq(addr[i], (void *)-1);
	}
	cr_assert_eq(observe_maps(getpid(), &m), 0);
	cr_expect_eq(m.pid, getpid());
	cr_expect_eq(m.n, N);
	for (int i = 0; i < SL_MAX_MAPS; i++) {
		cr_expect_eq(m.map[i].shmid, id);
		cr_expect_eq(m.map[i].key, 0);
	}
	for (int i = 0; i < N; i++)
		cr_expect_eq(shmdt(addr[i]), 0);
	cr_expect_eq(observe_maps(INT_MAX, &m), -1, "no such process");
	cr_expect_eq(errno, ENOENT);
}

/* ---- the namespace ---------------------------------------------------------------- */

static void expect_segments(int n)
{
	struct sl_namespace_obs ns;
	cr_assert_eq(observe_namespace(&ns), 0, "%s", strerror(errno));
	cr_expect_eq(ns.segments_shm_info, n);
	cr_expect_eq(ns.segments_proc, n);
	cr_expect_eq(ns.segments_stat_any, n);
	struct sl_namespace_obs only;
	memset(&only, 0x5a, sizeof(only));
	cr_assert_eq(observe_namespace_segments(&only), 0, "%s", strerror(errno));
	cr_expect_eq(only.segments_shm_info, n);
	cr_expect_eq(only.segments_proc, n);
	cr_expect_eq(only.segments_stat_any, n);
	cr_expect_eq(only.shmmni, 0u, "no sysctl read, none left as it was");
	cr_expect_eq(only.rmid_forced, -1);
}

Test(observe_kernel, namespace_counts_and_sysctls)
{
	struct sl_namespace_obs ns;

	enter_ipc_namespace();
	/* these are the new namespace's own, not the host's */
	write_file("/proc/sys/kernel/shmmni", "777\n");
	write_file("/proc/sys/kernel/shmmax", "1048576\n");
	write_file("/proc/sys/kernel/shmall", "4242\n");
	write_file("/proc/sys/kernel/shm_rmid_forced", "1\n");
	cr_assert_eq(observe_namespace(&ns), 0);
	cr_expect_eq(ns.segments_shm_info, 0);
	cr_expect_eq(ns.segments_proc, 0);
	cr_expect_eq(ns.segments_stat_any, 0);
	cr_expect_eq(ns.shmmni, 777u);
	cr_expect_eq(ns.shmmax, 1048576u);
	cr_expect_eq(ns.shmall, 4242u);
	cr_expect_eq(ns.rmid_forced, 1);

	int id[3];
	for (int i = 0; i < 3; i++) {
		id[i] = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
		cr_assert_geq(id[i], 0);
	}
	expect_segments(3);
	void *addr = shmat(id[0], NULL, 0);
	cr_assert_neq(addr, (void *)-1);
	cr_assert_eq(shmctl(id[0], IPC_RMID, NULL), 0);
	expect_segments(3); /* removed but attached: still counted everywhere */
	cr_assert_eq(shmctl(id[1], IPC_RMID, NULL), 0);
	expect_segments(2); /* a hole at index 1: the walk goes past it */
	cr_assert_eq(shmdt(addr), 0);
	expect_segments(1);
}

/* ---- processes -------------------------------------------------------------------- */

/* The descriptors open in this process, lowest first, as fcntl sees them. */
static int open_fds(int *lowest, int max)
{
	int n = 0;
	for (int fd = 0; fd < 4096; fd++) {
		if (fcntl(fd, F_GETFD) == -1)
			continue;
		if (n < max)
			lowest[n] = fd;
		n++;
	}
	return n;
}

static void expect_fd_target(int fd, const char *seen)
{
	char link[64], target[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	cr_assert_gt(n, 0);
	target[n] = '\0';
	cr_expect_eq(strlen(seen), strlen(target) < 55 ? strlen(target) : 55u, "fd %d: %s", fd, seen);
	cr_expect_eq(strncmp(seen, target, strlen(seen)), 0, "fd %d: %s, not %s", fd, seen, target);
}

Test(observe_kernel, process_self)
{
	struct sl_process_obs p;
	char cwd[PATH_MAX], want_comm[17];
	int extra[SL_MAX_FDS + 4], lowest[SL_MAX_FDS];

	umask(022);
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		extra[i] = open("/dev/null", O_RDONLY);
		cr_assert_geq(extra[i], 0);
	}
	int want_nfds = open_fds(lowest, SL_MAX_FDS);
	cr_assert_eq(observe_process(getpid(), &p), 0, "%s", strerror(errno));
	cr_expect_eq(p.pid, getpid());
	cr_expect_eq(p.alive, 1);
	cr_expect_eq(p.state, 'R', "reading its own stat, it runs");
	cr_expect_eq(p.ppid, getppid());
	cr_expect_eq(p.pgid, getpgrp());
	cr_expect_eq(p.sid, getsid(0));
	cr_expect_eq(p.umask, 022);
	cr_expect_eq(p.uid, geteuid());
	cr_expect_eq(p.gid, getegid());
	cr_expect_eq(p.devtty_errno, -1);
	cr_expect_eq(p.ended, 0);
	cr_expect_eq(p.nfds, want_nfds, "every descriptor counted, not the observer's own");
	for (int i = 0; i < SL_MAX_FDS; i++) {
		cr_expect_eq(p.fds[i].fd, lowest[i], "fds[%d]", i);
		expect_fd_target(p.fds[i].fd, p.fds[i].target);
	}
	cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
	cr_expect_eq(strncmp(p.cwd, cwd, sizeof(p.cwd) - 1), 0, "cwd %s, not %s", p.cwd, cwd);
	FILE *f = fopen("/proc/self/comm", "r");
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(want_comm, sizeof(want_comm), f));
	fclose(f);
	want_comm[strcspn(want_comm, "\n")] = '\0';
	cr_expect_str_eq(p.comm, want_comm);
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		close(extra[i]);
}

static void on_usr2(int sig)
{
	(void)sig;
}

/* The child sets itself up as a daemon would, says it is ready, and waits. */
static void child_setup_and_wait(int ready_fd, int go_fd)
{
	char c;
	sigset_t block;
	struct sigaction sa;

	umask(027);
	if (chdir("/tmp") || setsid() == -1)
		_exit(90);
	signal(SIGUSR1, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2;
	sigaction(SIGUSR2, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, NULL);
	int null = open("/dev/null", O_RDONLY);
	if (null < 0 || dup2(null, 0) != 0)
		_exit(91);
	close(null);
	if (write(ready_fd, "r", 1) != 1)
		_exit(92);
	(void)!read(go_fd, &c, 1);
	_exit(3);
}

Test(observe_kernel, process_child_alive_zombie_gone)
{
	struct sl_process_obs p;
	int ready[2], go[2];
	char c;

	cr_assert_eq(pipe2(ready, O_CLOEXEC), 0);
	cr_assert_eq(pipe2(go, O_CLOEXEC), 0);
	pid_t child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		close(ready[0]);
		close(go[1]);
		child_setup_and_wait(ready[1], go[0]);
	}
	close(ready[1]);
	close(go[0]);
	cr_assert_eq(read(ready[0], &c, 1), 1, "the child did not get ready");
	cr_assert_eq(kill(child, SIGTERM), 0); /* blocked: stays pending */

	cr_assert_eq(observe_process(child, &p), 0, "%s", strerror(errno));
	cr_expect_eq(p.pid, child);
	cr_expect_eq(p.alive, 1);
	cr_expect_eq(p.ppid, getpid());
	cr_expect_eq(p.sid, child);
	cr_expect_eq(p.pgid, child);
	cr_expect_eq(p.tty_nr, 0, "a new session has no terminal");
	cr_expect_eq(p.tpgid, -1);
	cr_expect_eq(p.umask, 027);
	cr_expect_str_eq(p.cwd, "/tmp");
	cr_expect_neq(p.sig_ignored & SIGBIT(SIGUSR1), 0u);
	cr_expect_neq(p.sig_caught & SIGBIT(SIGUSR2), 0u);
	cr_expect_eq(p.sig_caught & SIGBIT(SIGUSR1), 0u);
	cr_expect_neq(p.sig_pending & SIGBIT(SIGTERM), 0u);
	cr_expect_geq(p.nfds, 1);
	cr_expect_eq(p.fds[0].fd, 0);
	cr_expect_str_eq(p.fds[0].target, "/dev/null");
	cr_expect_eq(p.devtty_errno, -1);

	siginfo_t si;
	cr_assert_eq(write(go[1], "g", 1), 1);
	cr_assert_eq(waitid(P_PID, (id_t)child, &si, WEXITED | WNOWAIT), 0);
	cr_assert_eq(observe_process(child, &p), 0);
	cr_expect_eq(p.state, 'Z');
	cr_expect_eq(p.alive, 0, "a zombie is not alive");
	cr_expect_eq(p.ended, 0, "the conductor fills ended");

	int status;
	cr_assert_eq(waitpid(child, &status, 0), child);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	cr_assert_eq(observe_process(child, &p), 0);
	cr_expect_eq(p.alive, 0);
	cr_expect_eq(p.state, 0);
	cr_expect_eq(p.umask, -1);
	close(ready[0]);
	close(go[1]);
}

Test(observe_kernel, process_that_never_was)
{
	struct sl_process_obs p;

	cr_assert_eq(observe_process(INT_MAX, &p), 0);
	cr_expect_eq(p.pid, INT_MAX);
	cr_expect_eq(p.alive, 0);
	cr_expect_eq(p.nfds, 0);
	cr_expect_eq(observe_process(0, &p), -1);
	cr_expect_eq(errno, EINVAL);
}

/* ---- `ipcs -m` as a child, with a stand-in on PATH -------------------------------- */

/* Runs observe_segment_ipcs() with a shell script named ipcs alone on PATH,
 * removed again before returning.  Returns what it returned; *err its errno. */
static int ipcs_with_stand_in(const char *body, int shmid, struct sl_segment_obs *o, int *err)
{
	char dir[64], path[128];

	snprintf(dir, sizeof(dir), "/tmp/obs-ipcs.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ipcs", dir);
	write_file(path, body);
	cr_assert_eq(chmod(path, 0755), 0);
	cr_assert_eq(setenv("PATH", dir, 1), 0);
	errno = 0;
	int r = observe_segment_ipcs(shmid, o);
	*err = errno;
	unlink(path);
	rmdir(dir);
	return r;
}

Test(observe_ipcs, finds_its_row_among_others)
{
	static const char rows[] =
		"#!/bin/sh\n"
		"[ \"$1\" = -m ] && [ \"$LC_ALL\" = C ] || exit 2\n"
		"printf '\\n------ Shared Memory Segments --------\\n'\n"
		"printf 'key        shmid      owner      perms      bytes      nattch     status      \\n'\n"
		"printf '0x00000000 6          root       600        4096       1          dest         \\n'\n"
		"printf '0x0000abcd 7          65534      640        8192       4                 locked\\n'\n"
		"printf '0xdeadbeef 77         root       600        4096       9                       \\n'\n";
	struct sl_segment_obs o;
	int err;

	memset(&o, 0, sizeof(o));
	o.stat.nattch = 42;
	cr_assert_eq(ipcs_with_stand_in(rows, 7, &o, &err), 0, "%s", strerror(err));
	cr_expect_eq(o.ipcs_run, 1);
	cr_expect_eq(o.ipcs_present, 1);
	cr_expect_eq(o.ipcs_key, 0xabcd);
	cr_expect_eq(o.ipcs_nattch, 4u);
	cr_expect_eq(o.ipcs_dest, 0);
	cr_expect_eq(o.stat.nattch, 42u, "the other views are left alone");
	cr_assert_eq(ipcs_with_stand_in(rows, 6, &o, &err), 0);
	cr_expect(o.ipcs_present && o.ipcs_dest && o.ipcs_key == 0 && o.ipcs_nattch == 1);
	cr_assert_eq(ipcs_with_stand_in(rows, 8, &o, &err), 0);
	cr_expect_eq(o.ipcs_run, 1);
	cr_expect_eq(o.ipcs_present, 0);
	cr_expect_eq(o.ipcs_nattch, 0u);
}

Test(observe_ipcs, failing_ipcs_is_an_error)
{
	struct sl_segment_obs o;
	int err;

	memset(&o, 0, sizeof(o));
	cr_expect_eq(ipcs_with_stand_in("#!/bin/sh\necho '0x00000000 1 root 600 4096 1'\nexit 1\n",
					1, &o, &err), -1);
	cr_expect_eq(err, EIO);
	cr_expect_eq(o.ipcs_run, 0);
	cr_expect_eq(o.ipcs_present, 0);
}

Test(observe_ipcs, missing_ipcs_is_an_error)
{
	struct sl_segment_obs o;

	cr_assert_eq(setenv("PATH", "/nonexistent", 1), 0);
	memset(&o, 0, sizeof(o));
	cr_expect_eq(observe_segment_ipcs(1, &o), -1);
	cr_expect_eq(errno, ENOENT);
	cr_expect_eq(o.ipcs_run, 0);
}

Test(observe_ipcs, hung_ipcs_is_killed_and_reaped)
{
	struct sl_segment_obs o;
	int err;

	memset(&o, 0, sizeof(o));
	cr_expect_eq(ipcs_with_stand_in("#!/bin/sh\nexec /bin/sleep 60\n", 1, &o, &err), -1);
	cr_expect_eq(err, ETIMEDOUT);
	cr_expect_eq(o.ipcs_run, 0);
	errno = 0;
	cr_expect_eq(waitpid(-1, NULL, WNOHANG), -1, "no child is left behind");
	cr_expect_eq(errno, ECHILD);
}

/* ---- the one /proc/PID/stat reader (util/proc_stat.c) ---- */
#include "../framework/src/util/proc_stat.h"
#include "../framework/src/util/util.h"

Test(proc_stat, fields_22_and_52_are_the_start_time_and_a_zombies_status)
{
	char line[1024];
	int n = snprintf(line, sizeof(line), "42 (a) b) Z 1 42 42 0 -1");
	for (int field = 9; field <= 52; field++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %d", field == 22 ? 123456 : field == 52 ? 2816 : 0);
	struct sl_proc_stat st;
	cr_assert_eq(sl_proc_stat_parse(line, &st), 0, "%s", line);
	cr_expect_str_eq(st.comm, "a) b");
	cr_expect_eq(st.state, 'Z');
	cr_expect_eq(st.starttime, 123456ULL);
	cr_expect_eq(st.exit_code, 2816);
	cr_expect(sl_proc_stat_ended(st.state));
	cr_assert_eq(sl_proc_stat_parse("42 (a) S 1 42 42 0 -1", &st), 0, "an old kernel's short line");
	cr_expect_eq(st.starttime, 0ULL);
	cr_expect_eq(st.exit_code, -1);
}

Test(proc_stat, a_real_zombie_shows_its_exit_status)
{
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(11);
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	cr_assert_eq(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0, "waitid: %s", strerror(errno));
	struct sl_proc_stat st;
	cr_assert_eq(sl_proc_stat_read(pid, &st), 0, "%s", strerror(errno));
	cr_expect_eq(st.pid, pid);
	cr_expect_eq(st.ppid, getpid());
	cr_expect_eq(st.state, 'Z');
	cr_expect_eq(st.exit_code, 11 << 8);
	cr_expect_gt(st.starttime, 0ULL);
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect_eq(sl_proc_stat_read(pid, &st), -1, "a reaped process has no stat");
	cr_expect(errno == ENOENT || errno == ESRCH, "%s", strerror(errno));
}

/* A detail or reason built by parts is never cut silently: a part that does
 * not fit ends the text with "...", and so does one that comes after. */
Test(util, appended_text_that_does_not_fit_ends_with_an_ellipsis)
{
	char buf[16] = "";
	sl_appendf(buf, sizeof(buf), "%s", "nattch=2");
	cr_assert_str_eq(buf, "nattch=2", "what fits is whole");
	sl_appendf(buf, sizeof(buf), " %s", "key=0x1234");
	cr_assert_str_eq(buf, "nattch=2 key...", "cut, and says so");
	char full[10] = "123456789";
	sl_appendf(full, sizeof(full), "%s", "more");
	cr_assert_str_eq(full, "123456...", "a full text that is given more says so");
	char same[10] = "";
	sl_appendf(same, sizeof(same), "%s", "123456789");
	cr_assert_str_eq(same, "123456789", "exactly filled is whole");
	sl_appendf(same, sizeof(same), "%s", "");
	cr_assert_str_eq(same, "123456789", "nothing more: still whole");
}

/* ---- helper processes (util/child.h) ------------------------------------------- */

#include "../framework/src/util/child.h"

Test(util, a_child_that_does_not_end_by_its_deadline_is_killed_and_reaped)
{
	pid_t pid = sl_child_fork(0);
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		for (;;)
			pause();
	}
	int status = 0;
	cr_assert_eq(sl_child_wait_until(pid, sl_now_ms() + 50, &status), -1);
	cr_assert_eq(errno, ETIMEDOUT);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status 0x%x", status);
	cr_assert_eq(kill(pid, 0), -1, "not reaped");
	cr_assert_eq(errno, ESRCH);
}

Test(util, a_child_that_ends_in_time_gives_its_status)
{
	pid_t pid = sl_child_fork(SL_CHILD_FLUSH_STDIO);
	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(7);
	int status = 0;
	cr_assert_eq(sl_child_wait_until(pid, sl_now_ms() + 60000, &status), 0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 7, "status 0x%x", status);
}

/* A child that dies with its parent: the parent (a middle process) ends,
 * and the child, which would pause for ever, is killed by the kernel. */
Test(util, a_child_that_dies_with_its_parent_does)
{
	int p[2];
	cr_assert_eq(pipe(p), 0);
	pid_t middle = fork();
	cr_assert_geq(middle, 0);
	if (middle == 0) {
		pid_t child = sl_child_fork(SL_CHILD_DIES_WITH_PARENT);
		if (child == 0) {
			close(p[0]); /* keeps the write end until it dies */
			for (;;)
				pause();
		}
		_exit(write(p[1], &child, sizeof(child)) == (ssize_t)sizeof(child) ? 0 : 1);
	}
	close(p[1]);
	pid_t child = 0;
	cr_assert_eq(read(p[0], &child, sizeof(child)), (ssize_t)sizeof(child));
	int status;
	cr_assert_eq(sl_child_wait(middle, &status), 0);
	/* the write end the child holds closes when it dies (the test's limit
	 * bounds this read if it never does) */
	char byte;
	cr_assert_eq(read(p[0], &byte, 1), 0, "the child outlived its parent");
	close(p[0]);
	(void)child;
}

/* ---- files written whole or not at all (util.h) ------------------------------------- */

#include <dirent.h>

/* Files in dir whose name starts with `prefix`. */
static int files_starting(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	cr_assert_not_null(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

static void make_atomic_dir(void)
{
	tmpdir_make("/tmp/test_atomic.XXXXXX"); /* removed after a failed assertion too */
}

Test(util, a_file_written_as_it_is_made_appears_whole_at_its_close_or_not_at_all, .init = make_atomic_dir,
     .fini = remove_tmpdir)
{
	const char *dir = tmpdir;
	char path[96];
	snprintf(path, sizeof(path), "%s/index.html", dir);
	struct sl_atomic_file a;
	cr_assert_eq(sl_atomic_open(&a, path), 0);
	cr_assert_gt(fprintf(a.f, "<html>%0*d</html>\n", 100000, 7), 100000);
	cr_assert_eq(access(path, F_OK), -1, "the file is there before it is whole");
	cr_assert_eq(files_starting(dir, "index.html."), 1, "no temporary file beside it");
	cr_assert_eq(sl_atomic_close(&a, 1), 0);
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_size, 100000 + 14);
	cr_assert_eq(files_starting(dir, "index.html."), 0, "the temporary file is left");
	/* abandoned: the old file stays, nothing else is left */
	cr_assert_eq(sl_atomic_open(&a, path), 0);
	fputs("half", a.f);
	cr_assert_eq(sl_atomic_close(&a, 0), -1);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_size, 100000 + 14, "the file was changed by an abandoned write");
	cr_assert_eq(files_starting(dir, "index.html."), 0, "the abandoned temporary file is left");
	cr_assert_eq(unlink(path), 0);
}
