/* bench_peers.c - shmlife against LTP on the same assertions (issue 17):
 * each scenarios/peers/ltp-NAME.scn states what LTP's test NAME asserts;
 * this times LTP's own binary and `shmlife run` of the scenario, alternating,
 * and prints both medians and their ratio, test by test and in total; then
 * every LTP test one after the other against one `shmlife run -j 1` of all
 * the scenarios (how each is used); then the physical floor of one scenario
 * (a fork into new IPC, PID and mount namespaces, and its wait) and how far
 * above it shmlife is.
 *
 *   bench_peers SHMLIFE_BIN LTP_DIR REPS SCENARIO...
 *
 * LTP_DIR is a build tree of LTP (its testcases/kernel/syscalls/<dir>/NAME
 * binaries), made by hand from LTP's public source: this repository holds
 * none of LTP's code and no recipe that builds it.  A test whose binary is
 * not there is named and left out; so is shmctl05 (a race LTP runs for
 * about 40 s by design), timed once apart unless BENCH_LTP_SLOW=0.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <glob.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"

struct peer {
	char name[64];           /* shmat01                          */
	const char *scenario;    /* scenarios/peers/ltp-shmat01.scn  */
	char ltp[PATH_MAX];      /* LTP_DIR/testcases/.../shmat01     */
	struct bench_samples t_ltp, t_shmlife;
	int ltp_status, shmlife_status;
};

/* LTP's binary for `name`, in any folder of its syscalls' tests. */
static int find_ltp(const char *dir, const char *name, char *out, size_t len)
{
	char pattern[PATH_MAX];
	glob_t g;
	snprintf(pattern, sizeof(pattern), "%s/testcases/kernel/syscalls/*/%s", dir, name);
	if (glob(pattern, 0, NULL, &g) != 0)
		return -1;
	int rc = -1;
	for (size_t i = 0; i < g.gl_pathc && rc < 0; i++)
		if (access(g.gl_pathv[i], X_OK) == 0 && snprintf(out, len, "%s", g.gl_pathv[i]) < (int)len)
			rc = 0;
	globfree(&g);
	return rc;
}

/* Runs LTP's test with its folder first in PATH (setpgid03 execs its
 * helper by name); its exit status (0: every result TPASS). */
static int run_ltp(const char *path)
{
	static char old_path[8192];
	char dir[PATH_MAX], *env = NULL;
	if (!old_path[0]) {
		const char *p = getenv("PATH");
		snprintf(old_path, sizeof(old_path), "%s", p ? p : "/usr/bin:/bin");
	}
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if (asprintf(&env, "%s:%s", dir, old_path) < 0)
		return -1;
	setenv("PATH", env, 1);
	free(env);
	const char *argv[] = { path, NULL };
	return bench_spawn_wait(argv, NULL);
}

static int run_shmlife(const char *bin, const char *const *scenarios, int n, const char *jobs)
{
	char dir[] = "/tmp/bench-peers-XXXXXX";
	if (!mkdtemp(dir))
		return -1;
	const char **argv = calloc((size_t)n + 8, sizeof(*argv));
	if (!argv)
		return -1;
	int k = 0;
	argv[k++] = bin, argv[k++] = "run", argv[k++] = "-q", argv[k++] = "-j", argv[k++] = jobs;
	argv[k++] = "--report-dir", argv[k++] = dir;
	for (int i = 0; i < n; i++)
		argv[k++] = scenarios[i];
	int st = bench_spawn_wait(argv, NULL);
	free(argv);
	bench_rmtree_reports(dir);
	return st;
}

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

/* ---- the floor ---------------------------------------------------------------- */

static char floor_stack[64 * 1024];

static int floor_child(void *arg)
{
	(void)arg;
	return 0;
}

/* A fork into new IPC, PID and mount namespaces and its wait: what running
 * any scenario in isolation cannot go below.  Median of `reps`, in ns. */
static uint64_t floor_ns(int reps)
{
	struct bench_samples s;
	bench_samples_init(&s, reps);
	for (int i = 0; i < reps; i++) {
		uint64_t t = bench_now_ns();
		pid_t pid = clone(floor_child, floor_stack + sizeof(floor_stack),
				  CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNS | SIGCHLD, NULL);
		if (pid < 0 || waitpid(pid, NULL, 0) != pid) {
			bench_samples_free(&s);
			return 0;
		}
		bench_samples_add(&s, bench_now_ns() - t);
	}
	uint64_t m = bench_samples_median(&s);
	bench_samples_free(&s);
	return m;
}

/* ---- the benchmark -------------------------------------------------------------- */

static int is_slow(const char *name)
{
	return strcmp(name, "shmctl05") == 0;
}

static int collect(const char *ltp_dir, char **files, int nfiles, struct peer *v, int *slow)
{
	int n = 0;
	*slow = -1;
	for (int i = 0; i < nfiles; i++) {
		const char *base = strrchr(files[i], '/') ? strrchr(files[i], '/') + 1 : files[i];
		struct peer *p = &v[n];
		memset(p, 0, sizeof(*p));
		if (strncmp(base, "ltp-", 4) != 0 || sscanf(base + 4, "%63[^.]", p->name) != 1) {
			fprintf(stderr, "bench_peers: %s is not scenarios/peers/ltp-NAME.scn: left out\n", files[i]);
			continue;
		}
		p->scenario = files[i];
		if (find_ltp(ltp_dir, p->name, p->ltp, sizeof(p->ltp)) < 0) {
			printf("  %-12s LTP's binary is not in %s: left out\n", p->name, ltp_dir);
			continue;
		}
		if (is_slow(p->name))
			*slow = n;
		n++;
	}
	return n;
}

static void time_pairs(const char *bin, struct peer *v, int n, int slow, int reps)
{
	for (int i = 0; i < n; i++) {
		bench_samples_init(&v[i].t_ltp, reps);
		bench_samples_init(&v[i].t_shmlife, reps);
	}
	for (int r = 0; r < reps; r++)
		for (int i = 0; i < n; i++) {
			if (i == slow)
				continue;
			uint64_t t = bench_now_ns();
			v[i].ltp_status = run_ltp(v[i].ltp);
			bench_samples_add(&v[i].t_ltp, bench_now_ns() - t);
			t = bench_now_ns();
			v[i].shmlife_status = run_shmlife(bin, &v[i].scenario, 1, "1");
			bench_samples_add(&v[i].t_shmlife, bench_now_ns() - t);
		}
}

static const char *status_word(int st)
{
	static char buf[4][16];
	static int k;
	if (st == 0)
		return "pass";
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "exit %d", st);
	return buf[k];
}

static void print_pairs(const struct peer *v, int n, int slow, int reps, uint64_t *sum_ltp, uint64_t *sum_shm)
{
	printf("  each test alone, %d alternating runs (ms)     LTP   shmlife   LTP/shmlife   outcomes (LTP, shmlife)\n",
	       reps);
	*sum_ltp = *sum_shm = 0;
	for (int i = 0; i < n; i++) {
		if (i == slow)
			continue;
		uint64_t a = bench_samples_median(&v[i].t_ltp), b = bench_samples_median(&v[i].t_shmlife);
		*sum_ltp += a, *sum_shm += b;
		printf("    %-40s %8.2f %9.2f %10.2fx   %s, %s\n", v[i].name, ms(a), ms(b), b ? (double)a / (double)b : 0,
		       status_word(v[i].ltp_status), status_word(v[i].shmlife_status));
	}
	printf("    %-40s %8.2f %9.2f %10.2fx\n", "total (sum of medians)", ms(*sum_ltp), ms(*sum_shm),
	       *sum_shm ? (double)*sum_ltp / (double)*sum_shm : 0);
	/* shmctl08 waits in both for the clock's second to change (ctime is
	 * whole seconds): LTP a second, shmlife until the next second begins */
	uint64_t clock_ltp = 0, clock_shm = 0;
	for (int i = 0; i < n; i++)
		if (i != slow && strcmp(v[i].name, "shmctl08") == 0) {
			clock_ltp = bench_samples_median(&v[i].t_ltp);
			clock_shm = bench_samples_median(&v[i].t_shmlife);
		}
	if (clock_ltp && *sum_shm > clock_shm)
		printf("    %-40s %8.2f %9.2f %10.2fx\n", "without shmctl08 (waits for the clock)",
		       ms(*sum_ltp - clock_ltp), ms(*sum_shm - clock_shm),
		       (double)(*sum_ltp - clock_ltp) / (double)(*sum_shm - clock_shm));
}

/* Every LTP test in a row, against one `shmlife run -j 1` of all. */
static void time_together(const char *bin, const struct peer *v, int n, int slow, int reps, uint64_t floor)
{
	const char **scn = calloc((size_t)n + 1, sizeof(*scn));
	struct bench_samples a, b, c;
	int k = 0, st_ltp = 0, st_shm = 0;
	if (!scn)
		return;
	for (int i = 0; i < n; i++)
		if (i != slow)
			scn[k++] = v[i].scenario;
	bench_samples_init(&a, reps);
	bench_samples_init(&b, reps);
	bench_samples_init(&c, reps);
	for (int r = 0; r < reps; r++) {
		uint64_t t = bench_now_ns();
		for (int i = 0; i < n; i++)
			if (i != slow)
				st_ltp |= run_ltp(v[i].ltp);
		bench_samples_add(&a, bench_now_ns() - t);
		t = bench_now_ns();
		st_shm |= run_shmlife(bin, scn, k, "1");
		bench_samples_add(&b, bench_now_ns() - t);
		t = bench_now_ns();
		st_shm |= run_shmlife(bin, scn, k, "2");
		bench_samples_add(&c, bench_now_ns() - t);
	}
	uint64_t la = bench_samples_median(&a), sb = bench_samples_median(&b), sc = bench_samples_median(&c);
	printf("  all %d together, %d alternating runs (ms)\n", k, reps);
	printf("    %-40s %8.2f   (%s)\n", "LTP, one test after the other", ms(la), status_word(st_ltp));
	printf("    %-40s %8.2f   (%s)\n", "one `shmlife run -j 1` of the scenarios", ms(sb), status_word(st_shm));
	printf("    %-40s %8.2f\n", "one `shmlife run -j 2` of the scenarios", ms(sc));
	printf("    %-40s %8.2fx at -j 1, %.2fx at -j 2\n", "LTP / shmlife", sb ? (double)la / (double)sb : 0,
	       sc ? (double)la / (double)sc : 0);
	if (floor)
		printf("    the floor: fork into IPC+PID+mount namespaces + wait %.3f ms; shmlife %.3f ms a scenario = "
		       "%.1fx the floor\n",
		       ms(floor), ms(sb) / k, (double)sb / k / (double)floor);
	bench_samples_free(&a);
	bench_samples_free(&b);
	bench_samples_free(&c);
	free(scn);
}

static void time_slow(const char *bin, struct peer *p)
{
	uint64_t t = bench_now_ns();
	int a = run_ltp(p->ltp);
	uint64_t la = bench_now_ns() - t;
	t = bench_now_ns();
	int b = run_shmlife(bin, &p->scenario, 1, "1");
	uint64_t sb = bench_now_ns() - t;
	printf("  apart: %s (LTP races for a fixed time by design): LTP %.0f ms (%s), shmlife %.2f ms (%s)\n", p->name,
	       ms(la), status_word(a), ms(sb), status_word(b));
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: bench_peers SHMLIFE_BIN LTP_DIR REPS SCENARIO...\n");
		return 2;
	}
	const char *bin = argv[1], *ltp_dir = argv[2];
	int reps = atoi(argv[3]);
	if (reps < 1)
		reps = 1;
	struct peer *v = calloc((size_t)(argc - 4), sizeof(*v));
	if (!v)
		return 1;
	printf("peers: LTP (%s) against shmlife on the same assertions (scenarios/peers, docs/peers.md)\n", ltp_dir);
	int slow;
	int n = collect(ltp_dir, argv + 4, argc - 4, v, &slow);
	if (n == 0) {
		fprintf(stderr, "bench_peers: no LTP binary found under %s\n", ltp_dir);
		free(v);
		return 1;
	}
	uint64_t sum_ltp, sum_shm;
	time_pairs(bin, v, n, slow, reps);
	print_pairs(v, n, slow, reps, &sum_ltp, &sum_shm);
	time_together(bin, v, n, slow, reps, floor_ns(200));
	const char *run_slow = getenv("BENCH_LTP_SLOW");
	if (slow >= 0 && !(run_slow && strcmp(run_slow, "0") == 0))
		time_slow(bin, &v[slow]);
	int bad = 0;
	for (int i = 0; i < n; i++) {
		bad |= i != slow && v[i].shmlife_status != 0;
		bench_samples_free(&v[i].t_ltp);
		bench_samples_free(&v[i].t_shmlife);
	}
	free(v);
	return bad;
}
