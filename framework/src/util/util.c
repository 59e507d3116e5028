/* util.c - clocks, whole writes, files written whole or not at all, sysctls,
 * coverage flushing, names of errnos and signals (util.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

uint64_t sl_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int64_t sl_now_ms(void)
{
	return (int64_t)(sl_now_ns() / 1000000u);
}

int sl_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void sysctl_path(const char *name, char *path, size_t len)
{
	snprintf(path, len, "/proc/sys/%s", name);
	for (char *p = path + strlen("/proc/sys/"); *p; p++)
		if (*p == '.')
			*p = '/';
}

int sl_sysctl_write(const char *name, const char *value)
{
	char path[256];
	sysctl_path(name, path, sizeof(path));
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = sl_write_all(fd, value, strlen(value));
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

ssize_t sl_read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n;
	do
		n = read(fd, buf, len - 1);
	while (n < 0 && errno == EINTR);
	int saved = errno;
	close(fd);
	if (n <= 0) {
		errno = n < 0 ? saved : ENODATA;
		return -1;
	}
	buf[n] = '\0';
	return n;
}

char *sl_read_file(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (n + 1 == cap) { /* room for the NUL */
			if (n > max) {
				errno = EFBIG;
				break;
			}
			char *more = realloc(buf, cap * 2);
			if (!more)
				break;
			buf = more;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		if (r == 0) {
			close(fd);
			if (n > max) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			buf[n] = '\0';
			*len = n;
			return buf;
		}
		n += (size_t)r;
	}
	int e = errno;
	free(buf);
	close(fd);
	errno = e ? e : ENOMEM;
	return NULL;
}

int sl_sysctl_read(const char *name, char *buf, size_t len)
{
	char path[256];
	sysctl_path(name, path, sizeof(path));
	ssize_t n = sl_read_text(path, buf, len);
	if (n < 0)
		return -1;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int sl_sysctl_is_ipc_namespaced(const char *name)
{
	static const char *const names[] = {
		"kernel.shmmax", "kernel.shmall", "kernel.shmmni", "kernel.shm_rmid_forced",
		"kernel.shm_next_id", "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
		"kernel.msg_next_id", "kernel.sem", "kernel.sem_next_id",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return strncmp(name, "fs.mqueue.", 10) == 0 && name[10] != '\0';
}

extern void __gcov_dump(void) __attribute__((weak));
extern void __gcov_reset(void) __attribute__((weak));

/* Dump, then reset: libgcov dumps only once per process unless reset, and a
 * process that goes on after a flush (a daemon's child, an actor flushed
 * before a kill it survives) must still write what it does next. */
void sl_flush_coverage(void)
{
	if (__gcov_dump)
		__gcov_dump();
	if (__gcov_reset)
		__gcov_reset();
}

int sl_parse_number(const char *s, int base, long long lo, long long hi, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, base);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int sl_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

void sl_appendf(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strnlen(buf, len);
	if (len == 0 || used >= len)
		return; /* not a terminated text: nothing to append to */
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n >= len - used && len >= 4)
		memcpy(buf + len - 4, "...", 4); /* cut: said so */
}

void sl_vsetf(char *buf, size_t len, const char *fmt, va_list ap)
{
	if (len == 0)
		return;
	int n = vsnprintf(buf, len, fmt, ap);
	if (n > 0 && (size_t)n >= len && len >= 4)
		memcpy(buf + len - 4, "...", 4); /* cut: said so */
}

void sl_setf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sl_vsetf(buf, len, fmt, ap);
	va_end(ap);
}

/* glibc 2.32 names errnos and signals; the lean actor, built with musl
 * (actor_lean.c), has neither function and says numbers instead (it names
 * none: the conductor does). */
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
#define SL_HAVE_NAMES 1
#else
#define SL_HAVE_NAMES 0
#endif

const char *sl_errno_name(int err)
{
#if SL_HAVE_NAMES
	const char *n = err ? strerrorname_np(err) : "0";
	return n ? n : "E?";
#else
	static char buf[2][16];
	static int which;
	which ^= 1;
	snprintf(buf[which], sizeof(buf[which]), "E%d", err);
	return err ? buf[which] : "0";
#endif
}

const char *sl_signal_name(int sig)
{
	static char buf[2][16];
	static int which;
#if SL_HAVE_NAMES
	const char *abbrev = sigabbrev_np(sig);
	if (!abbrev)
		return "SIG?";
	which ^= 1;
	snprintf(buf[which], sizeof(buf[which]), "SIG%s", abbrev);
#else
	which ^= 1;
	snprintf(buf[which], sizeof(buf[which]), "SIG%d", sig);
#endif
	return buf[which];
}

int sl_exe_relative(char *buf, size_t len, const char *rel, const char *name)
{
	ssize_t n = readlink("/proc/self/exe", buf, len);
	if (n <= 0 || (size_t)n >= len)
		return -1;
	buf[n] = '\0';
	char *slash = strrchr(buf, '/');
	if (!slash)
		return -1;
	size_t dir = (size_t)(slash - buf);
	int w = snprintf(slash, len - dir, "%s%s/%s", *rel ? "/" : "", rel, name);
	return w < 0 || (size_t)w >= len - dir ? -1 : 0;
}

int sl_program_find(const char *name, char *path, size_t len)
{
	if (strchr(name, '/')) {
		if ((size_t)snprintf(path, len, "%s", name) >= len) {
			errno = ENAMETOOLONG;
			return -1;
		}
		return access(path, X_OK);
	}
	const char *env = getenv("PATH");
	const char *dirs = env ? env : "/usr/local/bin:/usr/bin:/bin";
	for (const char *d = dirs;; d++) {
		size_t n = strcspn(d, ":");
		int w = snprintf(path, len, "%.*s/%s", n ? (int)n : 1, n ? d : ".", name);
		if (w > 0 && (size_t)w < len && access(path, X_OK) == 0)
			return 0;
		d += n;
		if (!*d)
			break;
	}
	if ((sl_exe_relative(path, len, "", name) == 0 && access(path, X_OK) == 0) ||
	    (sl_exe_relative(path, len, SHMLIFE_PROGRAMS_REL, name) == 0 && access(path, X_OK) == 0))
		return 0;
	errno = ENOENT;
	return -1;
}

int sl_lean_actor_find(const char *libc, char *path, size_t len)
{
	char rel[256];
	if (strchr(libc, '/') || strlen(libc) > 64) {
		errno = EINVAL;
		return -1;
	}
	if (sl_exe_relative(path, len, libc, "shmlife-actor") == 0 && access(path, X_OK) == 0)
		return 0;
	snprintf(rel, sizeof(rel), "%s/%s", SHMLIFE_PROGRAMS_REL, libc);
	if (sl_exe_relative(path, len, rel, "shmlife-actor") == 0 && access(path, X_OK) == 0)
		return 0;
	errno = ENOENT;
	return -1;
}

/* ---- files ------------------------------------------------------------------------ */

static const int held_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE };

int sl_atomic_open(struct sl_atomic_file *a, const char *path)
{
	/* A name of its own (path.XXXXXX), so that two writers of one report
	 * folder, or a leftover, never share it; and the signals that stop a
	 * run held back until the file is complete and renamed or removed, so
	 * that a ^C can never leave half a report or a temporary file. */
	size_t plen = strlen(path);
	sigset_t hold;
	memset(a, 0, sizeof(*a));
	a->tmp = malloc(plen + sizeof(".XXXXXX"));
	a->path = strdup(path);
	if (!a->tmp || !a->path) {
		free(a->tmp);
		free(a->path);
		errno = ENOMEM;
		return -1;
	}
	memcpy(a->tmp, path, plen);
	memcpy(a->tmp + plen, ".XXXXXX", sizeof(".XXXXXX"));
	sigemptyset(&hold);
	for (size_t i = 0; i < sizeof(held_signals) / sizeof(held_signals[0]); i++)
		sigaddset(&hold, held_signals[i]);
	pthread_sigmask(SIG_BLOCK, &hold, &a->was);
	int fd = mkostemp(a->tmp, O_CLOEXEC);
	if (fd >= 0 && fchmod(fd, 0644) == 0 && (a->f = fdopen(fd, "w")))
		return 0;
	int saved = errno;
	if (fd >= 0) {
		close(fd);
		unlink(a->tmp);
	}
	pthread_sigmask(SIG_SETMASK, &a->was, NULL);
	free(a->tmp);
	free(a->path);
	errno = saved;
	return -1;
}

int sl_atomic_close(struct sl_atomic_file *a, int commit)
{
	/* Not fsync'd: a reader sees the whole file or the old one (the
	 * rename), and a file system that cannot take the bytes says so at the
	 * write (ext4, xfs and btrfs reserve the space then; NFS at the close).
	 * Forcing the reports to disk cost each run about 1.5 ms here, waiting
	 * for the journal three times, against a crash of the machine in the
	 * seconds after the run; `sync` after shmlife, where that matters. */
	int rc = commit && !ferror(a->f) && fflush(a->f) == 0 ? 0 : -1;
	int saved = rc ? (errno ? errno : EIO) : 0;
	if (fclose(a->f) != 0 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	if (rc == 0 && rename(a->tmp, a->path) != 0) {
		rc = -1;
		saved = errno;
	}
	if (rc != 0)
		unlink(a->tmp);
	pthread_sigmask(SIG_SETMASK, &a->was, NULL);
	free(a->tmp);
	free(a->path);
	a->f = NULL;
	a->tmp = a->path = NULL;
	errno = saved;
	return rc;
}

int sl_write_file_atomic(const char *path, const void *data, size_t len)
{
	struct sl_atomic_file a;
	if (sl_atomic_open(&a, path) < 0)
		return -1;
	int ok = len == 0 || fwrite(data, 1, len, a.f) == len;
	return sl_atomic_close(&a, ok);
}

/* ---- regular expressions ---------------------------------------------------- */

int sl_regex_check(const char *re, char *why, size_t len)
{
	regex_t rx;
	int rc = regcomp(&rx, re, REG_EXTENDED | REG_NOSUB | REG_NEWLINE);
	if (rc != 0) {
		regerror(rc, &rx, why, len);
		return -1;
	}
	regfree(&rx);
	return 0;
}

int sl_regex_search_start(const char *re, const char *text, size_t *end)
{
	regex_t rx;
	regmatch_t m;
	if (regcomp(&rx, re, REG_EXTENDED | REG_NEWLINE) != 0)
		return -1;
	int rc = regexec(&rx, text, 1, &m, REG_NOTEOL);
	regfree(&rx);
	if (rc == 0)
		*end = (size_t)m.rm_eo;
	return rc == 0 ? 1 : rc == REG_NOMATCH ? 0 : -1;
}

int sl_regex_match(const char *re, const char *text)
{
	regex_t rx;
	if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB | REG_NEWLINE) != 0)
		return -1;
	int rc = regexec(&rx, text, 0, NULL, 0);
	regfree(&rx);
	return rc == 0 ? 1 : rc == REG_NOMATCH ? 0 : -1;
}
