/* kernel_image.c - a kernel image made ready to boot (kernel_vm.h,
 * kernel_vm_prepare): its release read from its boot header, its modules'
 * folder, and the modules the guest needs with their dependencies, in the
 * order they load; shmlife-vm-init found.  The boot itself: kernel_vm.c.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel_vm.h"
#include "shmlife/run.h"

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
		snprintf(path, sizeof(path), "%.*s/" KERNEL_VM_QEMU, (int)len, p);
		if (access(path, X_OK) == 0)
			return 1;
		p += len + (p[len] == ':');
	}
	return 0;
}
