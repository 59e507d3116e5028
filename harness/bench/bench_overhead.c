/* bench_overhead.c - benchmark 1: what shmlife costs over the same work
 * written by hand.
 *
 * The scenario is harness/bench/scenarios/overhead.scn: three actors,
 * twelve steps (create, attach twice, write, read, IPC_RMID twice, crash
 * one, detach, and three expectations), with the engine's IPC_STAT after
 * every step.  The baseline (baseline_run) does the same operations in the
 * same order: a child enters a fresh IPC namespace, forks the three actor
 * processes, drives them one command at a time over pipes, reads IPC_STAT
 * after each step and IPC_STAT plus /proc/sysvipc/shm at each expectation,
 * checks every answer, and reaps everything.
 *
 * Six ways are timed, alternating in one run, REPS times each:
 *   engine    sl_run() of the parsed scenario, in this process;
 *   command   `shmlife run -q FILE` as a process (parse, run, TAP, reports);
 *   baseline  baseline_run(0), in this process;
 *   isolated  baseline_run(1): the same in the namespaces every scenario of
 *             the engine has (IPC, PID, mount, a /proc of its own), what the
 *             engine's isolation costs by itself;
 *   bound     baseline_run(2): and bound to one CPU, as the engine's
 *             processes are (util/cpu.h);
 *   baseline-exec  this program exec'd with --baseline-once (to compare
 *                  with `command`, process start-up included).
 * Prints the median, p10 and p90 of each and the ratios of the medians.
 *
 *   bench_overhead SHMLIFE_BIN SCRIPT [REPS]      (run.sh passes them)
 *   bench_overhead --baseline-once
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "shmlife/parse.h"
#include "shmlife/run.h"

/* ---- the hand-written baseline --------------------------------------------- */

enum bop { B_SHMGET, B_SHMAT, B_WRITE, B_READ, B_RMID, B_CRASH, B_SHMDT };

struct bcmd { int op; long long a; };
struct breply { long long ret; int err; };

static const char payload[] = "shmlife";

/* One actor: performs each command it reads, answers on `out`. */
static void baseline_actor(int in, int out)
{
	struct bcmd c;
	while (read(in, &c, sizeof(c)) == (ssize_t)sizeof(c)) {
		struct breply r = { 0, 0 };
		errno = 0;
		switch (c.op) {
		case B_SHMGET: r.ret = shmget(0x5eed0001, 4096, IPC_CREAT | IPC_EXCL | 0600); break;
		case B_SHMAT: {
			void *p = shmat((int)c.a, NULL, 0);
			r.ret = p == (void *)-1 ? -1 : (long long)(intptr_t)p;
			break;
		}
		case B_WRITE: memcpy((void *)(intptr_t)c.a, payload, sizeof(payload)); break;
		case B_READ: r.ret = memcmp((void *)(intptr_t)c.a, payload, sizeof(payload)) ? -1 : 0; break;
		case B_RMID: r.ret = shmctl((int)c.a, IPC_RMID, NULL); break;
		case B_CRASH: raise(SIGKILL); break;
		case B_SHMDT: r.ret = shmdt((void *)(intptr_t)c.a); break;
		default: r.ret = -1; errno = ENOSYS; break;
		}
		r.err = r.ret < 0 ? errno : 0;
		if (write(out, &r, sizeof(r)) != (ssize_t)sizeof(r))
			_exit(1);
	}
	_exit(0);
}

struct bactor { pid_t pid; int to, from; };

/* Starts actor `a`; `older` actors started before it, whose pipe ends it
 * must not keep (or they would never see the end of their commands). */
static int start_actor(struct bactor *a, const struct bactor *older, int nolder)
{
	int cmd[2], rep[2];
	if (pipe2(cmd, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0)
		return -1;
	a->pid = fork();
	if (a->pid < 0)
		return -1;
	if (a->pid == 0) {
		close(cmd[1]);
		close(rep[0]);
		for (int i = 0; i < nolder; i++) {
			close(older[i].to);
			close(older[i].from);
		}
		baseline_actor(cmd[0], rep[1]);
	}
	close(cmd[0]);
	close(rep[1]);
	a->to = cmd[1];
	a->from = rep[0];
	return 0;
}

/* Sends a command; 1 answered, 0 the actor ended (its wait status in *st). */
static int call(struct bactor *a, int op, long long arg, struct breply *r, int *st)
{
	struct bcmd c = { op, arg };
	if (write(a->to, &c, sizeof(c)) != (ssize_t)sizeof(c))
		return -1;
	ssize_t n = read(a->from, r, sizeof(*r));
	if (n == (ssize_t)sizeof(*r))
		return 1;
	if (n != 0 || waitpid(a->pid, st, 0) != a->pid)
		return -1;
	a->pid = -1;
	return 0;
}

/* The observation the engine makes after every step: IPC_STAT. */
static int brief(int shmid, struct shmid_ds *ds)
{
	return shmctl(shmid, IPC_STAT, ds) == 0;
}

/* An expectation: IPC_STAT and the segment's row of /proc/sysvipc/shm. */
static int expect_seg(int shmid, int present, unsigned long nattch)
{
	struct shmid_ds ds;
	int stat_present = brief(shmid, &ds);
	FILE *f = fopen("/proc/sysvipc/shm", "re");
	char line[512];
	int proc_present = 0;
	unsigned long proc_nattch = 0;
	if (!f)
		return 0;
	if (fgets(line, sizeof(line), f))
		while (fgets(line, sizeof(line), f)) {
			int key, id;
			unsigned perms;
			unsigned long size, cpid, lpid, n;
			if (sscanf(line, "%d %d %o %lu %lu %lu %lu", &key, &id, &perms, &size, &cpid, &lpid, &n) == 7 &&
			    id == shmid) {
				proc_present = 1;
				proc_nattch = n;
			}
		}
	fclose(f);
	if (stat_present != present || proc_present != present)
		return 0;
	return !present || (ds.shm_nattch == nattch && proc_nattch == nattch && (ds.shm_perm.mode & SHM_DEST));
}

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			return 1; \
	} while (0)

/* The scenario's steps, by hand.  Returns 0 if every answer was the expected one. */
static int baseline_steps(struct bactor *owner, struct bactor *peer, struct bactor *victim)
{
	struct breply r;
	struct shmid_ds ds;
	int st = 0;
	CHECK(call(owner, B_SHMGET, 0, &r, &st) == 1 && r.ret >= 0);
	int seg = (int)r.ret;
	CHECK(brief(seg, &ds));
	CHECK(call(peer, B_SHMAT, seg, &r, &st) == 1 && r.ret != -1);
	long long b = r.ret;
	CHECK(brief(seg, &ds));
	CHECK(call(victim, B_SHMAT, seg, &r, &st) == 1 && r.ret != -1);
	long long c = r.ret;
	CHECK(brief(seg, &ds));
	CHECK(call(peer, B_WRITE, b, &r, &st) == 1 && r.ret == 0);
	CHECK(brief(seg, &ds));
	CHECK(call(victim, B_READ, c, &r, &st) == 1 && r.ret == 0);
	CHECK(brief(seg, &ds));
	CHECK(call(owner, B_RMID, seg, &r, &st) == 1 && r.ret == 0);
	CHECK(brief(seg, &ds));
	CHECK(expect_seg(seg, 1, 2));
	CHECK(call(peer, B_RMID, seg, &r, &st) == 1 && r.ret == 0);
	CHECK(brief(seg, &ds));
	CHECK(call(victim, B_CRASH, 0, &r, &st) == 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	CHECK(brief(seg, &ds));
	CHECK(expect_seg(seg, 1, 1));
	CHECK(call(peer, B_SHMDT, b, &r, &st) == 1 && r.ret == 0);
	CHECK(!brief(seg, &ds));
	CHECK(expect_seg(seg, 0, 0));
	return 0;
}

/* The child: a fresh IPC namespace (made here, or by the clone that
 * started it when `isolated`), three actors, the steps, the end. */
static int baseline_child(int isolated)
{
	if (isolated == 2) { /* bound to one CPU with its actors, as the engine's are (util/cpu.h) */
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(sched_getcpu(), &one);
		if (sched_setaffinity(0, sizeof(one), &one) < 0)
			return 2;
	}
	if (isolated) { /* what the sandbox does first: a private /proc */
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			return 2;
	} else if (unshare(CLONE_NEWIPC) < 0) {
		return 2;
	}
	struct bactor actors[3];
	for (int i = 0; i < 3; i++)
		if (start_actor(&actors[i], actors, i) < 0)
			return 2;
	int rc = baseline_steps(&actors[0], &actors[1], &actors[2]);
	for (int i = 0; i < 3; i++) {
		close(actors[i].to); /* end of commands: the actor exits */
		close(actors[i].from);
		if (actors[i].pid > 0)
			waitpid(actors[i].pid, NULL, 0);
	}
	return rc;
}

/* One run of the baseline; 0 if it passed.  `isolated` 1: the child is
 * cloned into new IPC, PID and mount namespaces with a /proc of its own, the
 * isolation every scenario of the engine has (sandbox.c); 2: and bound to
 * one CPU with its actors, as the engine's are (util/cpu.h), so that the
 * ratio to it is what the engine's own work costs; 0: it only enters a new
 * IPC namespace (the baseline of issue 17's target). */
static int baseline_run(int isolated)
{
	fflush(NULL);
	pid_t pid = isolated ? (pid_t)syscall(SYS_clone, CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNS | SIGCHLD,
					      NULL, NULL, NULL, NULL)
			     : fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(baseline_child(isolated));
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ---- the benchmark ----------------------------------------------------------- */

static int engine_run(const struct sl_scenario *s)
{
	struct sl_run_options o;
	sl_run_options_default(&o);
	struct sl_result r;
	if (sl_run(s, &o, &r) < 0)
		return -1;
	int rc = r.outcome == SL_PASS ? 0 : 1;
	if (rc)
		fprintf(stderr, "bench_overhead: the scenario was %s: %s\n", sl_outcome_name(r.outcome), r.reason);
	sl_result_free(&r);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--baseline-once") == 0)
		return baseline_run(0) == 0 ? 0 : 1;
	if (argc < 3) {
		fprintf(stderr, "usage: bench_overhead SHMLIFE_BIN SCRIPT [REPS]\n"
				"       bench_overhead --baseline-once\n");
		return 2;
	}
	const char *bin = argv[1], *script = argv[2];
	int reps = argc > 3 ? atoi(argv[3]) : 200;
	if (reps < 1)
		reps = 1;
	struct sl_diags d = { 0 };
	struct sl_scenario *s = sl_parse_file(script, &d);
	if (!s) {
		sl_diags_print(&d, stderr);
		sl_diags_free(&d);
		return 2;
	}
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 2;
	self[n] = '\0';
	char tmpdir[] = "/tmp/shmlife-bench-XXXXXX";
	if (!mkdtemp(tmpdir))
		return 2;
	const char *cmd[] = { bin, "run", "-q", "-j", "1", "--report-dir", tmpdir, script, NULL };
	const char *base[] = { self, "--baseline-once", NULL };

	struct bench_samples engine, command, baseline, isolated, bound, baseline_exec;
	bench_samples_init(&engine, reps);
	bench_samples_init(&isolated, reps);
	bench_samples_init(&bound, reps);
	bench_samples_init(&command, reps);
	bench_samples_init(&baseline, reps);
	bench_samples_init(&baseline_exec, reps);
	int failures = 0;
	/* one warm-up of each, then alternate */
	failures += engine_run(s) != 0;
	failures += baseline_run(0) != 0;
	failures += baseline_run(1) != 0;
	failures += baseline_run(2) != 0;
	for (int i = 0; i < reps && !failures; i++) {
		uint64_t t = bench_now_ns();
		failures += baseline_run(0) != 0;
		bench_samples_add(&baseline, bench_now_ns() - t);
		t = bench_now_ns();
		failures += baseline_run(1) != 0;
		bench_samples_add(&isolated, bench_now_ns() - t);
		t = bench_now_ns();
		failures += baseline_run(2) != 0;
		bench_samples_add(&bound, bench_now_ns() - t);
		t = bench_now_ns();
		failures += engine_run(s) != 0;
		bench_samples_add(&engine, bench_now_ns() - t);
		t = bench_now_ns();
		failures += bench_spawn_wait(base, NULL) != 0;
		bench_samples_add(&baseline_exec, bench_now_ns() - t);
		t = bench_now_ns();
		failures += bench_spawn_wait(cmd, NULL) != 0;
		bench_samples_add(&command, bench_now_ns() - t);
	}
	bench_rmtree_reports(tmpdir);
	sl_scenario_free(s);
	sl_diags_free(&d);
	if (failures) {
		fprintf(stderr, "bench_overhead: %d run(s) did not pass: no figures\n", failures);
		return 1;
	}
	printf("overhead: %s, %d repetitions each, alternating (ms)\n", script, reps);
	printf("  %-40s %8s %8s %8s\n", "", "median", "p10", "p90");
	bench_samples_print("hand-written C (fork, in process)", &baseline);
	bench_samples_print("  the same in IPC, PID, mount namespaces", &isolated);
	bench_samples_print("  and bound to one CPU, as the engine's", &bound);
	bench_samples_print("shmlife engine (sl_run, in process)", &engine);
	bench_samples_print("hand-written C (exec'd program)", &baseline_exec);
	bench_samples_print("shmlife run (the command)", &command);
	printf("  ratio engine / hand-written:   %.2fx\n",
	       (double)bench_samples_median(&engine) / (double)bench_samples_median(&baseline));
	printf("  ratio engine / hand-written in the same namespaces: %.2fx; and on one CPU: %.2fx\n",
	       (double)bench_samples_median(&engine) / (double)bench_samples_median(&isolated),
	       (double)bench_samples_median(&engine) / (double)bench_samples_median(&bound));
	printf("  ratio command / hand-written program: %.2fx\n",
	       (double)bench_samples_median(&command) / (double)bench_samples_median(&baseline_exec));
	bench_samples_free(&engine);
	bench_samples_free(&isolated);
	bench_samples_free(&bound);
	bench_samples_free(&command);
	bench_samples_free(&baseline);
	bench_samples_free(&baseline_exec);
	return 0;
}
