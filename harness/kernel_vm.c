/* kernel_vm.c - booting another kernel and running `shmlife run` in it
 * (kernel_vm.h): the image's release read from its header, the modules the
 * guest needs and their dependencies, the initramfs (a memfd: the guest's
 * init, its orders, the modules), qemu, and the record the guest sends back.
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "initramfs.h"
#include "kernel_vm.h"
#include "shmlife/run.h"

#define QEMU "qemu-system-x86_64"
#define CONSOLE_KEEP 6000                /* bytes of the console kept for BROK */
#define RECORD_MAGIC "shmlife-vm 1\n"

/* What the guest needs that a distribution kernel builds as modules: the
 * virtio PCI transport, the 9p file system over virtio (the host's tree),
 * overlayfs (the guest writes above it, in its memory), and the virtio
 * console (the port the results come back on). */
static const char *const needed_modules[] = { "virtio_pci", "9pnet_virtio", "9p", "overlay", "virtio_console" };

static void set_why(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the image ---------------------------------------------------------- */

/* The version string of an x86 boot image (Documentation/arch/x86/boot.rst:
 * "HdrS" at 0x202, protocol 2.00 or later, kernel_version at 0x20e the
 * string's offset less 0x200).  0, or -1 with why. */
static int image_version(const char *image, char *version, size_t len, char *why, size_t wlen)
{
	unsigned char head[0x300];
	int fd = open(image, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		set_why(why, wlen, "cannot open the kernel %s: %s", image, strerror(errno));
		return -1;
	}
	ssize_t got = pread(fd, head, sizeof(head), 0);
	if (got < (ssize_t)sizeof(head) || memcmp(head + 0x202, "HdrS", 4) != 0) {
		close(fd);
		set_why(why, wlen, "%s is not an x86 kernel image (no \"HdrS\" boot header)", image);
		return -1;
	}
	unsigned at = (unsigned)head[0x20e] | (unsigned)head[0x20f] << 8;
	char text[256] = "";
	got = at ? pread(fd, text, sizeof(text) - 1, (off_t)at + 0x200) : -1;
	close(fd);
	if (got <= 0) {
		set_why(why, wlen, "%s: the boot header names no kernel version", image);
		return -1;
	}
	text[got] = '\0';
	text[strcspn(text, "\n")] = '\0';
	snprintf(version, len, "%s", text);
	return 0;
}

/* ---- the modules --------------------------------------------------------- */

struct module_index {
	char **names, **paths;           /* name with '-' as '_', and its .ko  */
	int n, cap;
	char *builtin;                   /* modules.builtin, or NULL           */
};

static void underscores(char *s)
{
	for (; *s; s++)
		if (*s == '-')
			*s = '_';
}

static int index_add(struct module_index *ix, const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t len = strlen(base);
	if (len < 4 || strcmp(base + len - 3, ".ko") != 0)
		return 0;  /* compressed modules (.ko.xz ...) are said missing, below */
	if (ix->n == ix->cap) {
		int cap = ix->cap ? ix->cap * 2 : 1024;
		char **names = realloc(ix->names, (size_t)cap * sizeof(*names));
		if (names)
			ix->names = names;
		char **paths = names ? realloc(ix->paths, (size_t)cap * sizeof(*paths)) : NULL;
		if (!paths)
			return -1;
		ix->paths = paths;
		ix->cap = cap;
	}
	char *name = strndup(base, len - 3), *copy = strdup(path);
	if (!name || !copy) {
		free(name);
		free(copy);
		return -1;
	}
	underscores(name);
	ix->names[ix->n] = name;
	ix->paths[ix->n++] = copy;
	return 0;
}

static int index_walk(struct module_index *ix, const char *dir, int depth)
{
	DIR *d = depth < 12 ? opendir(dir) : NULL;
	if (!d)
		return 0;
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *path = NULL;
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0) {
			rc = -1;
			break;
		}
		struct stat st;
		if (stat(path, &st) == 0)
			rc = S_ISDIR(st.st_mode) ? index_walk(ix, path, depth + 1) : index_add(ix, path);
		free(path);
	}
	closedir(d);
	return rc;
}

static void index_free(struct module_index *ix)
{
	for (int i = 0; i < ix->n; i++) {
		free(ix->names[i]);
		free(ix->paths[i]);
	}
	free(ix->names);
	free(ix->paths);
	free(ix->builtin);
	memset(ix, 0, sizeof(*ix));
}

static const char *index_find(const struct module_index *ix, const char *name)
{
	for (int i = 0; i < ix->n; i++)
		if (strcmp(ix->names[i], name) == 0)
			return ix->paths[i];
	return NULL;
}

/* 1 if modules.builtin lists `name` (as ".../name.ko" lines). */
static int is_builtin(const struct module_index *ix, const char *name)
{
	if (!ix->builtin)
		return 0;
	for (const char *line = ix->builtin; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		const char *base = memrchr(line, '/', len);
		base = base ? base + 1 : line;
		size_t blen = len - (size_t)(base - line);
		char one[256];
		if (blen > 3 && blen - 3 < sizeof(one)) {
			memcpy(one, base, blen - 3);
			one[blen - 3] = '\0';
			underscores(one);
			if (strcmp(one, name) == 0)
				return 1;
		}
		line = end ? end + 1 : line + len;
	}
	return 0;
}

static char *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	char *text = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n + 65536 + 1 > cap) {
			char *more = realloc(text, cap = (n + 65536 + 1) * 2);
			if (!more) {
				free(text);
				fclose(f);
				return NULL;
			}
			text = more;
		}
		size_t got = fread(text + n, 1, 65536, f);
		n += got;
		if (got < 65536)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(text);
		return NULL;
	}
	text[n] = '\0';
	if (len)
		*len = n;
	return text;
}

/* The "depends=" of a module's .modinfo, copied into deps ("" if none). */
static int module_depends(const char *path, char *deps, size_t len)
{
	size_t size = 0;
	char *ko = read_whole(path, &size);
	if (!ko)
		return -1;
	deps[0] = '\0';
	static const char key[] = "depends=";
	for (char *p = ko; (p = memmem(p, size - (size_t)(p - ko), key, sizeof(key) - 1)); p++) {
		if (p > ko && p[-1] != '\0')
			continue;
		snprintf(deps, len, "%s", p + sizeof(key) - 1);
		break;
	}
	free(ko);
	return 0;
}

/* `name` and what it needs, dependencies first, onto vm->modules. */
static int add_module(struct kernel_vm *vm, const struct module_index *ix, const char *name, int depth)
{
	const char *path = index_find(ix, name);
	if (!path) {
		if (is_builtin(ix, name) || !vm->modules_dir[0])
			return 0;
		set_why(vm->why, sizeof(vm->why), "kernel %s: no module %s in %s (nor built in, says modules.builtin)",
			vm->release, name, vm->modules_dir);
		return -1;
	}
	for (int i = 0; i < vm->nmodules; i++)
		if (strcmp(vm->modules[i], path) == 0)
			return 0;
	if (depth > 32) {
		set_why(vm->why, sizeof(vm->why), "kernel %s: module dependencies loop at %s", vm->release, name);
		return -1;
	}
	char deps[1024];
	if (module_depends(path, deps, sizeof(deps))) {
		set_why(vm->why, sizeof(vm->why), "cannot read the module %s: %s", path, strerror(errno));
		return -1;
	}
	for (char *save = NULL, *dep = strtok_r(deps, ",", &save); dep; dep = strtok_r(NULL, ",", &save)) {
		underscores(dep);
		if (add_module(vm, ix, dep, depth + 1))
			return -1;
	}
	char **more = realloc(vm->modules, (size_t)(vm->nmodules + 1) * sizeof(*more));
	char *copy = more ? strdup(path) : NULL;
	if (more)
		vm->modules = more;
	if (!copy) {
		set_why(vm->why, sizeof(vm->why), "out of memory");
		return -1;
	}
	vm->modules[vm->nmodules++] = copy;
	return 0;
}

/* vm->modules_dir: beside the image (an unpacked package: boot/vmlinuz-R
 * and lib/modules/R), else the machine's own. */
static void find_modules_dir(struct kernel_vm *vm)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", vm->image);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	const char *const forms[] = { "%s/../lib/modules/%s", "%s/../usr/lib/modules/%s", "%s/lib/modules/%s" };
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		char path[8192];
		snprintf(path, sizeof(path), forms[i], dir, vm->release);
		struct stat st;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode) && realpath(path, vm->modules_dir))
			return;
	}
	char path[4096];
	snprintf(path, sizeof(path), "/lib/modules/%s", vm->release);
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		snprintf(vm->modules_dir, sizeof(vm->modules_dir), "%s", path);
}

int kernel_vm_prepare(const char *image, struct kernel_vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	if (!realpath(image, vm->image)) {
		set_why(vm->why, sizeof(vm->why), "--kernel %s: %s", image, strerror(errno));
		return -1;
	}
	if (image_version(vm->image, vm->version, sizeof(vm->version), vm->why, sizeof(vm->why)))
		return -1;
	snprintf(vm->release, sizeof(vm->release), "%.*s", (int)strcspn(vm->version, " "), vm->version);
	if (sl_program_find("shmlife-vm-init", vm->init, sizeof(vm->init))) {
		set_why(vm->why, sizeof(vm->why),
			"shmlife-vm-init, the guest's init, is not installed (it needs a static C library to build)");
		return -1;
	}
	find_modules_dir(vm);
	struct module_index ix = { 0 };
	int rc = 0;
	if (vm->modules_dir[0]) {
		char path[8192];
		snprintf(path, sizeof(path), "%s/modules.builtin", vm->modules_dir);
		ix.builtin = read_whole(path, NULL);
		if (index_walk(&ix, vm->modules_dir, 0)) {
			set_why(vm->why, sizeof(vm->why), "out of memory");
			rc = -1;
		}
	}
	for (size_t i = 0; rc == 0 && i < sizeof(needed_modules) / sizeof(needed_modules[0]); i++)
		rc = add_module(vm, &ix, needed_modules[i], 0);
	index_free(&ix);
	return rc;
}

void kernel_vm_free(struct kernel_vm *vm)
{
	for (int i = 0; i < vm->nmodules; i++)
		free(vm->modules[i]);
	free(vm->modules);
	vm->modules = NULL;
	vm->nmodules = 0;
}

int kernel_vm_have_qemu(void)
{
	char path[4096];
	const char *dirs = getenv("PATH");
	if (!dirs || !*dirs)
		dirs = "/usr/bin:/bin";
	for (const char *p = dirs; *p;) {
		size_t len = strcspn(p, ":");
		snprintf(path, sizeof(path), "%.*s/" QEMU, (int)len, p);
		if (access(path, X_OK) == 0)
			return 1;
		p += len + (p[len] == ':');
	}
	return 0;
}

/* ---- the initramfs -------------------------------------------------------- */

/* A word of the orders: no newline may be in it (the guest reads lines). */
static int put_order(FILE *o, const char *word, const char *value, char *why, size_t len)
{
	if (strchr(value, '\n')) {
		set_why(why, len, "cannot pass a newline to the guest: '%s'", value);
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
		set_why(why, len, "out of memory");
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
		set_why(why, len, "out of memory");
		rc = -1;
	}
	if (orders)
		initramfs_file(&ir, "shmlife-vm.conf", 0644, orders, olen);
	free(orders);
	if (initramfs_close(&ir) && rc == 0) {
		set_why(why, len, "%s", ir.why);
		rc = -1;
	}
	return rc;
}

/* ---- the boot -------------------------------------------------------------- */

int kernel_vm_kvm_usable(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* The qemu child: its standard streams, the pipes, then exec. */
static void exec_qemu(char *const qargv[], pid_t parent, int console_w, int results_w)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent) /* the harness died before the line above */
		_exit(127);
	/* qemu's own words (a kernel it cannot load ...) go where the
	 * console's do: a BROK shows them */
	int null = open("/dev/null", O_RDONLY);
	if (null >= 0)
		dup2(null, STDIN_FILENO);
	dup2(console_w, STDOUT_FILENO);
	dup2(console_w, STDERR_FILENO);
	(void)results_w;
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(QEMU, qargv);
	dprintf(STDERR_FILENO, "shmlife: cannot run " QEMU ": %s\n", strerror(errno));
	_exit(127);
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
		set_why(r->broken, sizeof(r->broken), n ? "the guest's record is not one this shmlife reads"
							: "the guest sent no results");
		return -1;
	}
	p += sizeof(RECORD_MAGIC) - 1;
	n -= sizeof(RECORD_MAGIC) - 1;
	const char *eol = memchr(p, '\n', n);
	const char *eol2 = eol ? memchr(eol + 1, '\n', n - (size_t)(eol + 1 - p)) : NULL;
	long long len = -1;
	if (!eol2 || sscanf(eol + 1, "results %lld", &len) != 1 || len < 0) {
		set_why(r->broken, sizeof(r->broken), "the guest's record is cut or not one this shmlife reads");
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
		set_why(r->broken, sizeof(r->broken), "the guest's shmlife did not end: %s", status);
		return -1;
	}
	if (len == 0) {
		set_why(r->broken, sizeof(r->broken), "the guest's shmlife wrote no results.json (%s)", status);
		return -1;
	}
	if ((long long)have != len) {
		set_why(r->broken, sizeof(r->broken), "the guest's results.json is cut: %zu bytes of %lld", have, len);
		return -1;
	}
	r->results = malloc(have + 1);
	if (!r->results) {
		set_why(r->broken, sizeof(r->broken), "out of memory");
		return -1;
	}
	memcpy(r->results, body, have);
	r->results[have] = '\0';
	r->results_len = have;
	return 0;
}

/* Reads the console and the results until qemu has closed both (it ended),
 * or the console was silent for silence_ms.  0, or -1 with why (qemu is
 * then still running: the caller kills it). */
static int pump(struct boot *b, int console_r, int results_r, int silence_ms, int (*stop)(void), char *why,
		size_t wlen)
{
	double last = now_s();
	int open_fds = 2;
	struct pollfd p[2] = { { .fd = console_r, .events = POLLIN }, { .fd = results_r, .events = POLLIN } };
	while (open_fds > 0) {
		int left = silence_ms - (int)((now_s() - last) * 1000);
		if (left <= 0) {
			set_why(why, wlen, "the guest said nothing for %d s: stopped", silence_ms / 1000);
			return -1;
		}
		int rc = poll(p, 2, left);
		if (stop && stop()) {
			set_why(why, wlen, "stopped by a signal");
			return -1;
		}
		if (rc < 0 && errno != EINTR) {
			set_why(why, wlen, "poll: %s", strerror(errno));
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
				set_why(why, wlen, "out of memory");
				return -1;
			}
			if (i == 1) {
				memcpy(b->results + b->results_len, buf, (size_t)got);
				b->results_len += (size_t)got;
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
		set_why(r->broken, sizeof(r->broken), "cannot make the guest's initramfs or pipes: %s", strerror(errno));
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
		QEMU, "-nodefaults", "-no-user-config", "-nographic", "-no-reboot",
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
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0)
		exec_qemu(qargv, parent, con[1], res[1]);
	int fork_errno = errno;
	close(con[1]);
	close(res[1]);
	con[1] = res[1] = -1;
	if (pid < 0) {
		set_why(r->broken, sizeof(r->broken), "cannot fork for " QEMU ": %s", strerror(fork_errno));
		goto out;
	}
	struct boot b = { .on_line = on_line, .ctx = ctx };
	char why[512] = "";
	int pumped = pump(&b, con[0], res[0], silence_ms, stop, why, sizeof(why));
	if (pumped)
		kill(pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	r->seconds = now_s() - start;
	r->console = console_tail(&b);
	if (pumped)
		snprintf(r->broken, sizeof(r->broken), "%s", why);
	else if (!b.results_len && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		set_why(r->broken, sizeof(r->broken), QEMU " ended (%s %d) before the guest answered",
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
