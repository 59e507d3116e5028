/* test_robustness.c - the harness under abuse (issue 8), with the real
 * harness ($SHMLIFE_BIN) and the real catalog ($SHMLIFE_SOURCE_DIR/scenarios,
 * or $SHMLIFE_ROBUSTNESS_CATALOG):
 *
 *   sigkill_mid_catalog   the harness SIGKILLed 20 times at random points of
 *                         a catalog run: afterwards no process of it is left
 *                         (this test is their subreaper and reaps them all)
 *                         and the host's /proc/sysvipc/shm is as it was;
 *   hang_is_timeout       a hanging actor is TIMEOUT within its limit plus
 *                         one second (the result's own duration), with its
 *                         trace, and the run goes on;
 *   repeat_catalog        the catalog --repeat N times at -j 2, less the
 *                         scenarios tagged slow, waits, timeout or real
 *                         (PostgreSQL's take seconds each): every
 *                         scenario's outcome is the same every time (N is
 *                         $SHMLIFE_REPEAT, 5 by default; the `long` CTest
 *                         test long/repeat-catalog-200 sets 200);
 *   unprivileged_catalog  the catalog run as nobody: nothing FAILs, BROKs or
 *                         TIMEs OUT for lack of privilege, every SKIP says
 *                         why, and what needs no root runs;
 *   subordinate_ids       the catalog run as nobody with a range of
 *                         subordinate ids (/etc/subuid and /etc/subgid
 *                         bound over in a mount namespace of its own):
 *                         scenarios of `requires: root` and of actors of
 *                         other uids and users run and pass, and what those
 *                         actors wrote is removed.
 *
 * Every wait is bounded and on a real event (a line of progress, a child's
 * end through a signalfd); no time is asserted but the result's duration
 * that the TIMEOUT rule is about.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <ftw.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KILLS 20
#define REAP_LIMIT_MS 20000  /* generous: the engine's own limit is 3 s per keeper */

/* ---- helpers ---------------------------------------------------------------- */

static const char *harness_bin(void)
{
	const char *bin = getenv("SHMLIFE_BIN");
	cr_assert_not_null(bin, "SHMLIFE_BIN is not set (CTest sets it)");
	cr_assert_eq(access(bin, X_OK), 0, "SHMLIFE_BIN=%s is not executable", bin);
	return bin;
}

static const char *catalog_dir(char *buf, size_t len)
{
	const char *dir = getenv("SHMLIFE_ROBUSTNESS_CATALOG");
	if (dir)
		return dir;
	const char *src = getenv("SHMLIFE_SOURCE_DIR");
	snprintf(buf, len, "%s/scenarios", src ? src : ".");
	return buf;
}

static int nscripts;

static int count_script(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	const char *base = path + ftw->base;
	if (type == FTW_F && base[0] != '.' && fnmatch("*.scn", base, 0) == 0)
		nscripts++;
	return 0;
}

static int count_scripts(const char *dir)
{
	nscripts = 0;
	if (nftw(dir, count_script, 16, FTW_PHYS) != 0)
		return 0;
	return nscripts;
}

/* The folders a test made, removed by the suite's .fini whatever the test
 * said: a failed assertion must not leave one in /tmp. */
static char made[8][64];
static int nmade;

static char *make_tmpdir(void)
{
	char *dir = strdup("/tmp/shmlife-robust-XXXXXX");
	cr_assert_not_null(dir);
	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	if (nmade < 8)
		snprintf(made[nmade++], sizeof(made[0]), "%s", dir);
	return dir;
}

static void rm_tree(const char *dir);

static void remove_made(void)
{
	for (int i = 0; i < nmade; i++)
		rm_tree(made[i]);
	nmade = 0;
}

TestSuite(robustness, .fini = remove_made);

static int rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb; (void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int cmp_rows(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The host's segments: "key shmid perms size cpid" of each row, sorted, in
 * one string.  Times and nattch are left out (they move for live segments
 * that are none of ours). */
static char *host_segments(void)
{
	FILE *f = fopen("/proc/sysvipc/shm", "re");
	cr_assert_not_null(f, "/proc/sysvipc/shm: %s", strerror(errno));
	char line[512], **rows = NULL;
	int n = 0;
	if (fgets(line, sizeof(line), f))
		while (fgets(line, sizeof(line), f)) {
			long long key, id, size, cpid;
			unsigned long long perms;
			if (sscanf(line, "%lld %lld %llo %lld %lld", &key, &id, &perms, &size, &cpid) != 5)
				continue;
			char **more = realloc(rows, (size_t)(n + 1) * sizeof(*rows));
			cr_assert_not_null(more);
			rows = more;
			cr_assert_neq(asprintf(&rows[n++], "%lld %lld %llo %lld %lld\n", key, id, perms, size, cpid), -1);
		}
	fclose(f);
	if (n > 1)
		qsort(rows, (size_t)n, sizeof(*rows), cmp_rows);
	size_t total = 1;
	for (int i = 0; i < n; i++)
		total += strlen(rows[i]);
	char *all = calloc(1, total);
	cr_assert_not_null(all);
	size_t at = 0;
	for (int i = 0; i < n; i++) {
		size_t len = strlen(rows[i]);
		memcpy(all + at, rows[i], len + 1);
		at += len;
		free(rows[i]);
	}
	free(rows);
	return all;
}

/* SIGCHLD through a signalfd: the test waits on it, bounded. */
static int sigchld_fd(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	cr_assert_eq(sigprocmask(SIG_BLOCK, &set, NULL), 0);
	int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	cr_assert_geq(fd, 0, "signalfd: %s", strerror(errno));
	return fd;
}

static void drain(int fd)
{
	struct signalfd_siginfo si;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		;
}

/* Our living children, for the failure message (by /proc/PID/stat's ppid). */
static void list_children(char *buf, size_t len)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "ps -o pid=,ppid=,sid=,stat=,args= --ppid %d 2>/dev/null", (int)getpid());
	buf[0] = '\0';
	FILE *p = popen(cmd, "r");
	if (!p)
		return;
	size_t n = fread(buf, 1, len - 1, p);
	buf[n] = '\0';
	pclose(p);
}

/* Reaps every descendant (the test is their subreaper) until none is left:
 * 0, or -1 if some still live after REAP_LIMIT_MS. */
static int reap_all(int sfd)
{
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		drain(sfd);
		pid_t w;
		while ((w = waitpid(-1, NULL, WNOHANG | __WALL)) > 0)
			;
		if (w < 0 && errno == ECHILD)
			return 0;
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long spent = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (spent >= REAP_LIMIT_MS)
			return -1;
		struct pollfd p = { .fd = sfd, .events = POLLIN };
		poll(&p, 1, (int)(REAP_LIMIT_MS - spent));
	}
}

/* Starts the harness in its own session: stdout to /dev/null (or `out`),
 * stderr (progress, one line a finished scenario) into *err_fd. */
static pid_t start_harness(char *const argv[], int *err_fd, const char *out)
{
	int p[2];
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setsid();
		int null = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (null < 0 || dup2(null, 1) < 0 || dup2(p[1], 2) < 0)
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	if (err_fd)
		*err_fd = p[0];
	else
		close(p[0]);
	return pid;
}

/* Reads progress until `lines` lines have come (or the stream ends), then
 * waits at most extra_ms more for the next one.  Returns lines read. */
static int read_progress(int fd, int lines, int extra_ms)
{
	char c;
	int seen = 0;
	while (seen < lines) {
		ssize_t n = read(fd, &c, 1);
		if (n <= 0)
			return seen;
		seen += c == '\n';
	}
	struct pollfd p = { .fd = fd, .events = POLLIN };
	poll(&p, 1, extra_ms);
	return seen;
}

static json_object *load_results(const char *report_dir)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/results.json", report_dir);
	json_object *root = json_object_from_file(path);
	cr_assert_not_null(root, "%s is missing or not JSON", path);
	json_object *list;
	cr_assert(json_object_object_get_ex(root, "scenarios", &list), "%s has no scenarios", path);
	return root;
}

static const char *str_of(json_object *o, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

static long long num_of(json_object *o, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : -1;
}

static json_object *scenario_list(json_object *root)
{
	json_object *list = NULL;
	json_object_object_get_ex(root, "scenarios", &list);
	return list;
}

static json_object *find_scenario(json_object *root, const char *name)
{
	json_object *list = scenario_list(root);
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *sc = json_object_array_get_idx(list, i);
		if (strcmp(str_of(sc, "name"), name) == 0)
			return sc;
	}
	cr_assert_fail("no scenario %s in results.json", name);
	return NULL;
}

/* Reads fd until its end, keeping the first len bytes (the rest is read and
 * dropped, so that the writer never blocks); the number kept, or -1. */
static ssize_t read_whole(int fd, char *buf, size_t len)
{
	size_t got = 0;
	char drop[4096];
	for (;;) {
		ssize_t n = got < len ? read(fd, buf + got, len - got) : read(fd, drop, sizeof(drop));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 && got == 0 ? -1 : (ssize_t)got;
		if (got < len)
			got += (size_t)n;
	}
}

static int wait_exit(pid_t pid)
{
	int st;
	pid_t w;
	while ((w = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	cr_assert_eq(w, pid, "waitpid(%d): %s", (int)pid, strerror(errno));
	return st;
}

/* ---- the harness killed mid-run ----------------------------------------------------- */

Test(robustness, sigkill_mid_catalog, .timeout = 300)
{
	char buf[4096];
	const char *bin = harness_bin();
	const char *catalog = catalog_dir(buf, sizeof(buf));
	int n = count_scripts(catalog);
	if (n < 4)
		cr_skip_test("the catalog %s has %d scripts: too few to be killed in the middle of", catalog, n);
	unsigned seed = getenv("SHMLIFE_ROBUSTNESS_SEED") ? (unsigned)atol(getenv("SHMLIFE_ROBUSTNESS_SEED"))
							   : (unsigned)time(NULL) ^ (unsigned)getpid();
	cr_log_info("catalog %s (%d scripts), seed %u (SHMLIFE_ROBUSTNESS_SEED)", catalog, n, seed);
	srand(seed);

	cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0, "PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	int sfd = sigchld_fd();
	char *before = host_segments();
	char *reports = make_tmpdir();
	for (int round = 0; round < KILLS; round++) {
		int lines = rand() % (n / 2 + 1);  /* at most half the catalog has ended */
		int extra_ms = rand() % 10;          /* then somewhere inside a scenario */
		char *argv[] = { (char *)bin, "run", "-j", "2", "--report-dir", reports, "--exclude", "slow",
				 "--exclude", "waits", "--exclude", "timeout", (char *)catalog, NULL };
		int err_fd;
		pid_t harness = start_harness(argv, &err_fd, NULL);
		int seen = read_progress(err_fd, lines, extra_ms);
		cr_assert_eq(kill(harness, SIGKILL), 0);
		int st = wait_exit(harness);
		close(err_fd);
		cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
			  "round %d: the harness ended by itself (status 0x%x) after %d of %d scenarios: "
			  "it was not killed mid-run", round, st, seen, n);
		if (reap_all(sfd) < 0) {
			char kids[4096];
			list_children(kids, sizeof(kids));
			cr_assert_fail("round %d (killed after %d scenarios + %d ms): processes of the harness "
				       "still alive %d ms later:\n%s", round, seen, extra_ms, REAP_LIMIT_MS, kids);
		}
		char *after = host_segments();
		cr_assert_str_eq(after, before,
				 "round %d (killed after %d scenarios + %d ms): the host's segments changed", round,
				 seen, extra_ms);
		free(after);
	}
	rm_tree(reports);
	free(reports);
	free(before);
	close(sfd);
}

/* ---- a hanging actor ---------------------------------------------------------------- */

static void write_script(const char *dir, const char *file, const char *text)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	FILE *f = fopen(path, "we");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fputs(text, f) >= 0, 1);
	cr_assert_eq(fclose(f), 0);
}

static json_object *trace_entry(json_object *sc, const char *kind, int step)
{
	json_object *trace;
	cr_assert(json_object_object_get_ex(sc, "trace", &trace), "%s has no trace", str_of(sc, "name"));
	for (size_t i = 0; i < json_object_array_length(trace); i++) {
		json_object *e = json_object_array_get_idx(trace, i);
		if (strcmp(str_of(e, "kind"), kind) == 0 && (step < 0 || num_of(e, "step") == step))
			return e;
	}
	return NULL;
}

Test(robustness, hang_is_timeout, .timeout = 60)
{
	const char *bin = harness_bin();
	char *dir = make_tmpdir(), *reports = make_tmpdir();
	/* in catalog order: the step limit (1 s) ends the first, the scenario
	 * limit (--timeout 2) the second, and the third must still run */
	write_script(dir, "a-hang-step.scn",
		     "scenario robust-hang-step\n"
		     "timeout: 1s\n"
		     "actors: owner\n"
		     "owner shmget key=auto size=4096 flags=IPC_CREAT|0600 -> seg\n"
		     "owner exec /bin/sleep 100\n"
		     "owner shmctl seg IPC_RMID\n");
	write_script(dir, "b-hang-scenario.scn",
		     "scenario robust-hang-scenario\n"
		     "timeout: 60s\n"
		     "actors: owner\n"
		     "owner shmget key=auto size=4096 flags=IPC_CREAT|0600 -> seg\n"
		     "owner exec /bin/sleep 100\n"
		     "owner shmctl seg IPC_RMID\n");
	write_script(dir, "c-after-the-hangs.scn",
		     "scenario robust-after-the-hangs\n"
		     "actors: owner\n"
		     "owner shmget key=auto size=4096 flags=IPC_CREAT|0600 -> seg\n"
		     "owner shmctl seg IPC_RMID\n"
		     "expect seg gone\n");
	char *argv[] = { (char *)bin, "run", "-q", "-j", "1", "--timeout", "2", "--report-dir", reports, dir, NULL };
	int st = wait_exit(start_harness(argv, NULL, NULL));
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1, "exit status 0x%x, expected 1 (TIMEOUTs)", st);

	json_object *root = load_results(reports);
	json_object *step = find_scenario(root, "robust-hang-step");
	cr_assert_str_eq(str_of(step, "outcome"), "TIMEOUT", "reason: %s", str_of(step, "reason"));
	cr_assert_leq(num_of(step, "duration_ns"), 1000000000LL + 1000000000LL,
		      "TIMEOUT after %lld ns: more than its 1 s step limit plus one second",
		      num_of(step, "duration_ns"));
	json_object *hung = trace_entry(step, "step", 1);
	cr_assert_not_null(hung, "the trace has no entry for the hanging step");
	cr_assert_str_eq(str_of(hung, "verdict"), "TIMEOUT");
	cr_assert_not_null(trace_entry(step, "step", 0), "the step before the hang is not in the trace");
	cr_assert_not_null(trace_entry(step, "end", -1), "no END entry: the conductor's verdict is missing");

	json_object *whole = find_scenario(root, "robust-hang-scenario");
	cr_assert_str_eq(str_of(whole, "outcome"), "TIMEOUT", "reason: %s", str_of(whole, "reason"));
	cr_assert_leq(num_of(whole, "duration_ns"), 2000000000LL + 1000000000LL,
		      "TIMEOUT after %lld ns: more than its 2 s limit plus one second", num_of(whole, "duration_ns"));
	json_object *before_hang = trace_entry(whole, "step", 0);
	cr_assert_not_null(before_hang, "the trace so far (the step before the hang) was lost");
	cr_assert_str_eq(str_of(before_hang, "verdict"), "PASS");
	cr_assert_not_null(strstr(str_of(whole, "reason"), "did not finish within 2000 ms"), "reason: %s",
			   str_of(whole, "reason"));

	json_object *after = find_scenario(root, "robust-after-the-hangs");
	cr_assert_str_eq(str_of(after, "outcome"), "PASS", "the run did not go on: %s", str_of(after, "reason"));
	json_object_put(root);
	rm_tree(dir);
	rm_tree(reports);
	free(dir);
	free(reports);
}

/* ---- repetitions ------------------------------------------------------------------- */

Test(robustness, repeat_catalog, .timeout = 1800)
{
	char buf[4096], reps[16];
	const char *bin = harness_bin();
	const char *catalog = catalog_dir(buf, sizeof(buf));
	int n = count_scripts(catalog);
	if (n == 0)
		cr_skip_test("the catalog %s is empty", catalog);
	int repeat = getenv("SHMLIFE_REPEAT") ? atoi(getenv("SHMLIFE_REPEAT")) : 5;
	cr_assert_gt(repeat, 1, "SHMLIFE_REPEAT must be at least 2");
	snprintf(reps, sizeof(reps), "%d", repeat);
	cr_log_info("catalog %s (%d scripts) %d times at -j 2", catalog, n, repeat);
	char *reports = make_tmpdir();
	/* the scenarios that wait on purpose (seconds each) are left out: what
	 * this checks is the same outcome every time, not how long a wait takes */
	char *argv[] = { (char *)bin, "run", "-q", "-j", "2", "--repeat", reps, "--report-dir", reports,
			 "--exclude", "slow", "--exclude", "waits", "--exclude", "timeout", "--exclude", "real",
			 (char *)catalog, NULL };
	int st = wait_exit(start_harness(argv, NULL, NULL));
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) != 2, "the harness refused the catalog (status 0x%x)", st);

	json_object *root = load_results(reports), *list = scenario_list(root);
	size_t items = json_object_array_length(list);
	cr_assert_eq(items % (size_t)repeat, 0, "%zu results for %d repetitions", items, repeat);
	cr_assert_geq(items, (size_t)repeat, "no result at all");
	int flaky = 0;
	char report[4096] = "";
	for (size_t i = 0; i < items; i++) {
		json_object *sc = json_object_array_get_idx(list, i);
		if (num_of(sc, "repeat") != 0)
			continue;
		const char *name = str_of(sc, "name"), *outcome = str_of(sc, "outcome");
		int same = 1, count = 0;
		for (size_t k = 0; k < items; k++) {
			json_object *o = json_object_array_get_idx(list, k);
			if (strcmp(str_of(o, "name"), name) != 0)
				continue;
			count++;
			same &= strcmp(str_of(o, "outcome"), outcome) == 0;
		}
		if (!same || count != repeat) {
			flaky++;
			size_t len = strlen(report);
			snprintf(report + len, sizeof(report) - len, " %s (%d runs)", name, count);
		}
	}
	cr_assert_eq(flaky, 0, "%d scenario(s) did not have the same outcome in each of %d runs:%s", flaky, repeat,
		     report);
	json_object_put(root);
	rm_tree(reports);
	free(reports);
}

/* ---- without privilege ------------------------------------------------------------- */

/* A checkout under /root (mode 0700 on Debian, where a root newcomer clones)
 * is out of nobody's reach.  So nobody runs copies, in a world-readable
 * folder: the harness, the programs beside it that scenarios exec, and the
 * catalog.  Returns the folder; *bin_out and *catalog_out are inside it. */
static char *stage_for_nobody(const char *bin, const char *catalog, char **bin_out, char **catalog_out)
{
	char *stage = make_tmpdir();
	cr_assert_eq(chmod(stage, 0755), 0, "chmod %s: %s", stage, strerror(errno));
	char *bin_dir = strdup(bin);
	cr_assert_not_null(bin_dir);
	char *slash = strrchr(bin_dir, '/');
	if (slash)
		*slash = '\0';
	char *argv[] = { "/bin/sh", "-c",
			 "mkdir -m 0755 \"$3/bin\" && cp -p \"$1\"/shmlife \"$1\"/shmlife-* \"$3/bin/\" "
			 "&& cp -pR \"$2\" \"$3/scenarios\" && chmod -R a+rX \"$3\"",
			 "stage", slash ? bin_dir : ".", (char *)catalog, stage, NULL };
	int err_fd;
	pid_t pid = start_harness(argv, &err_fd, NULL);
	char err[2048];
	ssize_t n = read_whole(err_fd, err, sizeof(err));
	close(err_fd);
	int st = wait_exit(pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "cannot copy the harness and the catalog to %s: %.*s",
		  stage, (int)(n > 0 ? n : 0), err);
	free(bin_dir);
	cr_assert_gt(asprintf(bin_out, "%s/bin/shmlife", stage), 0);
	cr_assert_gt(asprintf(catalog_out, "%s/scenarios", stage), 0);
	return stage;
}

Test(robustness, unprivileged_catalog, .timeout = 120)
{
	char buf[4096];
	const char *catalog_src = catalog_dir(buf, sizeof(buf));
	if (geteuid() != 0)
		cr_skip_test("needs root to become nobody (run ci/unprivileged.sh as root)");
	if (access("/usr/bin/setpriv", X_OK) != 0)
		cr_skip_test("no /usr/bin/setpriv (util-linux)");
	if (count_scripts(catalog_src) == 0)
		cr_skip_test("the catalog %s is empty", catalog_src);
	char *bin, *catalog;
	char *stage = stage_for_nobody(harness_bin(), catalog_src, &bin, &catalog);
	char *reports = make_tmpdir();
	cr_assert_eq(chown(reports, 65534, 65534), 0, "chown %s: %s", reports, strerror(errno));
	char *argv[] = { "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
			 bin, "run", "-q", "-j", "2", "--report-dir", reports, catalog, NULL };
	int err_fd;
	pid_t pid = start_harness(argv, &err_fd, NULL);
	static char err[16384];
	ssize_t n = read_whole(err_fd, err, sizeof(err) - 1);
	close(err_fd);
	err[n > 0 ? n : 0] = '\0';
	int st = wait_exit(pid);
	cr_assert(WIFEXITED(st), "the harness died: status 0x%x; it said:\n%s", st, err);
	cr_assert_neq(WEXITSTATUS(st), 127, "setpriv or the harness could not be started as nobody; it said:\n%s", err);
	char path[4096];
	snprintf(path, sizeof(path), "%s/results.json", reports);
	cr_assert_eq(access(path, R_OK), 0, "the harness (exit %d) wrote no %s; it said:\n%s",
		     WEXITSTATUS(st), path, err);

	json_object *root = load_results(reports), *list = scenario_list(root);
	int ran = 0, skipped = 0, bad = 0;
	char report[4096] = "";
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *sc = json_object_array_get_idx(list, i);
		const char *outcome = str_of(sc, "outcome"), *reason = str_of(sc, "reason");
		if (strcmp(outcome, "SKIP") == 0) {
			skipped++;
			cr_assert_gt(strlen(reason), 0, "%s was skipped without a reason", str_of(sc, "name"));
		} else if (strcmp(outcome, "PASS") == 0) {
			ran++;
		} else {
			bad++;
			size_t len = strlen(report);
			snprintf(report + len, sizeof(report) - len, "\n  %s %s: %s", str_of(sc, "name"), outcome, reason);
		}
	}
	cr_log_info("as nobody: %d passed, %d skipped", ran, skipped);
	cr_assert_eq(bad, 0, "%d scenario(s) did not pass or skip as nobody:%s", bad, report);
	FILE *f = fopen("/proc/sys/user/max_user_namespaces", "re");
	long userns = 0;
	if (f) {
		if (fscanf(f, "%ld", &userns) != 1)
			userns = 0;
		fclose(f);
	}
	if (userns > 0)
		cr_assert_gt(ran, 0, "user namespaces are allowed, yet nothing ran as nobody");
	cr_assert_eq(WEXITSTATUS(st), 0, "exit status %d", WEXITSTATUS(st));
	json_object_put(root);
	rm_tree(reports);
	free(reports);
	rm_tree(stage);
	free(stage);
	free(bin);
	free(catalog);
}

/* 1 if the folder has nothing in it (or cannot be read: then say so). */
static int folder_is_empty(const char *dir, char *first, size_t len)
{
	DIR *d = opendir(dir);
	cr_assert_not_null(d, "opendir %s: %s", dir, strerror(errno));
	int empty = 1;
	for (struct dirent *e; empty && (e = readdir(d)) != NULL;)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			snprintf(first, len, "%s", e->d_name);
			empty = 0;
		}
	closedir(d);
	return empty;
}

Test(robustness, subordinate_ids, .timeout = 180)
{
	char buf[4096];
	const char *catalog_src = catalog_dir(buf, sizeof(buf));
	if (geteuid() != 0)
		cr_skip_test("needs root to become nobody and to bind a range over /etc/subuid");
	if (access("/usr/bin/setpriv", X_OK) != 0 || access("/usr/bin/unshare", X_OK) != 0)
		cr_skip_test("no /usr/bin/setpriv or /usr/bin/unshare (util-linux)");
	cr_assert_eq(access("/usr/bin/newuidmap", X_OK), 0, "no newuidmap: apt-get install uidmap (ci/setup.sh does)");
	cr_assert_eq(access("/etc/subuid", F_OK) | access("/etc/subgid", F_OK), 0,
		     "no /etc/subuid or /etc/subgid (Debian's login package makes them)");
	char *bin, *catalog;
	char *stage = stage_for_nobody(harness_bin(), catalog_src, &bin, &catalog);
	char *reports = make_tmpdir(), *tmp = make_tmpdir();
	cr_assert_eq(chown(reports, 65534, 65534), 0, "chown %s: %s", reports, strerror(errno));
	cr_assert_eq(chown(tmp, 65534, 65534), 0, "chown %s: %s", tmp, strerror(errno));
	cr_assert_eq(chmod(tmp, 0755), 0, "chmod %s: %s", tmp, strerror(errno)); /* others pass, as in /tmp */
	char subid[4096];
	snprintf(subid, sizeof(subid), "%s/subid", stage);
	FILE *f = fopen(subid, "we");
	cr_assert_not_null(f, "%s: %s", subid, strerror(errno));
	fprintf(f, "nobody:200000:65536\n");
	cr_assert_eq(fclose(f), 0);
	char *argv[] = { "/usr/bin/unshare", "-m", "/bin/sh", "-c",
			 "mount --make-rprivate / && mount --bind \"$1\" /etc/subuid && mount --bind \"$1\" /etc/subgid && "
			 "exec env TMPDIR=\"$2\" /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups "
			 "\"$3\" run -q -j 2 --report-dir \"$4\" \"$5\"",
			 "sh", subid, tmp, bin, reports, catalog, NULL };
	int err_fd;
	pid_t pid = start_harness(argv, &err_fd, NULL);
	static char err[16384];
	ssize_t n = read_whole(err_fd, err, sizeof(err) - 1);
	close(err_fd);
	err[n > 0 ? n : 0] = '\0';
	int st = wait_exit(pid);
	cr_assert(WIFEXITED(st), "the harness died: status 0x%x; it said:\n%s", st, err);
	char path[4096];
	snprintf(path, sizeof(path), "%s/results.json", reports);
	cr_assert_eq(access(path, R_OK), 0, "the harness (exit %d) wrote no %s; it said:\n%s", WEXITSTATUS(st), path, err);

	json_object *root = load_results(reports), *list = scenario_list(root);
	int passed = 0, bad = 0;
	char report[4096] = "";
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *sc = json_object_array_get_idx(list, i);
		const char *name = str_of(sc, "name"), *outcome = str_of(sc, "outcome"), *reason = str_of(sc, "reason");
		int ok = strcmp(outcome, "PASS") == 0 ||
			 (strcmp(outcome, "SKIP") == 0 && !strstr(reason, "needs root") && !strstr(reason, "runs as"));
		passed += strcmp(outcome, "PASS") == 0;
		if (!ok) {
			bad++;
			size_t len = strlen(report);
			snprintf(report + len, sizeof(report) - len, "\n  %s %s: %s", name, outcome, reason);
		}
	}
	cr_assert_eq(bad, 0, "%d scenario(s) did not pass as nobody with subordinate ids:%s", bad, report);
	static const char *const of_other_ids[] = { "rmid-eperm-stranger", "perms-eacces-stranger", "shm-lock",
						     "ltp-shmctl04", "ipc-set-mode-ctime" };
	for (size_t i = 0; i < sizeof(of_other_ids) / sizeof(of_other_ids[0]); i++) {
		json_object *sc = find_scenario(root, of_other_ids[i]);
		cr_assert_not_null(sc, "no scenario %s in the catalog", of_other_ids[i]);
		cr_assert_str_eq(str_of(sc, "outcome"), "PASS", "%s: %s %s", of_other_ids[i], str_of(sc, "outcome"),
				 str_of(sc, "reason"));
	}
	cr_log_info("as nobody with subordinate ids: %d passed", passed);
	char left[256];
	cr_assert(folder_is_empty(tmp, left, sizeof(left)), "the scenarios left %s/%s behind", tmp, left);
	cr_assert_eq(WEXITSTATUS(st), 0, "exit status %d; it said:\n%s", WEXITSTATUS(st), err);
	json_object_put(root);
	rm_tree(reports);
	free(reports);
	rm_tree(tmp);
	free(tmp);
	rm_tree(stage);
	free(stage);
	free(bin);
	free(catalog);
}
