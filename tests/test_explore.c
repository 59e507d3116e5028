/* test_explore.c - crash-point exploration (explore.h): the careless
 * program's leak is found, at the crash points where it happens and nowhere
 * else; the careful program keeps its invariants at every crash point; the
 * crash of a built-in actor's step; invariants that do not apply to an
 * actor that has crashed. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>

#include "engine_fixture.h"
#include "shmlife/explore.h"

/* app runs PROG once; the invariant: a restart of PROG (by rescuer) works. */
static struct sl_scenario *restartable(const char *name, const char *prog)
{
	struct sl_scenario *s = sl_scenario_new(name);
	int app = sl_scenario_add_actor(s, "app"), rescuer = sl_scenario_add_actor(s, "rescuer");
	const char *const argv[] = { prog, NULL };
	struct sl_step *st = sl_add_exec(s, app, argv);
	st->outcome.kind = SL_EXPECT_EXITS;
	struct sl_step *inv = sl_scenario_add_invariant(s, "restart-recovers", rescuer, SL_OP_EXEC);
	cr_assert_not_null(inv);
	const char *const again[] = { prog, NULL };
	struct sl_step *tmp = sl_add_exec(s, rescuer, again); /* borrow the builder's argv copy */
	inv->argv = tmp->argv;
	tmp->argv = NULL;
	s->nsteps--;
	inv->outcome.kind = SL_EXPECT_EXITS;
	return s;
}

static const struct sl_explore_point *point(const struct sl_explore_result *r, enum sl_crash_kind kind,
					    const char *call, int nth)
{
	for (int i = 0; i < r->npoints; i++) {
		const struct sl_crash_point *p = &r->points[i].at;
		if (p->kind == kind && (kind == SL_CRASH_STEP || (p->syscall_nr == sl_fault_call_number(call) && p->nth == nth)))
			return &r->points[i];
	}
	return NULL;
}

static void explore(const struct sl_scenario *s, unsigned calls, struct sl_explore_result *r)
{
	struct sl_explore_options o;
	sl_explore_options_default(&o);
	o.calls = calls;
	cr_assert_eq(sl_explore(s, &o, r), 0, "sl_explore: %s", strerror(errno));
}

#define SHM_CALLS 0xfu /* shmget shmat shmdt shmctl: sl_fault_call_at(0..3) */

Test(explore, finds_the_careless_programs_leak_where_it_happens)
{
	struct sl_scenario *s = restartable("explore-careless", "shmlife-careless-static");
	struct sl_explore_result r;
	explore(s, SHM_CALLS, &r);
	cr_assert_eq(r.ninvariants, 2);
	cr_assert_str_eq(r.names[1], "no-leak");
	cr_assert_eq(r.baseline.broken, 0, "baseline: %s", r.baseline.detail);
	/* one step crash point; shmget, shmat, shmdt, shmctl once each, before and after */
	cr_assert_eq(r.npoints, 1 + 4 * 2, "%d points", r.npoints);
	cr_assert_eq(r.nbroken, 6, "%d broken", r.nbroken);
	cr_assert_eq(point(&r, SL_CRASH_STEP, NULL, 0)->broken, 0);
	cr_assert_eq(point(&r, SL_CRASH_CALL_BEFORE, "shmget", 1)->broken, 0, "nothing created yet");
	cr_assert_eq(point(&r, SL_CRASH_CALL_AFTER, "shmctl", 1)->broken, 0, "removed already");
	const struct sl_explore_point *p = point(&r, SL_CRASH_CALL_AFTER, "shmat", 1);
	cr_assert_eq(p->broken, 2);
	cr_assert_eq(p->held[0], SL_FAIL, "the restart fails on the stale segment");
	cr_assert_eq(p->held[1], SL_FAIL, "the segment leaks");
	cr_assert(strstr(p->detail, "restart-recovers: expected exit status 0; kernel said exited 17"), "%s", p->detail);
	cr_assert_null(p->script, "no file: no script");
	sl_explore_result_free(&r);
	sl_scenario_free(s);
}

Test(explore, the_careful_program_keeps_its_invariants_at_every_crash_point)
{
	struct sl_scenario *s = restartable("explore-careful", "shmlife-careful");
	struct sl_explore_result r;
	explore(s, SHM_CALLS, &r);
	cr_assert_eq(r.baseline.broken, 0, "baseline: %s", r.baseline.detail);
	/* shmget twice (the stale one looked for, then created), shmat, shmctl, shmdt */
	cr_assert_eq(r.npoints, 1 + 5 * 2, "%d points", r.npoints);
	for (int i = 0; i < r.npoints; i++) {
		char what[300];
		sl_crash_point_describe(s, &r.points[i].at, what, sizeof(what));
		cr_expect_eq(r.points[i].broken, 0, "%s: %s", what, r.points[i].detail);
	}
	cr_assert_eq(r.nbroken, 0);
	cr_assert_eq(r.ninconclusive, 0);
	sl_explore_result_free(&r);
	sl_scenario_free(s);
}

Test(explore, every_call_of_a_static_program_is_a_crash_point)
{
	struct sl_scenario *s = restartable("explore-careful-static", "shmlife-careful-static");
	struct sl_explore_result r;
	explore(s, 0, &r);
	cr_assert_geq(r.npoints, 1 + 5 * 2);
	cr_assert_eq(r.nbroken, 0);
	sl_explore_result_free(&r);
	sl_scenario_free(s);
}

/* Built-in actors: owner creates, attaches, removes; peer attaches.  The
 * invariant: peer can still detach (an operation, which does not apply once
 * peer has crashed). */
Test(explore, a_builtin_actor_killed_instead_of_each_of_its_steps)
{
	struct sl_scenario *s = sl_scenario_new("explore-builtin");
	int owner = sl_scenario_add_actor(s, "owner"), peer = sl_scenario_add_actor(s, "peer");
	int seg = sl_scenario_add_slot(s, "seg"), a = sl_scenario_add_slot(s, "a"), b = sl_scenario_add_slot(s, "b");
	sl_add_shmget(s, owner, sl_auto_key(), 4096, IPC_CREAT | 0600, seg); /* 0 */
	sl_add_shmat(s, owner, seg, 0, a);                                   /* 1 */
	sl_add_shmat(s, peer, seg, 0, b);                                    /* 2 */
	sl_add_shmctl(s, owner, seg, IPC_RMID);                              /* 3 */
	struct sl_step *inv = sl_scenario_add_invariant(s, "peer-can-detach", peer, SL_OP_SHMDT);
	inv->nargs = 1;
	inv->args[0] = sl_slot(b);
	struct sl_explore_result r;
	explore(s, 0, &r);
	cr_assert_eq(r.baseline.broken, 0, "baseline: %s", r.baseline.detail);
	cr_assert_eq(r.npoints, 4);
	cr_assert_eq(r.points[0].held[0], SL_FAIL, "no segment: peer never attached");
	cr_assert_eq(r.points[0].held[1], SL_PASS, "and nothing leaks");
	cr_assert_eq(r.points[1].held[0], SL_PASS);
	cr_assert_eq(r.points[1].held[1], SL_FAIL, "owner never removes it: a leak");
	cr_assert(strstr(r.points[1].detail, "no-leak: leaked segment(s): 1"), "%s", r.points[1].detail);
	cr_assert_eq(r.points[2].broken, 0, "%s", r.points[2].detail);
	cr_assert_eq(r.points[2].held[0], SL_SKIP, "peer has crashed: its invariant does not apply");
	cr_assert_eq(r.points[3].held[1], SL_FAIL, "owner dies before IPC_RMID: a leak");
	cr_assert_eq(r.nbroken, 3);
	sl_explore_result_free(&r);
	sl_scenario_free(s);
}

/* ---- the command: shmlife explore SCRIPT ---------------------------------------- */

#include <dirent.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shmlife/parse.h"
#include "support/tmp_fixture.h"

extern char **environ;

/* Runs `shmlife explore ARGS` and returns its exit status; its stdout in out. */
static int run_explore(const char *const args[], char *out, size_t len)
{
	const char *bin = getenv("SHMLIFE_BIN");
	cr_assert_not_null(bin, "SHMLIFE_BIN is not set (run from ctest)");
	const char *argv[16] = { bin, "explore", "-q" };
	int n = 3;
	for (int i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	int p[2];
	cr_assert_eq(pipe(p), 0);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	pid_t pid;
	cr_assert_eq(posix_spawn(&pid, bin, &fa, NULL, (char *const *)argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	size_t got = 0;
	ssize_t k;
	while ((k = read(p[0], out + got, len - 1 - got)) > 0)
		got += (size_t)k;
	out[got] = '\0';
	close(p[0]);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* Removes the scratch report directory: its files, then itself. */
static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	const struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			char path[1024];
			if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) < (int)sizeof(path))
				unlink(path);
		}
	closedir(d);
	rmdir(dir);
}

/* Each command test's scratch folder (tmpdir), removed by the suite's .fini:
 * after a failed assertion too (it was left in /tmp then). */
static void make_scratch(void)
{
	tmpdir_make("/tmp/shmlife-explore-XXXXXX");
}

TestSuite(command, .init = make_scratch, .fini = remove_tmpdir);

Test(command, explore_reports_the_careless_leak_with_a_script_that_reproduces_it)
{
	const char *dir = tmpdir;
	static char out[64 * 1024];
	const char *const args[] = { "--calls", "shmget,shmat,shmdt,shmctl", "--report-dir", dir,
				     "scenarios/programs/careless-crash.scn", NULL };
	cr_assert_eq(run_explore(args, out, sizeof(out)), 1, "%s", out);
	cr_assert(strstr(out, "careless-crash: 6 of 9 crash points break an invariant"), "%s", out);
	const char *at = strstr(out, "reproduce: shmlife run ");
	cr_assert_not_null(at, "%s", out);
	char script[512];
	cr_assert_eq(sscanf(at, "reproduce: shmlife run %511s", script), 1);
	struct sl_diags d = { 0 };
	struct sl_scenario *s = sl_parse_file(script, &d);
	sl_diags_print(&d, stderr);
	sl_diags_free(&d);
	cr_assert_not_null(s, "the reproducing script %s does not parse", script);
	cr_assert_eq(s->keep_going, 1);
	struct sl_result r = run_scenario(s, 0);
	cr_assert_eq(r.outcome, SL_FAIL, "%s", r.reason);
	cr_assert(strstr(r.reason, "restart-recovers"), "%s", r.reason);
	cr_assert_eq(r.leaked_segments, 1, "and the segment leaks");
	sl_result_free(&r);
	sl_scenario_free(s);
	const char *const clean[] = { "--calls", "shmget,shmat,shmdt,shmctl", "--report-dir", dir,
				      "scenarios/programs/careful-crash.scn", NULL };
	cr_assert_eq(run_explore(clean, out, sizeof(out)), 0, "%s", out);
	cr_assert(strstr(out, "careful-crash: 0 of 11 crash points break an invariant"), "%s", out);
	remove_dir(dir);
}

/* Issue 12 item 15: a script that already says keep-going got a second
 * `keep-going` in each reproducer ("given twice"): none of them parsed. */
Test(command, every_reproducer_parses_when_the_script_already_keeps_going)
{
	const char *dir = tmpdir;
	char script[600], reports[600];
	snprintf(script, sizeof(script), "%s/keeps-going.scn", dir);
	snprintf(reports, sizeof(reports), "%s/out", dir);
	FILE *f = fopen(script, "we");
	cr_assert_not_null(f);
	fputs("scenario keeps-going\n"
	      "keep-going\n"
	      "actors: app, rescuer\n"
	      "app exec shmlife-careless\n"
	      "invariant restart-recovers: rescuer exec shmlife-careless\n",
	      f);
	cr_assert_eq(fclose(f), 0);
	static char out[64 * 1024];
	const char *const args[] = { "--calls", "shmget,shmat,shmdt,shmctl", "--report-dir", reports, script, NULL };
	cr_assert_eq(run_explore(args, out, sizeof(out)), 1, "%s", out);
	DIR *d = opendir(reports);
	cr_assert_not_null(d, "explore wrote no reproducer into %s: %s", reports, out);
	int scripts = 0;
	const struct dirent *de;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n < 4 || strcmp(de->d_name + n - 4, ".scn") != 0)
			continue;
		char path[1200];
		snprintf(path, sizeof(path), "%s/%s", reports, de->d_name);
		struct sl_diags diags = { 0 };
		struct sl_scenario *s = sl_parse_file(path, &diags);
		sl_diags_print(&diags, stderr);
		sl_diags_free(&diags);
		cr_assert_not_null(s, "the reproducer %s does not parse", path);
		cr_assert_eq(s->keep_going, 1);
		sl_scenario_free(s);
		scripts++;
	}
	closedir(d);
	cr_assert_eq(scripts, 6, "one reproducer per breaking crash point, not %d: %s", scripts, out);
	remove_dir(reports);
	unlink(script);
	cr_assert_eq(rmdir(dir), 0);
}
