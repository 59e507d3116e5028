/* vm_init.c - shmlife-vm-init: process 1 of the small virtual machine in which
 * `shmlife run --kernel PATH` runs the scenarios on another kernel
 * (harness/kernel_vm.c boots it; docs/kernels.md).
 *
 * It is the initramfs's /init, linked statically (nothing else is in the
 * initramfs but the kernel modules it loads and its orders).  It:
 *   1. mounts /dev, /proc and /sys of the initramfs, and opens the console;
 *   2. loads the modules that /shmlife-vm.conf names, in that order (the
 *      virtio transport and 9p, so that it can reach the host's files);
 *   3. mounts the host's root file system (9p tag "hostroot", read-only) on
 *      /lower, and on /root an overlay of it with a tmpfs above (the guest
 *      sees every host file, its /tmp too, and may write anywhere; what it
 *      writes stays in its memory and goes with it), then the guest's own
 *      proc, sys, dev, devpts, and a tmpfs on /run and /dev/shm over it;
 *   4. moves /root onto / and enters it (as switch_root does: a plain chroot
 *      would leave the paths the kernel shows, /proc/PID/exe, starting with
 *      /root to a process that makes a mount namespace), goes to the host's working directory and runs the
 *      command of the orders (the host's own `shmlife run ...`) with their
 *      environment, reaping every orphan meanwhile (it is process 1);
 *   5. sends the host, on the virtio serial port named shmlife.results
 *      (/dev/vportNpM, found in /sys/class/virtio-ports), a record:
 *        shmlife-vm 1\n
 *        exit N | signal N | broken: why\n
 *        results LENGTH\n
 *        LENGTH bytes: the file `results` of the orders (0 if there is none)
 *      says the status on the console too, and waits: the host ends the
 *      machine once it has the whole record (a record not sent whole:
 *      it powers the machine off itself).
 * Anything that fails before the command runs is said on the console as
 * "shmlife-vm-init: ...", the record says "broken: ...", and the machine
 * powers off: the host turns that, or the console's last lines, into BROK.
 *
 * The orders, /shmlife-vm.conf, one per line ("word value", the value being
 * the rest of the line; no line may hold a newline of its own):
 *   module /modules/NN-name.ko   a module to load, in order
 *   cwd /path                    the working directory, in the host's tree
 *   env NAME=value               the command's environment, one each
 *   arg word                     the command, one word each, in order
 *   results /path                the file to send back, in the guest's tree
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define ORDERS "/shmlife-vm.conf"
#define NEWROOT "/root"
#define PORT_NAME "shmlife.results"    /* the virtserialport's name= (kernel_vm.c) */
#define RECORD_MAGIC "shmlife-vm 1"
#define MAX_WORDS 1024

struct orders {
	char *modules[64];
	int nmodules;
	char *cwd;
	char *results;
	char *env[MAX_WORDS + 1];
	int nenv;
	char *argv[MAX_WORDS + 1];
	int nargv;
};

static char broken[600];                 /* why the command did not run */

static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char line[600];
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	dprintf(STDERR_FILENO, "shmlife-vm-init: %s\n", line);
	if (!broken[0])
		snprintf(broken, sizeof(broken), "%s", line);
}

static int append(char **v, int *n, int max, char *s)
{
	if (*n >= max)
		return -1;
	v[(*n)++] = s;
	v[*n] = NULL;
	return 0;
}

/* The orders read whole; 0, or -1 after saying what is wrong. */
static int read_orders(struct orders *o)
{
	static char text[1 << 20];
	int fd = open(ORDERS, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		say("cannot open " ORDERS ": %s", strerror(errno));
		return -1;
	}
	ssize_t len = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (len < 0 || len == (ssize_t)sizeof(text) - 1) {
		say(ORDERS " cannot be read whole");
		return -1;
	}
	text[len] = '\0';
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *value = strchr(line, ' ');
		if (!value) {
			say(ORDERS ": a line without a value: '%s'", line);
			return -1;
		}
		*value++ = '\0';
		int rc = 0;
		if (strcmp(line, "module") == 0)
			rc = append(o->modules, &o->nmodules, 63, value);
		else if (strcmp(line, "cwd") == 0)
			o->cwd = value;
		else if (strcmp(line, "results") == 0)
			o->results = value;
		else if (strcmp(line, "env") == 0)
			rc = append(o->env, &o->nenv, MAX_WORDS, value);
		else if (strcmp(line, "arg") == 0)
			rc = append(o->argv, &o->nargv, MAX_WORDS, value);
		else
			rc = -1;
		if (rc) {
			say(ORDERS ": '%s' is unknown or given too often", line);
			return -1;
		}
	}
	if (!o->cwd || !o->nargv) {
		say(ORDERS " names no command or no working directory");
		return -1;
	}
	return 0;
}

static int mount_one(const char *source, const char *target, const char *type, unsigned long flags,
		     const char *data)
{
	if (mkdir(target, 0755) < 0 && errno != EEXIST && errno != EROFS) {
		say("cannot make %s: %s", target, strerror(errno));
		return -1;
	}
	if (mount(source, target, type, flags, data) < 0) {
		say("cannot mount %s (%s) on %s: %s", source, type, target, strerror(errno));
		return -1;
	}
	return 0;
}

static int load_module(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		say("cannot open the module %s: %s", path, strerror(errno));
		return -1;
	}
	long rc = syscall(SYS_finit_module, fd, "", 0);
	int err = errno;
	close(fd);
	if (rc < 0 && err != EEXIST) {
		say("cannot load the module %s: %s", path, strerror(err));
		return -1;
	}
	return 0;
}

/* The host's tree on /root, with the guest's own kernel views and scratch
 * space over it. */
static int mount_root(void)
{
	static const char nine_p[] = "trans=virtio,version=9p2000.L,msize=512000,cache=loose";
	static const char layers[] = "lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work";
	if (mount_one("hostroot", "/lower", "9p", MS_RDONLY, nine_p) ||
	    mount_one("tmpfs", "/rw", "tmpfs", 0, "mode=0755") || mkdir("/rw/upper", 0755) < 0 ||
	    mkdir("/rw/work", 0755) < 0 || mount_one("overlay", NEWROOT, "overlay", 0, layers) ||
	    mount_one("proc", NEWROOT "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) ||
	    mount_one("sysfs", NEWROOT "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) ||
	    mount_one("devtmpfs", NEWROOT "/dev", "devtmpfs", MS_NOSUID, "mode=0755") ||
	    mount_one("devpts", NEWROOT "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "ptmxmode=0666,newinstance") ||
	    mount_one("tmpfs", NEWROOT "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") ||
	    mount_one("tmpfs", NEWROOT "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755"))
		return -1;
	return 0;
}

/* The command, run to its end; its wait status, or -1. */
static int run_command(const struct orders *o)
{
	pid_t pid = fork();
	if (pid < 0) {
		say("cannot fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		setsid();
		if (chdir(o->cwd) < 0) {
			dprintf(STDERR_FILENO, "shmlife-vm-init: cannot go to %s: %s\n", o->cwd, strerror(errno));
			_exit(127);
		}
		execve(o->argv[0], o->argv, (char **)o->env);
		dprintf(STDERR_FILENO, "shmlife-vm-init: cannot run %s: %s\n", o->argv[0], strerror(errno));
		_exit(127);
	}
	for (;;) {
		int status;
		pid_t got = wait(&status);
		if (got == pid)
			return status;
		if (got < 0 && errno != EINTR) {
			say("wait: %s", strerror(errno));
			return -1;
		}
	}
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t put = write(fd, p, len);
		if (put < 0 && errno == EINTR)
			continue;
		if (put <= 0)
			return -1;
		p += put;
		len -= (size_t)put;
	}
	return 0;
}

/* The port to the host, open for writing, or -1 (said). */
static int open_port(void)
{
	const char *roots[] = { "", NEWROOT };   /* chrooted, or not yet */
	for (size_t r = 0; r < sizeof(roots) / sizeof(roots[0]); r++) {
		char dir[128];
		snprintf(dir, sizeof(dir), "%s/sys/class/virtio-ports", roots[r]);
		DIR *d = opendir(dir);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			char path[512], name[64] = "";
			snprintf(path, sizeof(path), "%s/%s/name", dir, e->d_name);
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			ssize_t got = fd >= 0 ? read(fd, name, sizeof(name) - 1) : -1;
			if (fd >= 0)
				close(fd);
			if (got <= 0)
				continue;
			name[got] = '\0';
			name[strcspn(name, "\n")] = '\0';
			if (strcmp(name, PORT_NAME) != 0)
				continue;
			snprintf(path, sizeof(path), "%s/dev/%s", roots[r], e->d_name);
			closedir(d);
			fd = open(path, O_WRONLY | O_CLOEXEC);
			if (fd < 0)
				dprintf(STDERR_FILENO, "shmlife-vm-init: cannot open %s: %s\n", path, strerror(errno));
			return fd;
		}
		if (d)
			closedir(d);
	}
	dprintf(STDERR_FILENO, "shmlife-vm-init: no virtio port named " PORT_NAME "\n");
	return -1;
}

/* The record to the host (see the top), the status on the console; off. */
static void finish(const char *results, int status)
{
	char text[700];
	if (status < 0)
		snprintf(text, sizeof(text), "broken: %s\n", broken);
	else if (WIFSIGNALED(status))
		snprintf(text, sizeof(text), "signal %d\n", WTERMSIG(status));
	else
		snprintf(text, sizeof(text), "exit %d\n", WEXITSTATUS(status));
	dprintf(STDERR_FILENO, "shmlife-vm-init: %s", text);

	int in = results ? open(results, O_RDONLY | O_CLOEXEC) : -1;
	struct stat st = { 0 };
	if (in >= 0 && fstat(in, &st) < 0)
		st.st_size = 0;
	int port = open_port(), sent = 0;
	if (port >= 0) {
		char head[800];
		int n = snprintf(head, sizeof(head), RECORD_MAGIC "\n%sresults %lld\n", text, (long long)st.st_size);
		int ok = write_all(port, head, (size_t)n) == 0;
		static char buf[1 << 16];
		off_t left = st.st_size;
		while (ok && left > 0) {
			ssize_t got = read(in, buf, sizeof(buf));
			if (got <= 0)
				break;  /* the host sees the record cut: it says so */
			ok = write_all(port, buf, (size_t)got) == 0;
			left -= got;
		}
		if (!ok)
			dprintf(STDERR_FILENO, "shmlife-vm-init: cannot write to the host: %s\n", strerror(errno));
		sent = ok && left == 0;
	}
	if (in >= 0)
		close(in);
	sync();
	/* A whole record may still be in the port's queue when write() returns:
	 * powering off now could cut it.  The host, which knows its length,
	 * ends the machine once it has read it all; only a record that could
	 * not be sent whole ends it from here. */
	if (sent) {
		dprintf(STDERR_FILENO, "shmlife-vm-init: the record is sent; the host ends the machine\n");
		for (;;)
			pause();
	}
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

int main(void)
{
	static struct orders o;
	int status = -1;

	if (getpid() != 1) {
		fprintf(stderr, "shmlife-vm-init: process 1 of a virtual machine that shmlife boots, not a command\n");
		return 2;
	}
	mount_one("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
	int con = open("/dev/console", O_RDWR | O_CLOEXEC);
	if (con >= 0) {
		dup2(con, STDIN_FILENO);
		dup2(con, STDOUT_FILENO);
		dup2(con, STDERR_FILENO);
	}
	if (mount_one("proc", "/proc", "proc", 0, NULL) == 0 && mount_one("sysfs", "/sys", "sysfs", 0, NULL) == 0 &&
	    read_orders(&o) == 0) {
		int ok = 1;
		for (int i = 0; ok && i < o.nmodules; i++)
			ok = load_module(o.modules[i]) == 0;
		if (ok && mount_root() == 0 && chdir(NEWROOT) == 0 && mount(".", "/", NULL, MS_MOVE, NULL) == 0 &&
		    chroot(".") == 0 && chdir("/") == 0)
			status = run_command(&o);
		else if (ok && !broken[0])
			say("cannot enter the host's tree: %s", strerror(errno));
	}
	finish(status >= 0 ? o.results : NULL, status);
	return 0;
}
