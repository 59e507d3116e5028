/* test_sandbox.c - a scenario never touches the host's segments, leaves no
 * process and no namespace behind, and scenarios run side by side. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine_fixture.h"
#include "shmlife/parse.h"
#include "../framework/src/engine/sandbox.h"
#include "support/tmp_fixture.h"
#include <sys/stat.h>

/* Processes on the host whose namespace `kind` has inode `ino`. */
static int processes_in_namespace(const char *kind, uint64_t ino)
{
	char want[64], path[300], link[64];
	snprintf(want, sizeof(want), "%s:[%llu]", kind, (unsigned long long)ino);
	DIR *d = opendir("/proc");
	cr_assert_not_null(d);
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9') {
			snprintf(path, sizeof(path), "/proc/%s/ns/%s", de->d_name, kind);
			ssize_t len = readlink(path, link, sizeof(link) - 1);
			if (len > 0) {
				link[len] = '\0';
				n += strcmp(link, want) == 0;
			}
		}
	closedir(d);
	return n;
}

static int64_t sl_test_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* pidfds of up to `max` processes in the namespace. */
static int pidfds_in_namespace(const char *kind, uint64_t ino, int *fds, int max)
{
	char want[64], path[300], link[64];
	snprintf(want, sizeof(want), "%s:[%llu]", kind, (unsigned long long)ino);
	DIR *d = opendir("/proc");
	int n = 0;
	struct dirent *de;
	while (d && n < max && (de = readdir(d)))
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9') {
			snprintf(path, sizeof(path), "/proc/%s/ns/%s", de->d_name, kind);
			ssize_t len = readlink(path, link, sizeof(link) - 1);
			if (len <= 0)
				continue;
			link[len] = '\0';
			int fd = strcmp(link, want) == 0 ? (int)syscall(SYS_pidfd_open, atoi(de->d_name), 0) : -1;
			if (fd >= 0)
				fds[n++] = fd;
		}
	if (d)
		closedir(d);
	return n;
}

Test(sandbox, host_segment_with_the_same_key_is_untouched)
{
	key_t key = 0x5e1f0001;
	int host = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	cr_assert_geq(host, 0, "host segment: %s", strerror(errno));
	struct shmid_ds before, after;
	cr_assert_eq(shmctl(host, IPC_STAT, &before), 0);

	struct sl_scenario *s = sl_scenario_new("same-key");
	int owner = sl_scenario_add_actor(s, "owner");
	int seg = sl_scenario_add_slot(s, "seg"), a = sl_scenario_add_slot(s, "a");
	/* EXCL succeeds: the scenario does not see the host's segment */
	sl_add_shmget(s, owner, sl_num(key), 8192, IPC_CREAT | IPC_EXCL | 0600, seg);
	sl_add_shmat(s, owner, seg, 0, a);
	sl_add_write(s, owner, a, 0, "scenario", 8);
	sl_step_add_pred(sl_add_expect(s, SL_TARGET_NAMESPACE, sl_num(0)), SL_F_SEGMENTS, SL_CMP_EQ, sl_num(1));
	sl_add_shmctl(s, owner, seg, IPC_RMID);
	struct sl_result r = run_scenario(s, 0);

	int still = shmctl(host, IPC_STAT, &after);
	shmctl(host, IPC_RMID, NULL);
	assert_passed(r);
	cr_assert_eq(still, 0, "the host segment still exists");
	cr_assert_eq(after.shm_perm.__key, key);
	cr_assert_eq(after.shm_segsz, 4096);
	cr_assert_eq(after.shm_nattch, 0);
	cr_assert_eq(after.shm_ctime, before.shm_ctime);
	cr_assert_eq(after.shm_atime, 0);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* Opens the namespace `kind` of a process of the host that is in the one
 * with inode `ino`; -1 if none is.  Held open, the namespace (and so its
 * inode number) stays: the kernel hands a freed namespace's inode number to
 * the next namespace made, by any test running beside this one, so a
 * leftover check by number alone can count another scenario's processes. */
static int hold_namespace(const char *kind, uint64_t ino)
{
	char want[64], path[300], link[64];
	snprintf(want, sizeof(want), "%s:[%llu]", kind, (unsigned long long)ino);
	DIR *d = opendir("/proc");
	int fd = -1;
	struct dirent *de;
	while (d && fd < 0 && (de = readdir(d)))
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9') {
			snprintf(path, sizeof(path), "/proc/%s/ns/%s", de->d_name, kind);
			ssize_t len = readlink(path, link, sizeof(link) - 1);
			if (len <= 0)
				continue;
			link[len] = '\0';
			if (strcmp(link, want) == 0)
				fd = open(path, O_RDONLY | O_CLOEXEC);
		}
	if (d)
		closedir(d);
	return fd;
}

Test(sandbox, nothing_is_left_after_fork_crash_and_timeout)
{
	struct sl_scenario *s = sl_scenario_new("leftovers");
	int owner = sl_scenario_add_actor(s, "owner"), sleeper = sl_scenario_add_actor(s, "sleeper");
	int seg = sl_scenario_add_slot(s, "seg"), a = sl_scenario_add_slot(s, "a");
	int child;
	sl_add_shmget(s, owner, sl_auto_key(), 4096, IPC_CREAT | 0600, seg);
	sl_add_shmat(s, owner, seg, 0, a);
	sl_add_fork(s, owner, "child", &child);
	sl_add_crash(s, owner, SIGKILL);
	const char *const hang[] = { "/bin/sleep", "600", NULL };
	sl_add_exec(s, sleeper, hang);
	struct sl_run_options o;
	sl_run_options_default(&o);
	o.step_timeout_ms = 300;
	struct sl_job *j = sl_job_start(s, &o);
	cr_assert_not_null(j);
	/* the namespaces are held from the moment the conductor names them */
	int ipc_fd = -1, pid_fd = -1;
	while (sl_job_fd(j) >= 0) {
		const struct sl_result *now = sl_job_peek(j);
		if (now->ipc_ns && ipc_fd < 0) {
			ipc_fd = hold_namespace("ipc", now->ipc_ns);
			pid_fd = hold_namespace("pid", now->pid_ns);
		}
		int left = (int)(sl_job_deadline_ms(j) - sl_test_now_ms());
		struct pollfd p = { .fd = sl_job_fd(j), .events = POLLIN };
		if (left <= 0 || poll(&p, 1, left) <= 0 || !sl_job_pump(j))
			break;
	}
	struct sl_result r;
	sl_job_finish(j, &r);
	cr_assert_eq(r.outcome, SL_TIMEOUT, "%s", r.reason);
	cr_assert_neq(r.ipc_ns, 0, "the conductor named its namespaces");
	cr_assert_geq(ipc_fd, 0, "the scenario's IPC namespace was held while it ran");
	cr_assert_geq(pid_fd, 0, "the scenario's PID namespace was held while it ran");
	cr_assert_eq(processes_in_namespace("ipc", r.ipc_ns), 0, "no process is left in its IPC namespace");
	cr_assert_eq(processes_in_namespace("pid", r.pid_ns), 0, "no process is left in its PID namespace");
	close(ipc_fd);
	close(pid_fd);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(sandbox, scenarios_run_in_parallel_each_in_its_own_namespace)
{
	enum { N = 6 };
	struct sl_scenario *s = sl_scenario_new("parallel");
	int owner = sl_scenario_add_actor(s, "owner");
	int seg = sl_scenario_add_slot(s, "seg");
	/* the same key and EXCL in every job: only separate namespaces let all pass */
	sl_add_shmget(s, owner, sl_num(0x1234), 4096, IPC_CREAT | IPC_EXCL | 0600, seg);
	sl_step_add_pred(sl_add_expect(s, SL_TARGET_NAMESPACE, sl_num(0)), SL_F_SEGMENTS, SL_CMP_EQ, sl_num(1));
	sl_add_shmctl(s, owner, seg, IPC_RMID);
	struct sl_job *jobs[N];
	for (int i = 0; i < N; i++)
		cr_assert_not_null(jobs[i] = sl_job_start(s, NULL));
	int running = N;
	while (running) {
		struct pollfd p[N];
		for (int i = 0; i < N; i++)
			p[i] = (struct pollfd){ .fd = jobs[i] ? sl_job_fd(jobs[i]) : -1, .events = POLLIN };
		cr_assert_geq(poll(p, N, 10000), 1, "bounded wait for a job to say something");
		for (int i = 0; i < N; i++)
			if (jobs[i] && p[i].revents && !sl_job_pump(jobs[i])) {
				struct sl_result r;
				sl_job_finish(jobs[i], &r);
				jobs[i] = NULL;
				running--;
				assert_passed(r);
				sl_result_free(&r);
			}
	}
	sl_scenario_free(s);
}

/* Waits (bounded) until no process is left in the namespace: polls the
 * pidfds of those still in it, and reaps the orphans that come to this test
 * (a subreaper) as zombies.  Returns how many are left. */
static int wait_namespace_empty(const char *kind, uint64_t ino, int timeout_ms)
{
	int64_t deadline = sl_test_now_ms() + timeout_ms;
	int left;
	while ((left = processes_in_namespace(kind, ino)) > 0 && sl_test_now_ms() < deadline) {
		while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
			;
		if ((left = processes_in_namespace(kind, ino)) == 0)
			break;
		int fds[64], n = pidfds_in_namespace(kind, ino, fds, 64);
		struct pollfd p[64];
		for (int i = 0; i < n; i++)
			p[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		poll(p, (nfds_t)n, (int)(deadline - sl_test_now_ms()));
		for (int i = 0; i < n; i++)
			close(fds[i]);
	}
	return left;
}

Test(sandbox, harness_killed_by_sigkill_takes_the_scenario_with_it)
{
	/* orphans of the killed harness come here, so that their end is seen */
	cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	int p[2];
	cr_assert_eq(pipe(p), 0);
	pid_t harness = fork();
	cr_assert_geq(harness, 0);
	if (harness == 0) {
		/* a harness running a hanging scenario, which tells its namespace */
		close(p[0]);
		struct sl_scenario *s = sl_scenario_new("orphan");
		int owner = sl_scenario_add_actor(s, "owner");
		int seg = sl_scenario_add_slot(s, "seg"), a = sl_scenario_add_slot(s, "a");
		sl_add_shmget(s, owner, sl_auto_key(), 4096, IPC_CREAT | 0600, seg);
		sl_add_shmat(s, owner, seg, 0, a);
		const char *const hang[] = { "/bin/sleep", "600", NULL };
		sl_add_exec(s, owner, hang);
		struct sl_job *j = sl_job_start(s, NULL);
		int told = 0;
		while (sl_job_pump(j))
			if (!told && sl_job_peek(j)->ntrace >= 3) {
				uint64_t ns[2] = { sl_job_peek(j)->ipc_ns, sl_job_peek(j)->pid_ns };
				told = write(p[1], ns, sizeof(ns)) == sizeof(ns);
			}
		_exit(0);
	}
	close(p[1]);
	uint64_t ns[2];
	cr_assert_eq(read(p[0], ns, sizeof(ns)), (ssize_t)sizeof(ns), "the scenario started");
	close(p[0]);
	cr_assert_gt(processes_in_namespace("pid", ns[1]), 1, "its processes are running");
	kill(harness, SIGKILL);
	int st;
	cr_assert_eq(waitpid(harness, &st, 0), harness);
	cr_assert_eq(wait_namespace_empty("pid", ns[1], 10000), 0, "no process is left");
	cr_assert_eq(processes_in_namespace("ipc", ns[0]), 0, "the IPC namespace is gone with them");
}

/* ---- the scratch folder and the network (issue 13 item 5) ------------------- */

static const char *const scratch_script =
	"scenario scratch\n"
	"actors: a\n"
	"a exec sh -c \"echo x > \\\"$SHMLIFE_TMP/f\\\"; printf %s \\\"$SHMLIFE_TMP\\\"\"\n";

static struct sl_result run_with(const struct sl_scenario *s, const char *root, int keep)
{
	struct sl_run_options o;
	sl_run_options_default(&o);
	o.scratch_root = root;
	o.keep_scratch = keep;
	struct sl_result r;
	cr_assert_eq(sl_run(s, &o, &r), 0);
	return r;
}

Test(sandbox, the_scratch_folder_is_removed_with_what_the_scenario_wrote)
{
	char root[] = "/tmp/shmlife-test-scratch-XXXXXX";
	cr_assert_not_null(mkdtemp(root));
	struct sl_scenario *s = parse_scenario(scratch_script);
	struct sl_result r = run_with(s, root, 0);
	cr_expect_eq(r.outcome, SL_PASS, "%s", r.reason);
	const struct sl_output *o = sl_result_output(&r, 0, 1);
	cr_assert(o && o->len > strlen(root), "the program named its scratch folder");
	cr_expect(strncmp(o->data, root, strlen(root)) == 0, "%s is in %s", o->data, root);
	struct stat st;
	cr_expect(stat(o->data, &st) < 0 && errno == ENOENT, "%s is gone", o->data);
	cr_expect_eq(r.scratch[0], '\0');
	sl_result_free(&r);

	r = run_with(s, root, 2); /* kept: renamed, named in the result, with the file */
	cr_assert_neq(r.scratch[0], '\0');
	char f[300];
	snprintf(f, sizeof(f), "%s/f", r.scratch);
	cr_expect_eq(stat(f, &st), 0, "%s kept", f);
	cr_expect(strstr(r.scratch, "/shmlife-kept-scratch-"), "%s", r.scratch);
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -r '%s' && rmdir '%s'", r.scratch, root);
	cr_expect_eq(system(cmd), 0);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* A scenario that runs no program, uses no {{$NAME}} and finds no process
 * by pid file gets no scratch folder: nothing of it could reach one, and
 * making and removing it was a twentieth of a small scenario's time.  Shown
 * with a scratch root that does not exist: before, such a scenario was BROK
 * ("cannot make the scenario's scratch folder"); one that runs a program
 * still is. */
Test(sandbox, a_scenario_that_runs_no_program_gets_no_scratch_folder)
{
	char root[] = "/tmp/shmlife-test-noscratch-XXXXXX";
	cr_assert_not_null(mkdtemp(root));
	cr_assert_eq(rmdir(root), 0);
	struct sl_scenario *s = parse_scenario("scenario plain\nactors: a\n"
					       "a shmget key=IPC_PRIVATE size=4096 -> seg\n"
					       "expect seg size=4096\n"
					       "a shmctl seg IPC_RMID\n");
	struct sl_result r = run_with(s, root, 2);
	cr_expect_eq(r.outcome, SL_PASS, "%s: %s", sl_outcome_name(r.outcome), r.reason);
	cr_expect_eq(r.scratch[0], '\0', "no folder to keep: %s", r.scratch);
	sl_result_free(&r);
	sl_scenario_free(s);

	s = parse_scenario(scratch_script);
	r = run_with(s, root, 0);
	cr_expect_eq(r.outcome, SL_BROK, "%s", sl_outcome_name(r.outcome));
	cr_expect(strstr(r.reason, "cannot make the scenario's scratch folder"), "%s", r.reason);
	struct stat st;
	cr_expect(stat(root, &st) < 0 && errno == ENOENT, "nothing made in its place");
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* A scratch root on an overlay whose layers are on two file systems (a
 * container's /tmp; the guest of run --kernel): there a file's st_dev is its
 * layer's, not the overlay's, and a removal that would not cross file
 * systems (nftw's FTW_MOUNT) skipped every file, so the folder stayed and
 * the scenario was BROK.  The test makes such an overlay in a mount
 * namespace of its own. */
Test(sandbox, the_scratch_folder_on_an_overlay_of_two_file_systems_is_removed)
{
	cr_assert_eq(unshare(CLONE_NEWNS), 0, "unshare: %s", strerror(errno));
	cr_assert_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	char base[] = "/tmp/shmlife-test-overlay-XXXXXX";
	cr_assert_not_null(mkdtemp(base));
	char lower[300], upper[300], merged[300], opts[1000];
	snprintf(lower, sizeof(lower), "%s/lower", base);
	snprintf(upper, sizeof(upper), "%s/upper", base);
	snprintf(merged, sizeof(merged), "%s/merged", base);
	cr_assert_eq(mount("lower", base, "tmpfs", 0, NULL), 0); /* nothing of it outlives the namespace */
	cr_assert_eq(mkdir(lower, 0755) | mkdir(upper, 0755) | mkdir(merged, 0755), 0);
	cr_assert_eq(mount("upper", upper, "tmpfs", 0, NULL), 0, "a second file system for the upper layer");
	snprintf(opts, sizeof(opts), "%s/u", upper);
	cr_assert_eq(mkdir(opts, 0755), 0);
	snprintf(opts, sizeof(opts), "%s/w", upper);
	cr_assert_eq(mkdir(opts, 0755), 0);
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s/u,workdir=%s/w", lower, upper, upper);
	if (mount("overlay", merged, "overlay", 0, opts) < 0)
		cr_skip_test("this kernel cannot mount an overlay here: %s", strerror(errno));
	struct sl_scenario *s = parse_scenario(scratch_script);
	struct sl_result r = run_with(s, merged, 0);
	cr_expect_eq(r.outcome, SL_PASS, "%s", r.reason);
	DIR *d = opendir(merged);
	cr_assert_not_null(d);
	struct dirent *e;
	int left = 0;
	while ((e = readdir(d)))
		left += e->d_name[0] != '.';
	closedir(d);
	cr_expect_eq(left, 0, "nothing is left in the scratch root");
	cr_expect_eq(umount2(base, MNT_DETACH), 0);
	cr_expect_eq(rmdir(base), 0, "the test leaves nothing in /tmp");
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(sandbox, scratch_folders_of_a_harness_killed_before_are_swept)
{
	char root[] = "/tmp/shmlife-test-sweep-XXXXXX";
	cr_assert_not_null(mkdtemp(root));
	pid_t dead = fork();
	if (dead == 0)
		_exit(0);
	cr_assert_eq(waitpid(dead, NULL, 0), dead);
	char left[300], other[300];
	snprintf(left, sizeof(left), "%s/shmlife-%d-old-AbCdEf", root, (int)dead);
	snprintf(other, sizeof(other), "%s/shmlife-kept-old-AbCdEf", root);
	cr_assert_eq(mkdir(left, 0700), 0);
	cr_assert_eq(mkdir(other, 0700), 0);
	char file[320];
	snprintf(file, sizeof(file), "%s/data", left);
	FILE *fp = fopen(file, "w");
	cr_assert_not_null(fp);
	fclose(fp);
	struct sl_scenario *s = parse_scenario(scratch_script);
	struct sl_result r = run_with(s, root, 0);
	cr_expect_eq(r.outcome, SL_PASS, "%s", r.reason);
	struct stat st;
	cr_expect(stat(left, &st) < 0 && errno == ENOENT, "%s swept", left);
	cr_expect_eq(stat(other, &st), 0, "a kept folder stays");
	rmdir(other);
	cr_expect_eq(rmdir(root), 0, "nothing else left in %s", root);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* More actors than descriptors the conductor may have is refused before
 * the first actor, saying which limit and how to lift it (it used to be an
 * EMFILE at some actor in the middle).  Root may raise the hard limit (the
 * conductor does); here it has given up CAP_SYS_RESOURCE. */
/* In a child: the hard limit of descriptors `limit`, CAP_SYS_RESOURCE
 * given up (so that the conductor cannot raise it), then the scenario run;
 * the child exits 0 if its outcome is `want` and its reason holds `needle`
 * (NULL: any). */
static void run_under_fd_limit(rlim_t limit, const char *script, enum sl_outcome want, const char *needle)
{
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct rlimit rl = { limit, limit };
		struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct d[2];
		memset(d, 0, sizeof(d));
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0 || syscall(SYS_capget, &h, d) < 0)
			_exit(10);
		d[CAP_SYS_RESOURCE / 32].effective &= ~(1u << (CAP_SYS_RESOURCE % 32));
		d[CAP_SYS_RESOURCE / 32].permitted &= ~(1u << (CAP_SYS_RESOURCE % 32));
		if (syscall(SYS_capset, &h, d) < 0)
			_exit(11);
		struct sl_scenario *s = parse_scenario(script);
		struct sl_result r = run_scenario(s, 0);
		int ok = r.outcome == want && (!needle || strstr(r.reason, needle));
		if (!ok)
			fprintf(stderr, "%s: %s\n", sl_outcome_name(r.outcome), r.reason);
		_exit(ok ? 0 : 1);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
}

Test(sandbox, more_actors_than_descriptors_is_refused_with_the_limit_named)
{
	run_under_fd_limit(128, "scenario many\nactors: w[100]\nw shmget key=IPC_PRIVATE size=1 -> seg\n", SL_BROK,
			   "100 actors need about 164 descriptors in the conductor; RLIMIT_NOFILE allows 128");
}

/* An actor the conductor starts costs it one descriptor, its channel: its
 * pidfd is opened only when its end is awaited (a crash, the teardown).  It
 * used to cost two, so 10 000 actors were refused where RLIMIT_NOFILE is
 * 20 000 (and 100 here, under 200).  The crashed actor's end and every
 * other's are still seen. */
/* A scenario's /dev/shm is its own: POSIX shared memory a program leaves
 * there goes with the scenario.  PostgreSQL's dynamic shared memory, left
 * by every postmaster `shmlife explore` killed, was piling up in the
 * machine's /dev/shm (two files a crash point). */
Test(sandbox, posix_shared_memory_a_program_leaves_goes_with_the_scenario)
{
	char name[64], script[512], path[128];
	snprintf(name, sizeof(name), "shmlife-test-left-%d", (int)getpid());
	snprintf(path, sizeof(path), "/dev/shm/%s", name);
	snprintf(script, sizeof(script),
		 "scenario devshm-of-its-own\nactors: a\n"
		 "a exec /bin/sh -c \"echo x > %s && test -s %s && ! test -e /dev/shm/shmlife-test-host-%d\"\n",
		 path, path, (int)getpid());
	char host[128];
	snprintf(host, sizeof(host), "/dev/shm/shmlife-test-host-%d", (int)getpid());
	int fd = open(host, O_CREAT | O_WRONLY | O_CLOEXEC, 0600); /* the machine's, not the scenario's */
	cr_assert_geq(fd, 0, "%s: %s", host, strerror(errno));
	close(fd);
	struct sl_scenario *s = parse_scenario(script);
	struct sl_result r = run_scenario(s, 0);
	cr_expect_eq(r.outcome, SL_PASS, "the program wrote its file, and saw none of the machine's: %s", r.reason);
	cr_expect_neq(access(path, F_OK), 0, "nothing left in the machine's /dev/shm");
	unlink(path);
	unlink(host);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(sandbox, an_actor_costs_the_conductor_one_descriptor)
{
	run_under_fd_limit(200,
			   "scenario many\nactors: w[100]\n"
			   "w[0] shmget key=IPC_PRIVATE size=4096 -> seg\n"
			   "w shmat seg -> a\n"
			   "expect seg nattch=100\n"
			   "w[7] crash SIGKILL\n"
			   "expect w[7] killed=SIGKILL\n"
			   "expect seg nattch=99\n"
			   "w[0] shmctl seg IPC_RMID\n",
			   SL_PASS, NULL);
}

/* Only a scenario that runs a program gets a network namespace: shmlife's
 * own steps never touch the network, and one costs about 0.5 ms. */
Test(sandbox, only_a_scenario_that_runs_a_program_gets_a_network_namespace)
{
	struct sl_scenario *s = parse_scenario("scenario n\nactors: a\na shmget key=IPC_PRIVATE size=1 -> seg\n");
	int base = CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNS;
	cr_expect_eq(sl_sandbox_namespaces(s, 0), base, "no program, no network");
	cr_expect_eq(sl_sandbox_namespaces(s, 1), base | CLONE_NEWUSER);
	sl_scenario_free(s);
	s = parse_scenario("scenario n\nactors: a\na shmget key=IPC_PRIVATE size=1 -> seg\na exec shmlife-netns\n");
	cr_expect_eq(sl_sandbox_namespaces(s, 0), base | CLONE_NEWNET);
	sl_scenario_free(s);
	s = parse_scenario("scenario n\nnetwork: host\nactors: a\na exec shmlife-netns\n");
	cr_expect_eq(sl_sandbox_namespaces(s, 0), base);
	sl_scenario_free(s);
}

/* "net: net:[4026531840]" from shmlife-netns's stdout */
static void net_of_program(const struct sl_result *r, char *buf, size_t len)
{
	const struct sl_output *o = sl_result_output(r, 0, 1);
	cr_assert(o, "%s", r->reason);
	cr_assert(sscanf(o->data, "net: %63s", buf) == 1 && len >= 64, "%s", o->data);
}

Test(sandbox, a_scenario_has_a_network_of_its_own_unless_it_says_host)
{
	char mine[64], theirs[64];
	ssize_t n = readlink("/proc/self/ns/net", mine, sizeof(mine) - 1);
	cr_assert_gt(n, 0);
	mine[n] = '\0';
	struct sl_scenario *s = parse_scenario("scenario net\nactors: a\na exec shmlife-netns\n"
					   "expect a stdout ~ \"^loopback: up$\"\n");
	struct sl_result r = run_scenario(s, 0);
	cr_expect_eq(r.outcome, SL_PASS, "%s", r.reason);
	net_of_program(&r, theirs, sizeof(theirs));
	cr_expect_str_neq(theirs, mine);
	sl_result_free(&r);
	sl_scenario_free(s);

	s = parse_scenario("scenario net\nnetwork: host\nactors: a\na exec shmlife-netns\n");
	r = run_scenario(s, 0);
	cr_expect_eq(r.outcome, SL_PASS, "%s", r.reason);
	net_of_program(&r, theirs, sizeof(theirs));
	cr_expect_str_eq(theirs, mine);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* ---- subordinate ids (subid.c): a plain user's range, as newuidmap reads it ---- */
#include "../framework/src/engine/subid.h"

static void subid_file(char *path, size_t len, const char *text)
{
	snprintf(path, len, "/tmp/shmlife-subid-XXXXXX");
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0, "mkstemp: %s", strerror(errno));
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

Test(subid, a_range_is_found_by_name_or_by_uid_and_must_hold_the_ids_needed)
{
	if (access("/usr/bin/newuidmap", X_OK) != 0 || access("/usr/bin/newgidmap", X_OK) != 0)
		cr_skip_test("no newuidmap/newgidmap (apt-get install uidmap; ci/setup.sh does)");
	char u[64], g[64], why[400];
	subid_file(u, sizeof(u), "# comment\nalice:100000:65536\nbob:300000:10\nbob:400000:70000\n");
	subid_file(g, sizeof(g), "1001:500000:65536\n");
	struct sl_subids ids;
	cr_assert_eq(sl_subids_find_in(u, g, "bob", 1001, 5, &ids, why, sizeof(why)), 0, "%s", why);
	cr_expect_eq(ids.uid_start, 300000);
	cr_expect_eq(ids.uid_count, 10);
	cr_expect_eq(ids.gid_start, 500000, "the group range is bob's by uid 1001");
	cr_assert_eq(sl_subids_find_in(u, g, "bob", 1001, 65534, &ids, why, sizeof(why)), 0, "%s", why);
	cr_expect_eq(ids.uid_start, 400000, "the first of bob's ranges that holds 65534 ids");
	cr_assert_eq(sl_subids_find_in(u, g, "bob", 1001, 70001, &ids, why, sizeof(why)), -1);
	cr_expect(strstr(why, "a range of 70001 ids for bob in ") && strstr(why, u), "%s", why);
	cr_assert_eq(sl_subids_find_in(u, g, "carol", 1002, 1, &ids, why, sizeof(why)), -1);
	cr_expect(strstr(why, "for carol in ") && strstr(why, "'carol:100000:65536'"), "%s", why);
	cr_assert_eq(sl_subids_find_in(u, "/nonexistent/subgid", "alice", 1000, 1, &ids, why, sizeof(why)), -1);
	cr_expect(strstr(why, "/nonexistent/subgid"), "%s", why);
	unlink(u);
	unlink(g);
}

/* ---- the CPU a scenario's processes share (cpu.h) --------------------------- */

/* The Cpus_allowed_list of the line of `out` that begins with `prefix`
 * ("/proc/1/status:"), into list; 0 if there is none. */
static int cpus_of(const char *out, const char *prefix, char *list, size_t len)
{
	const char *line = strstr(out, prefix);
	if (!line || !(line = strstr(line, "Cpus_allowed_list:")))
		return 0;
	line += strlen("Cpus_allowed_list:");
	line += strspn(line, " \t");
	size_t n = strcspn(line, "\n");
	snprintf(list, len, "%.*s", (int)n, line);
	return 1;
}

/* A scenario's conductor and actors take turns and are bound to one CPU
 * (a round trip between two processes costs several times less on one CPU
 * of a virtual machine than across two); a program a step runs gets back
 * every CPU the harness had.  Before, all of them had every CPU. */
Test(sandbox, a_scenarios_processes_share_one_cpu_and_its_programs_get_the_harness_cpus)
{
	cpu_set_t mine;
	cr_assert_eq(sched_getaffinity(0, sizeof(mine), &mine), 0);
	if (CPU_COUNT(&mine) < 2)
		cr_skip_test("this process may use one CPU only: nothing to bind to");
	char harness[256] = "";
	FILE *f = fopen("/proc/self/status", "r");
	cr_assert_not_null(f);
	char all[8192];
	size_t n = fread(all, 1, sizeof(all) - 1, f);
	all[n] = '\0';
	fclose(f);
	cr_assert(cpus_of(all, "Name:", harness, sizeof(harness)), "the test's own CPUs");

	struct sl_scenario *s = parse_scenario(
		"scenario cpus\nactors: a, b\n"
		"a exec sh -c \"grep Cpus_allowed_list: /proc/1/status /proc/$PPID/status /proc/self/status\"\n"
		"b exec sh -c \"grep -H Cpus_allowed_list: /proc/$PPID/status\"\n");
	struct sl_result r = run_with(s, NULL, 0);
	cr_assert_eq(r.outcome, SL_PASS, "%s", r.reason);
	const struct sl_output *oa = sl_result_output(&r, 0, 1), *ob = sl_result_output(&r, 1, 1);
	cr_assert(oa && ob, "both programs said something");
	char conductor[64], actor_a[64], program[256], actor_b[64];
	cr_assert(cpus_of(oa->data, "/proc/1/status:", conductor, sizeof(conductor)), "%s", oa->data);
	const char *second = strchr(oa->data, '\n');
	cr_assert(second && cpus_of(second + 1, "/proc/", actor_a, sizeof(actor_a)), "%s", oa->data);
	cr_assert(cpus_of(oa->data, "/proc/self/status:", program, sizeof(program)), "%s", oa->data);
	cr_assert(cpus_of(ob->data, "/proc/", actor_b, sizeof(actor_b)), "%s", ob->data);
	cr_expect(strspn(conductor, "0123456789") == strlen(conductor), "the conductor is bound to one CPU: %s",
		  conductor);
	cr_expect_str_eq(actor_a, conductor, "actor a shares it");
	cr_expect_str_eq(actor_b, conductor, "actor b shares it");
	cr_expect_str_eq(program, harness, "the program has every CPU the harness had");
	sl_result_free(&r);
	sl_scenario_free(s);
}

#include "../framework/src/util/cpu.h"

/* Scenarios that run at once are spread over the CPUs the harness may use:
 * the second taken while the first runs is another CPU; a CPU given back
 * is chosen before one still taken. */
Test(sandbox, scenarios_at_once_are_spread_over_the_cpus)
{
	cpu_set_t mine;
	cr_assert_eq(sched_getaffinity(0, sizeof(mine), &mine), 0);
	if (CPU_COUNT(&mine) < 2) {
		cr_expect_eq(sl_cpu_take(), -1, "one CPU: none is chosen");
		return;
	}
	int first = sl_cpu_take(), second = sl_cpu_take();
	cr_assert(first >= 0 && second >= 0);
	cr_expect(CPU_ISSET(first, &mine) && CPU_ISSET(second, &mine), "CPUs the harness may use");
	cr_expect_neq(first, second, "the second scenario is on another CPU");
	sl_cpu_give_back(first);
	int again = sl_cpu_take();
	cr_expect_neq(again, second, "a CPU given back is chosen before the one still taken");
	sl_cpu_give_back(again);
	sl_cpu_give_back(second);
}

/* ---- a big group's spawner, exec'd ------------------------------------------ */

/* A group of 64 or more actors is forked from the run's spawner program
 * (sl_run_options.spawner_program), exec'd with `__spawner` and the
 * record of the scenario's actors: here a wrapper of the test's that notes
 * each call and execs shmlife with it.  The scenario passes, every actor
 * of the group attached, and the wrapper was run once, with the record's
 * and the channel's descriptors, the key, the changed signals, the kept
 * CPUs and no lean actor. */
static const char big_group[] = "scenario big\nactors: owner, w[70]\n"
				"owner shmget key=IPC_PRIVATE size=4096 -> seg\n"
				"w shmat seg -> a\n"
				"expect seg nattch=70\n"
				"w[69] crash SIGKILL\n"
				"expect w[69] killed=SIGKILL\n"
				"expect seg nattch=69\n"
				"owner shmctl seg IPC_RMID\n";

static void make_spawner_dir(void)
{
	tmpdir_make("/tmp/shmlife-spawner.XXXXXX");
}

Test(sandbox, a_big_group_is_forked_from_the_spawner_program, .init = make_spawner_dir, .fini = remove_tmpdir)
{
	const char *shmlife = getenv("SHMLIFE_BIN");
	cr_assert_not_null(shmlife, "SHMLIFE_BIN is set by ctest");
	char wrapper[128], log[128];
	snprintf(wrapper, sizeof(wrapper), "%s/spawner", tmpdir);
	snprintf(log, sizeof(log), "%s/log", tmpdir);
	FILE *f = fopen(wrapper, "w");
	cr_assert_not_null(f);
	fprintf(f, "#!/bin/sh\necho \"$@\" >> '%s'\nexec '%s' \"$@\"\n", log, shmlife);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(chmod(wrapper, 0755), 0);
	struct sl_scenario *s = parse_scenario(big_group);
	struct sl_run_options o;
	sl_run_options_default(&o);
	o.spawner_program = wrapper;
	struct sl_result r;
	cr_assert_eq(sl_run(s, &o, &r), 0);
	cr_expect_eq(r.outcome, SL_PASS, "%s", r.reason);
	char *text = NULL;
	size_t cap = 0;
	f = fopen(log, "r");
	cr_assert_not_null(f, "the spawner program was never run");
	ssize_t len = getdelim(&text, &cap, '\0', f);
	fclose(f);
	cr_assert_gt(len, 0);
	int rec = -1, ctl = -1, n = 0;
	long long key = 0;
	char changed[32] = "", kept[64] = "", lean[64] = "";
	cr_expect_eq(sscanf(text, "__spawner %d %d %lld %31s %63s %63s\n%n", &rec, &ctl, &key, changed, kept, lean, &n), 6,
		     "%s", text);
	cr_expect_eq((size_t)n, strlen(text), "run once: %s", text);
	cr_expect(rec > 2 && ctl > 2 && key != 0, "%s", text);
	cr_expect_str_eq(lean, "-");
	free(text);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* A spawner program that cannot be exec'd: the forked spawner starts the
 * group itself, and the scenario passes. */
Test(sandbox, a_spawner_program_that_cannot_run_leaves_the_forked_spawner)
{
	struct sl_scenario *s = parse_scenario(big_group);
	struct sl_run_options o;
	sl_run_options_default(&o);
	o.spawner_program = "/nonexistent/shmlife";
	struct sl_result r;
	cr_assert_eq(sl_run(s, &o, &r), 0);
	cr_expect_eq(r.outcome, SL_PASS, "%s", r.reason);
	sl_result_free(&r);
	sl_scenario_free(s);
}
