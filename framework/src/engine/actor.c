/* actor.c - what an actor does with each command: the real syscalls
 * (shmget, shmat, shmdt, shmctl, ftok, fork, exit, kill, the daemon
 * recipe's calls, `catch`, whose handler records which signals arrived) and
 * memory reads and writes through an attachment (actor_memory.c); exec:
 * actor_exec.c.
 * It reports the return value and errno, never interprets them: judging is
 * the conductor's job. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cpu.h"
#include "actor.h"
#include "inject.h"
#include "observe_raw.h"
#include "shmlife/observe.h"
#include "util.h"
#include "wire.h"

/* Signals the handlers of `catch` have seen: bit n-1 for signal n. */
static uint64_t caught_signals;

/* The conductor set every disposition to default when it started
 * (conductor_signals_default); what it changed since is in `changed`. */
static void reset_signals(uint64_t changed)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (int sig = 1; sig <= 64 && sig < NSIG; sig++)
		if (changed & (UINT64_C(1) << (sig - 1)))
			sigaction(sig, &sa, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static int setup_stdio(int tty_fd)
{
	int fd = tty_fd >= 0 ? tty_fd : open("/dev/null", O_RDWR);
	if (fd < 0)
		return -1;
	for (int i = 0; i < 3; i++)
		if (fd != i && dup2(fd, i) < 0)
			return -1;
	return 0;
}

static int apply_limits_and_ids(const struct sl_actor_def *def, char *why, size_t len)
{
	if (!def)
		return 0;
	struct rlimit rl;
	if (def->rlimit_as > 0) {
		rl.rlim_cur = rl.rlim_max = (rlim_t)def->rlimit_as;
		if (setrlimit(RLIMIT_AS, &rl) < 0) {
			snprintf(why, len, "setrlimit(RLIMIT_AS, %lld): %s", (long long)def->rlimit_as, strerror(errno));
			return -1;
		}
	}
	if (def->rlimit_nofile > 0) {
		rl.rlim_cur = rl.rlim_max = (rlim_t)def->rlimit_nofile;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
			snprintf(why, len, "setrlimit(RLIMIT_NOFILE, %lld): %s", (long long)def->rlimit_nofile,
				 strerror(errno));
			return -1;
		}
	}
	if (def->has_rlimit_memlock) {
		rl.rlim_cur = rl.rlim_max = (rlim_t)def->rlimit_memlock;
		if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0) {
			snprintf(why, len, "setrlimit(RLIMIT_MEMLOCK, %lld): %s", (long long)def->rlimit_memlock,
				 strerror(errno));
			return -1;
		}
	}
	if (def->user) { /* as login(1) does: the user's gid and every group it is in */
		const struct passwd *pw = getpwnam(def->user);
		if (!pw) {
			snprintf(why, len, "no user %s on this machine", def->user);
			return -1;
		}
		uid_t uid = pw->pw_uid;
		gid_t gid = pw->pw_gid;
		if (initgroups(def->user, gid) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
			snprintf(why, len, "cannot become user %s (uid %u gid %u): %s", def->user, (unsigned)uid,
				 (unsigned)gid, strerror(errno));
			return -1;
		}
	}
	if (def->has_ids && (setgroups(0, NULL) < 0 || setgid(def->gid) < 0 || setuid(def->uid) < 0)) {
		snprintf(why, len, "cannot become uid %u gid %u: %s", (unsigned)def->uid, (unsigned)def->gid,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* The login shell's part: a new session whose controlling terminal is the
 * pty, with this process's group in the foreground. */
static int lead_session(int tty_fd)
{
	if (setsid() < 0 || ioctl(tty_fd, TIOCSCTTY, 0) < 0)
		return -1;
	return tcsetpgrp(tty_fd, getpgrp());
}

/* Puts the channel `fd` high, out of the way of the descriptors scenarios
 * open, close and count: at SL_CHANNEL_FD, or, under a lower RLIMIT_NOFILE,
 * at the highest free descriptor below the limit; where it is if none is
 * free above it.  Returns where it is now (close-on-exec), or -1. */
static int place_channel(int fd)
{
	struct rlimit rl;
	int top = SL_CHANNEL_FD;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur <= (rlim_t)top)
		top = (int)rl.rlim_cur - 1;
	for (int t = top; t > fd; t--) {
		if (fcntl(t, F_GETFD) >= 0)
			continue; /* in use: not ours to take */
		if (dup3(fd, t, O_CLOEXEC) < 0)
			break;
		close(fd);
		return t;
	}
	return fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 ? -1 : fd;
}

/* shmlife could not set this actor up: says why on the channel (the
 * conductor makes the scenario BROK with it) before the caller _exits. */
static void report_broken(int chan, const char *why)
{
	struct sl_wire_reply r;
	memset(&r, 0, sizeof(r));
	r.kind = SL_WIRE_REPLY_BROKEN;
	r.pid = getpid();
	r.chan_fd = chan;
	snprintf(r.setup, sizeof(r.setup), "%s", why);
	sl_wire_send_reply(chan, &r, -1);
}

int sl_actor_prepare(const struct sl_actor_boot *boot)
{
	char why[sizeof(((struct sl_wire_reply *)0)->setup)] = "";
	reset_signals(boot->signals_changed);
	if (boot->session_leader && lead_session(boot->tty_fd) < 0)
		snprintf(why, sizeof(why), "cannot lead a session on the pty: %s", strerror(errno));
	else if (setup_stdio(boot->tty_fd) < 0)
		snprintf(why, sizeof(why), "cannot open its stdio: %s", strerror(errno));
	else if ((actor_self.channel_fd = place_channel(boot->channel)) < 0)
		snprintf(why, sizeof(why), "cannot place its channel: %s", strerror(errno));
	if (why[0]) {
		report_broken(boot->channel, why);
		return -1;
	}
	/* the lean actor's descriptor, if any, just below the channel */
	int keep = boot->lean_fd >= 0 && actor_self.channel_fd - 1 >= 3 ? actor_self.channel_fd - 1 : -1;
	if (keep >= 0 && keep != boot->lean_fd && dup3(boot->lean_fd, keep, O_CLOEXEC) < 0)
		keep = -1;
	actor_self.lean_fd = keep;
	/* by the system call: musl (the lean actor, actor_lean.c) has no wrapper */
	int below = keep >= 0 ? keep : actor_self.channel_fd;
	if (below > 3)
		syscall(SYS_close_range, 3u, (unsigned)below - 1, 0u);
	syscall(SYS_close_range, (unsigned)actor_self.channel_fd + 1, ~0U, 0u);
	if (apply_limits_and_ids(boot->def, why, sizeof(why)) < 0) {
		report_broken(actor_self.channel_fd, why);
		return -1;
	}
	return 0;
}

void sl_actor_exec_lean(const char *program, long long auto_key)
{
	char chan[16], key[32];
	snprintf(chan, sizeof(chan), "%d", actor_self.channel_fd);
	snprintf(key, sizeof(key), "%lld", auto_key);
	extern char **environ;
	sl_cpu_unpin(); /* it could not give its programs back the CPUs it does not know */
	if (fcntl(actor_self.channel_fd, F_SETFD, 0) == 0) {
		char *argv[] = { (char *)program, chan, key, NULL };
		if (actor_self.lean_fd >= 0)
			fexecve(actor_self.lean_fd, argv, environ);
		else
			execv(program, argv);
	}
	char why[sizeof(((struct sl_wire_reply *)0)->setup)];
	snprintf(why, sizeof(why), "cannot run the actor program %s: %s", program, strerror(errno));
	report_broken(actor_self.channel_fd, why);
	_exit(125);
}

/* ---- the operations ------------------------------------------------------ */

static void do_shmctl(const struct sl_wire_cmd *c, struct sl_wire_reply *r)
{
	union sl_shmctl_buf buf;
	memset(&buf, 0, sizeof(buf));
	int id = (int)c->a[0], cmd = (int)c->a[1];
	long long how = c->nargs > 5 ? c->a[5] : 0;
	if (cmd == IPC_SET) { /* start from what is there, if readable */
		if (how & SL_SHMCTL_VIA_RAW)
			syscall(SYS_shmctl, id, IPC_STAT, &buf.ds);
		else
			shmctl(id, IPC_STAT, &buf.ds);
		if (c->nargs > 2 && c->a[2] >= 0)
			buf.ds.shm_perm.mode = (unsigned short)(c->a[2] & 0777);
		if (c->nargs > 3 && c->a[3] >= 0)
			buf.ds.shm_perm.uid = (uid_t)c->a[3];
		if (c->nargs > 4 && c->a[4] >= 0)
			buf.ds.shm_perm.gid = (gid_t)c->a[4];
	}
	struct shmid_ds *ptr = cmd == IPC_RMID ? NULL : &buf.ds;
	if (how & SL_SHMCTL_BUF_BAD)
		ptr = (struct shmid_ds *)(uintptr_t)1; /* below mmap_min_addr: never mapped */
	else if (how & SL_SHMCTL_BUF_NULL)
		ptr = NULL;
	errno = 0;
	if (how & SL_SHMCTL_VIA_RAW)
		r->ret = syscall(SYS_shmctl, id, cmd, ptr);
	else
		r->ret = shmctl(id, cmd, ptr);
	r->err = r->ret < 0 ? errno : 0;
	if (r->ret >= 0 && ptr == &buf.ds)
		observe_shmctl_fill(&r->shmctl, cmd, id, r->ret, &buf);
}

/* fork: the child becomes a new actor on a new channel, sent back to the
 * conductor with the reply.  Returns 1 in the child. */
static int do_fork(struct sl_wire_reply *r, int *pass_fd)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) { /* shmlife's, not the step's */
		r->ret = -1;
		r->err = errno;
		snprintf(r->setup, sizeof(r->setup), "no descriptors for the new actor's channel: socketpair: %s",
			 strerror(errno));
		return 0;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		close(actor_self.channel_fd); /* its parent's channel */
		actor_self.channel_fd = place_channel(sv[1]);
		if (actor_self.channel_fd < 0) {
			char why[96];
			snprintf(why, sizeof(why), "cannot place its channel: %s", strerror(errno));
			report_broken(sv[1], why);
			_exit(125);
		}
		caught_signals = 0; /* a new actor: its parent's signals are not its own */
		return 1; /* the child serves its own channel; it answers nothing now */
	}
	close(sv[1]);
	r->ret = pid;
	r->err = pid < 0 ? errno : 0;
	r->child_pid = pid;
	if (pid > 0)
		*pass_fd = sv[0];
	else
		close(sv[0]);
	return 0;
}

/* fork-detach and daemon(3): the parent exits, the actor lives on in the child. */
/* The child answers only once the parent that left has ended, so that the
 * next step sees it adopted (ppid 1): the kernel reparents the children of
 * an exiting process before its pidfd says it has exited.  timeout_ms < 0:
 * no limit. */
static void await_parent_exit(pid_t parent, int timeout_ms)
{
	int pidfd = sl_pidfd_open(parent);
	if (pidfd >= 0) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };
		while (poll(&p, 1, timeout_ms) < 0 && errno == EINTR)
			;
		close(pidfd);
		return;
	}
	for (int i = 0; errno != ESRCH && getppid() == parent && i < 5000; i++)
		poll(NULL, 0, 1); /* no pidfds (valgrind): look, bounded */
}

static void do_detach(const struct sl_wire_cmd *c, struct sl_wire_reply *r)
{
	pid_t parent = getpid();
	if (c->op == SL_OP_DAEMON) {
		sl_flush_coverage();
		r->ret = daemon((int)c->a[0], (int)c->a[1]);
	} else {
		pid_t pid = fork();
		if (pid > 0) {
			sl_flush_coverage();
			_exit(0);
		}
		r->ret = pid;
	}
	r->err = r->ret < 0 ? errno : 0;
	if (r->ret == 0) {
		await_parent_exit(parent, -1);
		/* musl's daemon() forks twice: its middle process exits too, at
		 * once; awaited (bounded: a parent that stays is not ours to wait
		 * for) so that the next step sees the daemon adopted there too */
		pid_t middle = getppid();
		if (middle != 1 && middle != parent)
			await_parent_exit(middle, 2000);
		r->ret = getpid();
	}
}

static void do_close_fds(struct sl_wire_reply *r)
{
	r->ret = actor_self.channel_fd > 0 ? syscall(SYS_close_range, 0u, (unsigned)actor_self.channel_fd - 1, 0u) : 0;
	if (r->ret == 0)
		r->ret = syscall(SYS_close_range, (unsigned)actor_self.channel_fd + 1, ~0U, 0u);
	r->err = r->ret < 0 ? errno : 0;
}

static void do_null_stdio(struct sl_wire_reply *r)
{
	int fd = open("/dev/null", O_RDWR);
	r->ret = fd < 0 ? -1 : 0;
	for (int i = 0; i < 3 && fd >= 0 && r->ret == 0; i++)
		if (fd != i && dup2(fd, i) < 0)
			r->ret = -1;
	r->err = r->ret < 0 ? errno : 0;
	if (fd > 2)
		close(fd);
}

/* ---- catch: a handler that records which signals arrived ------------------ */

static void record_signal(int sig)
{
	if (sig > 0 && sig <= 64)
		__atomic_fetch_or(&caught_signals, UINT64_C(1) << (sig - 1), __ATOMIC_RELAXED);
}

static void do_catch(int sig, struct sl_wire_reply *r)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = record_signal;
	sa.sa_flags = SA_RESTART; /* the channel's reads and writes go on */
	sigemptyset(&sa.sa_mask);
	r->ret = sigaction(sig, &sa, NULL);
}

/* Answers with the signals recorded, once all of c->a[0] are among them or
 * c->a[1] ms have passed.  Signals are blocked while the record is read and
 * let in only inside ppoll(), so none is missed between the two. */
static void report_signals(const struct sl_wire_cmd *c, struct sl_wire_reply *r)
{
	uint64_t want = (uint64_t)c->a[0];
	int64_t deadline = sl_now_ms() + c->a[1];
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	for (;;) {
		int64_t left = deadline - sl_now_ms();
		if ((__atomic_load_n(&caught_signals, __ATOMIC_RELAXED) & want) == want || left <= 0)
			break;
		struct timespec ts = { (time_t)(left / 1000), (long)(left % 1000) * 1000000L };
		ppoll(NULL, 0, &ts, &old); /* ends early when a handler has run */
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	r->ret = (int64_t)__atomic_load_n(&caught_signals, __ATOMIC_RELAXED);
}

static void probe_tty(struct sl_wire_reply *r)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	r->ret = fd;
	r->err = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
}

static void crash(int sig)
{
	sl_flush_coverage();
	signal(sig, SIG_DFL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
}

/* ---- exec-self ------------------------------------------------------------ */

/* `a exec-self`: the actor execs its own program (/proc/self/exe: the
 * harness, or whatever test binary links the engine) and goes on serving
 * its channel, which it keeps across the exec: the kernel now sees a
 * process that has exec'd (setpgid on it from its parent is EACCES, its
 * attachments are gone, its handlers reset), and the script still drives
 * it.  The new image finds where to resume in SHMLIFE_ACTOR_RESUME before
 * main() runs (resume_after_exec_self) and answers the step from there. */
#define SL_RESUME_ENV "SHMLIFE_ACTOR_RESUME"

static void do_exec_self(long long auto_key, struct sl_wire_reply *r)
{
	char val[96];
	int flags = fcntl(actor_self.channel_fd, F_GETFD);
	snprintf(val, sizeof(val), "%d %u %lld %d", actor_self.channel_fd, actor_self.current_seq, auto_key, actor_self.supervised);
	if (flags >= 0 && fcntl(actor_self.channel_fd, F_SETFD, flags & ~FD_CLOEXEC) == 0 && setenv(SL_RESUME_ENV, val, 1) == 0) {
		char *const argv[] = { (char *)"shmlife-actor", NULL };
		sl_flush_coverage();
		execv("/proc/self/exe", argv);
	}
	r->ret = -1;
	r->err = errno;
	unsetenv(SL_RESUME_ENV);
	if (flags >= 0)
		fcntl(actor_self.channel_fd, F_SETFD, flags);
}

__attribute__((constructor)) static void resume_after_exec_self(void)
{
	const char *v = getenv(SL_RESUME_ENV);
	int fd, was_supervised;
	unsigned seq;
	long long auto_key;
	if (!v || sscanf(v, "%d %u %lld %d", &fd, &seq, &auto_key, &was_supervised) != 4)
		return;
	unsetenv(SL_RESUME_ENV); /* not for the programs it runs */
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		_exit(126);
	actor_self.channel_fd = fd;
	actor_self.supervised = was_supervised;
	struct sl_wire_reply r;
	memset(&r, 0, sizeof(r));
	r.seq = actor_self.current_seq = seq;
	r.pid = getpid();
	r.chan_fd = fd;
	sl_wire_send_reply(fd, &r, -1);
	sl_actor_serve(auto_key); /* never returns */
}

/* Performs one command; fills r.  Returns 1 if this process must now serve
 * as a freshly forked actor (and answer nothing). */
static int perform(const struct sl_wire_cmd *c, const char *payload, long long auto_key,
		   struct sl_wire_reply *r, int *pass_fd)
{
	const char *str = c->str_len ? payload : "";
	const char *data = payload + c->str_len;
	const char *strings = data + c->data_len;
	if (c->nfaults > 0 && c->op != SL_OP_EXEC && actor_come_under_supervision(0) < 0) {
		r->ret = -1;
		r->err = errno;
		snprintf(r->setup, sizeof(r->setup), "the actor could not come under fault injection: %s",
			 strerror(errno));
		return 0;
	}
	errno = 0;
	switch (c->op) {
	case SL_OP_SHMGET: r->ret = shmget((key_t)c->a[0], (size_t)c->a[1], (int)c->a[2]); break;
	case SL_OP_SHMAT: {
		void *want = c->nargs > 2 ? (void *)(intptr_t)(c->a[2] + (c->nargs > 3 ? c->a[3] : 0)) : NULL;
		void *p = shmat((int)c->a[0], want, (int)c->a[1]);
		r->ret = p == (void *)-1 ? -1 : (int64_t)(intptr_t)p;
		break;
	}
	case SL_OP_SHMDT: r->ret = shmdt((const void *)(intptr_t)(c->a[0] + (c->nargs > 1 ? c->a[1] : 0))); break;
	case SL_OP_SHMCTL: do_shmctl(c, r); return 0;
	case SL_OP_FTOK: r->ret = ftok(str, (int)c->a[0]); break;
	case SL_OP_WRITE: actor_write(c, data, r); return 0;
	case SL_OP_READ: actor_read(c, data, c->data_len, r); return 0;
	case SL_OP_FORK: return do_fork(r, pass_fd);
	case SL_OP_FORK_DETACH:
	case SL_OP_DAEMON: do_detach(c, r); return 0;
	case SL_OP_EXIT: sl_flush_coverage(); _exit((int)c->a[0]);
	case SL_OP_CRASH: crash((int)c->a[0]); r->ret = 0; break;
	case SL_OP_KILL: r->ret = kill((pid_t)c->a[0], (int)c->a[1]); break;
	case SL_OP_EXEC: actor_exec(c, strings, auto_key, r); return 0;
	case SL_OP_SETSID: r->ret = setsid(); break;
	case SL_OP_SETPGID: r->ret = setpgid((pid_t)c->a[0], (pid_t)c->a[1]); break;
	case SL_OP_GETSID: r->ret = getsid((pid_t)c->a[0]); break;
	case SL_OP_GETPGID: r->ret = getpgid((pid_t)c->a[0]); break;
	case SL_OP_GETPGRP: r->ret = getpgrp(); break;
	case SL_OP_GETPID: r->ret = getpid(); break;
	case SL_OP_EXEC_SELF: do_exec_self(auto_key, r); return 0;
	case SL_OP_MPROTECT:
	case SL_OP_MUNMAP:
	case SL_OP_MADVISE:
	case SL_OP_MREMAP:
	case SL_OP_REMAP_FILE_PAGES: actor_memory_op(c, r); break;
	case SL_OP_UMASK: r->ret = umask((mode_t)c->a[0]); break;
	case SL_OP_CHDIR: r->ret = chdir(str); break;
	case SL_OP_CLOSE_FDS: do_close_fds(r); return 0;
	case SL_OP_NULL_STDIO: do_null_stdio(r); return 0;
	case SL_OP_OPEN: r->ret = open(str, (int)c->a[0], (mode_t)(c->nargs > 1 ? c->a[1] : 0)); break;
	case SL_OP_CATCH: do_catch((int)c->a[0], r); break;
	case SL_WIRE_PROBE_TTY: probe_tty(r); return 0;
	case SL_WIRE_SIGNALS: report_signals(c, r); return 0;
	case SL_WIRE_FLUSH: sl_flush_coverage(); r->ret = 0; break;
	case SL_WIRE_QUIT: sl_flush_coverage(); _exit(0);
	default: r->ret = -1; errno = ENOSYS; break;
	}
	r->err = r->ret < 0 ? errno : 0;
	return 0;
}

void sl_actor_serve(long long auto_key)
{
	static char payload[SL_WIRE_MAX_PAYLOAD];
	struct sl_wire_cmd cmd;
	for (;;) {
		ssize_t n = sl_wire_recv_cmd(actor_self.channel_fd, &cmd, payload, sizeof(payload));
		if (n <= 0) {
			sl_flush_coverage();
			_exit(n == 0 ? 0 : 126); /* the conductor is gone */
		}
		struct sl_wire_reply r;
		memset(&r, 0, sizeof(r));
		actor_self.current_seq = r.seq = cmd.seq;
		int pass_fd = -1;
		int became_child = perform(&cmd, payload, auto_key, &r, &pass_fd);
		if (became_child)
			continue;
		r.pid = getpid();
		r.chan_fd = actor_self.channel_fd;
		sl_wire_send_reply(actor_self.channel_fd, &r, pass_fd);
		if (pass_fd >= 0)
			close(pass_fd);
	}
}
