/* kernel_vm.c - booting a kernel made ready by kernel_image.c and running
 * `shmlife run` in it (kernel_vm.h): the initramfs (a memfd: the guest's
 * init, its orders, the modules), qemu, the console, and the record the
 * guest sends back.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "initramfs.h"
#include "kernel_vm.h"
#include "shmlife/run.h"

#define CONSOLE_KEEP 6000                /* bytes of the console kept for BROK */
#define RECORD_MAGIC "shmlife-vm 1\n"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the initramfs -------------------------------------------------------- */

/* A word of the orders: no newline may be in it (the guest reads lines). */
static int put_order(FILE *o, const char *word, const char *value, char *why, size_t len)
{
	if (strchr(value, '\n')) {
		snprintf(why, len, "cannot pass a newline to the guest: '%s'", value);
		return -1;
	}
	fprintf(o, "%s %s\n", word, value);
	return 0;
}

static int write_initramfs(const struct kernel_vm *vm, int fd, char *const argv[], const char *cwd, char *const env[],
			   const char *results, char *why, size_t len)
{
	char *orders = NULL;
	size_t olen = 0;
	FILE *o = open_memstream(&orders, &olen);
	if (!o) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	struct initramfs ir;
	initramfs_open(&ir, fd);
	initramfs_copy(&ir, "init", 0755, vm->init);
	initramfs_dir(&ir, "modules");
	int rc = 0;
	for (int i = 0; i < vm->nmodules; i++) {
		const char *base = strrchr(vm->modules[i], '/');
		char name[512];
		snprintf(name, sizeof(name), "modules/%02d-%s", i, base ? base + 1 : vm->modules[i]);
		initramfs_copy(&ir, name, 0644, vm->modules[i]);
		fprintf(o, "module /%s\n", name);
	}
	rc |= put_order(o, "cwd", cwd, why, len);
	rc |= put_order(o, "results", results, why, len);
	for (int i = 0; env[i]; i++)
		rc |= put_order(o, "env", env[i], why, len);
	for (int i = 0; argv[i]; i++)
		rc |= put_order(o, "arg", argv[i], why, len);
	if (fclose(o) != 0 || !orders) {
		snprintf(why, len, "out of memory");
		rc = -1;
	}
	if (orders)
		initramfs_file(&ir, "shmlife-vm.conf", 0644, orders, olen);
	free(orders);
	if (initramfs_close(&ir) && rc == 0) {
		snprintf(why, len, "%s", ir.why);
		rc = -1;
	}
	return rc;
}

/* ---- the boot -------------------------------------------------------------- */

/* The qemu child: stdin from `in` (-1: /dev/null), stdout and stderr into
 * `out` (-1: /dev/null), no signal blocked, then exec.  It dies with the
 * harness. */
static void exec_qemu(char *const qargv[], pid_t parent, int in, int out) __attribute__((noreturn));
static void exec_qemu(char *const qargv[], pid_t parent, int in, int out)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent) /* the harness died before the line above */
		_exit(127);
	int null = open("/dev/null", O_RDWR);
	if (in >= 0 || null >= 0)
		dup2(in >= 0 ? in : null, STDIN_FILENO);
	if (out >= 0 || null >= 0) {
		dup2(out >= 0 ? out : null, STDOUT_FILENO);
		dup2(out >= 0 ? out : null, STDERR_FILENO);
	}
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(KERNEL_VM_QEMU, qargv);
	dprintf(STDERR_FILENO, "shmlife: cannot run " KERNEL_VM_QEMU ": %s\n", strerror(errno));
	_exit(127);
}

/* Whether qemu can make a virtual CPU under KVM here: a paused qemu
 * (-S: no guest runs) with the CPU the boot asks for is told `quit` on its
 * monitor; it ends with 0 when the CPU was made.  A /dev/kvm that opens is
 * not enough: under some hypervisors KVM refuses the host CPU's registers
 * and qemu aborts ("failed to set MSR 0x10a"), which made every boot BROK.
 * Bounded: a probe that has not ended in 20 s is killed and KVM not used. */
static int qemu_makes_a_kvm_cpu(void)
{
	int in[2];
	if (pipe2(in, O_CLOEXEC) < 0)
		return 0;
	/* the order waits in the pipe before qemu starts: nothing is written to
	 * a qemu already gone */
	if (write(in[1], "quit\n", 5) != 5) {
		close(in[0]);
		close(in[1]);
		return 0;
	}
	close(in[1]);
	char *const qargv[] = { KERNEL_VM_QEMU, "-nodefaults", "-no-user-config", "-display", "none",
				"-accel", "kvm", "-cpu", "host", "-S", "-monitor", "stdio", NULL };
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0)
		exec_qemu(qargv, parent, in[0], -1);
	close(in[0]);
	if (pid < 0)
		return 0;
	int status = -1;
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd >= 0) { /* its end, or 20 s */
		struct pollfd p = { .fd = pidfd, .events = POLLIN };
		int n;
		while ((n = poll(&p, 1, 20000)) < 0 && errno == EINTR)
			;
		close(pidfd);
		if (n == 0)
			kill(pid, SIGKILL);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int kernel_vm_kvm_usable(void)
{
	static int usable = -1; /* probed once a run */
	if (usable >= 0)
		return usable;
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return usable = 0;
	close(fd);
	return usable = qemu_makes_a_kvm_cpu();
}

struct boot {
	char *console;                   /* all of it so far                   */
	size_t console_len, console_cap;
	size_t line_start;               /* where the line being read begins   */
	char *results;
	size_t results_len, results_cap;
	void (*on_line)(void *, const char *);
	void *ctx;
};

static int grow(char **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	size_t cap2 = *cap ? *cap : 65536;
	while (cap2 < need)
		cap2 *= 2;
	char *more = realloc(*buf, cap2);
	if (!more)
		return -1;
	*buf = more;
	*cap = cap2;
	return 0;
}

/* The console's bytes: kept (only its tail, once past a MiB), and each whole
 * line shown to on_line. */
static int take_console(struct boot *b, const char *p, size_t n)
{
	if (grow(&b->console, &b->console_cap, b->console_len + n + 1))
		return -1;
	for (size_t i = 0; i < n; i++)  /* a NUL (the firmware sends some) would end the text */
		b->console[b->console_len + i] = p[i] ? p[i] : ' ';
	b->console_len += n;
	b->console[b->console_len] = '\0';
	char *nl;
	while ((nl = memchr(b->console + b->line_start, '\n', b->console_len - b->line_start))) {
		*nl = '\0';
		if (nl > b->console + b->line_start && nl[-1] == '\r')
			nl[-1] = '\0';
		if (b->on_line)
			b->on_line(b->ctx, b->console + b->line_start);
		*nl = '\n';
		b->line_start = (size_t)(nl - b->console) + 1;
	}
	if (b->line_start > (1u << 20)) {
		size_t keep = b->console_len - b->line_start + CONSOLE_KEEP;
		if (keep > b->console_len)
			keep = b->console_len;
		memmove(b->console, b->console + b->console_len - keep, keep);
		b->line_start -= b->console_len - keep;
		b->console_len = keep;
		b->console[keep] = '\0';
	}
	return 0;
}

/* The console's last lines, printable. */
static char *console_tail(const struct boot *b)
{
	size_t from = b->console_len > CONSOLE_KEEP ? b->console_len - CONSOLE_KEEP : 0;
	while (from > 0 && from < b->console_len && b->console[from - 1] != '\n')
		from++;
	char *t = strndup(b->console ? b->console + from : "", b->console_len - from);
	for (char *p = t; p && *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\n')
			*p = *p == '\r' ? ' ' : '?';
	return t;
}

/* The record of the guest (vm_init.c): 0 with the results, or -1 with why. */
static int read_record(struct boot *b, struct kernel_vm_result *r)
{
	const char *p = b->results;
	size_t n = b->results_len;
	if (n < sizeof(RECORD_MAGIC) - 1 || memcmp(p, RECORD_MAGIC, sizeof(RECORD_MAGIC) - 1) != 0) {
		snprintf(r->broken, sizeof(r->broken), n ? "the guest's record is not one this shmlife reads"
							: "the guest sent no results");
		return -1;
	}
	p += sizeof(RECORD_MAGIC) - 1;
	n -= sizeof(RECORD_MAGIC) - 1;
	const char *eol = memchr(p, '\n', n);
	const char *eol2 = eol ? memchr(eol + 1, '\n', n - (size_t)(eol + 1 - p)) : NULL;
	long long len = -1;
	if (!eol2 || sscanf(eol + 1, "results %lld", &len) != 1 || len < 0) {
		snprintf(r->broken, sizeof(r->broken), "the guest's record is cut or not one this shmlife reads");
		return -1;
	}
	char status[600];
	snprintf(status, sizeof(status), "%.*s", (int)(eol - p), p);
	int code = -1;
	if (sscanf(status, "exit %d", &code) == 1)
		r->exit_status = code;
	const char *body = eol2 + 1;
	size_t have = n - (size_t)(body - p);
	if (strncmp(status, "exit ", 5) != 0) {
		snprintf(r->broken, sizeof(r->broken), "the guest's shmlife did not end: %s", status);
		return -1;
	}
	if (len == 0) {
		snprintf(r->broken, sizeof(r->broken), "the guest's shmlife wrote no results.json (%s)", status);
		return -1;
	}
	if ((long long)have != len) {
		snprintf(r->broken, sizeof(r->broken), "the guest's results.json is cut: %zu bytes of %lld", have, len);
		return -1;
	}
	r->results = malloc(have + 1);
	if (!r->results) {
		snprintf(r->broken, sizeof(r->broken), "out of memory");
		return -1;
	}
	memcpy(r->results, body, have);
	r->results[have] = '\0';
	r->results_len = have;
	return 0;
}

/* 1 once the results hold the guest's whole record: its head and as many
 * bytes as it says (the guest then waits for the host to end it). */
static int record_complete(const struct boot *b)
{
	size_t m = sizeof(RECORD_MAGIC) - 1;
	if (b->results_len < m || memcmp(b->results, RECORD_MAGIC, m) != 0)
		return 0;
	const char *p = b->results + m, *end = b->results + b->results_len;
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	const char *eol2 = eol ? memchr(eol + 1, '\n', (size_t)(end - eol - 1)) : NULL;
	long long len = -1;
	if (!eol2 || sscanf(eol + 1, "results %lld", &len) != 1 || len < 0)
		return 0;
	return (long long)(end - (eol2 + 1)) >= len;
}

/* Reads the console and the results until qemu has closed both (it ended)
 * or the guest's record is whole (*complete: the caller ends qemu), or the
 * console was silent for silence_ms.  0, or -1 with why (qemu is
 * then still running: the caller kills it). */
static int pump(struct boot *b, int console_r, int results_r, int silence_ms, int (*stop)(void), int *complete,
		char *why, size_t wlen)
{
	double last = now_s();
	int open_fds = 2;
	struct pollfd p[2] = { { .fd = console_r, .events = POLLIN }, { .fd = results_r, .events = POLLIN } };
	while (open_fds > 0) {
		int left = silence_ms - (int)((now_s() - last) * 1000);
		if (left <= 0) {
			snprintf(why, wlen, "the guest said nothing for %d s: stopped", silence_ms / 1000);
			return -1;
		}
		int rc = poll(p, 2, left);
		if (stop && stop()) {
			snprintf(why, wlen, "stopped by a signal");
			return -1;
		}
		if (rc < 0 && errno != EINTR) {
			snprintf(why, wlen, "poll: %s", strerror(errno));
			return -1;
		}
		for (int i = 0; rc > 0 && i < 2; i++) {
			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			char buf[65536];
			ssize_t got = read(p[i].fd, buf, sizeof(buf));
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0) {
				p[i].fd = -1;
				open_fds--;
				continue;
			}
			last = now_s();
			int bad = i == 0 ? take_console(b, buf, (size_t)got)
					 : grow(&b->results, &b->results_cap, b->results_len + (size_t)got);
			if (bad) {
				snprintf(why, wlen, "out of memory");
				return -1;
			}
			if (i == 1) {
				memcpy(b->results + b->results_len, buf, (size_t)got);
				b->results_len += (size_t)got;
				*complete = record_complete(b);
				if (*complete)
					return 0;
			}
		}
	}
	return 0;
}

int kernel_vm_run(const struct kernel_vm *vm, char *const argv[], const char *cwd, char *const env[],
		  const char *results, int silence_ms, int (*stop)(void), void (*on_line)(void *ctx, const char *line),
		  void *ctx, struct kernel_vm_result *r)
{
	memset(r, 0, sizeof(*r));
	r->exit_status = -1;
	int kvm = kernel_vm_kvm_usable();
	snprintf(r->accel, sizeof(r->accel), "%s", kvm ? "kvm" : "tcg");
	double start = now_s();

	int initrd = memfd_create("shmlife-initramfs", 0);
	int con[2] = { -1, -1 }, res[2] = { -1, -1 };
	if (initrd < 0 || pipe2(con, O_CLOEXEC) < 0 || pipe2(res, O_CLOEXEC) < 0) {
		snprintf(r->broken, sizeof(r->broken), "cannot make the guest's initramfs or pipes: %s", strerror(errno));
		goto out;
	}
	if (write_initramfs(vm, initrd, argv, cwd, env, results, r->broken, sizeof(r->broken)))
		goto out;

	/* qemu opens these paths itself: its own descriptors, inherited below */
	char initrd_path[64], con_path[80], res_path[96], memory[32], cpus[16];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	snprintf(initrd_path, sizeof(initrd_path), "/proc/self/fd/%d", initrd);
	snprintf(con_path, sizeof(con_path), "file:/proc/self/fd/%d", con[1]);
	snprintf(res_path, sizeof(res_path), "file,id=results,path=/proc/self/fd/%d", res[1]);
	snprintf(memory, sizeof(memory), "%d", 2048);
	snprintf(cpus, sizeof(cpus), "%ld", ncpu > 0 ? (ncpu > 8 ? 8 : ncpu) : 1);
	char *qargv[] = {
		KERNEL_VM_QEMU, "-nodefaults", "-no-user-config", "-nographic", "-no-reboot",
		"-accel", kvm ? "kvm" : "tcg,thread=multi", "-cpu", kvm ? "host" : "max",
		"-m", memory, "-smp", cpus,
		"-kernel", (char *)vm->image, "-initrd", initrd_path,
		"-append", "console=ttyS0 quiet panic=-1 rdinit=/init",
		"-serial", con_path,
		"-virtfs", "local,path=/,mount_tag=hostroot,security_model=passthrough,readonly=on,multidevs=remap",
		"-device", "virtio-serial-pci", "-chardev", res_path,
		"-device", "virtserialport,chardev=results,name=shmlife.results",
		NULL,
	};
	int fds[] = { initrd, con[1], res[1] };
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		fcntl(fds[i], F_SETFD, 0);  /* into qemu (the parent closes its copies below) */
	/* ends (EOF) when qemu's exec has closed it: qemu runs, or has failed */
	int started[2];
	if (pipe2(started, O_CLOEXEC) < 0) {
		snprintf(r->broken, sizeof(r->broken), "cannot make a pipe: %s", strerror(errno));
		goto out;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0)
		exec_qemu(qargv, parent, -1, con[1]); /* qemu's own words go where the console's do */
	int fork_errno = errno;
	close(con[1]);
	close(res[1]);
	close(started[1]);
	con[1] = res[1] = -1;
	if (pid > 0) {
		char c;
		while (read(started[0], &c, 1) < 0 && errno == EINTR)
			;
		if (on_line)
			on_line(ctx, NULL); /* qemu runs: its argv is its own now */
	}
	close(started[0]);
	if (pid < 0) {
		snprintf(r->broken, sizeof(r->broken), "cannot fork for " KERNEL_VM_QEMU ": %s", strerror(fork_errno));
		goto out;
	}
	struct boot b = { .on_line = on_line, .ctx = ctx };
	char why[512] = "";
	int complete = 0;
	int pumped = pump(&b, con[0], res[0], silence_ms, stop, &complete, why, sizeof(why));
	if (pumped || complete) /* the guest has said all it will: its machine ends here */
		kill(pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	r->seconds = now_s() - start;
	r->console = console_tail(&b);
	if (pumped)
		snprintf(r->broken, sizeof(r->broken), "%s", why);
	else if (!b.results_len && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		snprintf(r->broken, sizeof(r->broken), KERNEL_VM_QEMU " ended (%s %d) before the guest answered",
			WIFEXITED(status) ? "exit" : "signal", WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	else
		read_record(&b, r);
	if (r->broken[0] && r->console && r->console[0]) {
		size_t len = strlen(r->broken);
		snprintf(r->broken + len, sizeof(r->broken) - len, "; the console's last lines:\n%s",
			 r->console + (strlen(r->console) > 1500 ? strlen(r->console) - 1500 : 0));
	}
	free(b.console);
	free(b.results);
out:
	for (int i = 0; i < 2; i++) {
		if (con[i] >= 0)
			close(con[i]);
		if (res[i] >= 0)
			close(res[i]);
	}
	if (initrd >= 0)
		close(initrd);
	return r->broken[0] ? -1 : 0;
}

void kernel_vm_result_free(struct kernel_vm_result *r)
{
	free(r->results);
	free(r->console);
	r->results = r->console = NULL;
}
