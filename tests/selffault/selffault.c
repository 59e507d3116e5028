/* selffault.c - faults in shmlife itself, SQLite-style: an LD_PRELOAD
 * library that makes one of the harness's own calls fail, so that a test
 * can show each error path ends in a clear BROK (or an honest verdict),
 * never a crash, a hang, a wrong PASS or something left behind
 * (ci/selffault.sh, tests/test_selffault.c, docs/testing.md).
 *
 *   SHMLIFE_SELFFAULT=CALL:N      the Nth call of CALL fails, and only it
 *   SHMLIFE_SELFFAULT=CALL:N+     the Nth and every later call fail
 *   SHMLIFE_SELFFAULT_LOG=PATH    where it says what happened (appended)
 *
 * CALL is malloc, calloc, realloc (NULL, ENOMEM), read, write (-1, EIO),
 * open (-1, EMFILE; open, open64 and openat), pipe (-1, EMFILE; pipe and
 * pipe2) or fork (-1, EAGAIN).  Only the process that loaded it first (the
 * harness) counts and fails: it takes LD_PRELOAD out of its environment at
 * once, so the programs it execs do not load it, and the processes it
 * forks (conductor, actors) keep it but are not that process.  At exit the
 * harness writes "CALL calls=M fired=F" to the log: a sweep over N ends
 * when M < N (the fault no longer fires).  The log is written with raw
 * system calls, which nothing here counts.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

enum call { C_NONE, C_MALLOC, C_CALLOC, C_REALLOC, C_READ, C_WRITE, C_OPEN, C_PIPE, C_FORK };
static const char *const call_names[] = { "", "malloc", "calloc", "realloc", "read", "write", "open", "pipe", "fork" };

static enum call target;
static unsigned long nth, seen, fired;
static int from_then_on;
static pid_t harness;
static char log_path[512];

static void say(const char *text)
{
	if (!log_path[0])
		return;
	int fd = (int)syscall(SYS_openat, AT_FDCWD, log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	(void)syscall(SYS_write, fd, text, strlen(text));
	(void)syscall(SYS_close, fd);
}

__attribute__((constructor)) static void selffault_start(void)
{
	const char *spec = getenv("SHMLIFE_SELFFAULT"), *log = getenv("SHMLIFE_SELFFAULT_LOG");
	harness = (pid_t)syscall(SYS_getpid);
	unsetenv("LD_PRELOAD"); /* the programs it execs run without it */
	if (log)
		snprintf(log_path, sizeof(log_path), "%s", log);
	const char *colon = spec ? strchr(spec, ':') : NULL;
	if (!colon)
		return;
	for (int c = C_MALLOC; c <= C_FORK; c++)
		if ((size_t)(colon - spec) == strlen(call_names[c]) && strncmp(spec, call_names[c], (size_t)(colon - spec)) == 0)
			target = (enum call)c;
	char *end;
	nth = strtoul(colon + 1, &end, 10);
	from_then_on = *end == '+';
	if (!target || nth == 0 || (*end && strcmp(end, "+") != 0)) {
		say("selffault: bad SHMLIFE_SELFFAULT\n");
		target = C_NONE;
	}
}

__attribute__((destructor)) static void selffault_end(void)
{
	if (!target || (pid_t)syscall(SYS_getpid) != harness)
		return;
	char text[128];
	snprintf(text, sizeof(text), "%s calls=%lu fired=%lu\n", call_names[target], seen, fired);
	say(text);
}

/* 1 if this call must fail. */
static int fail_now(enum call c)
{
	if (c != target || (pid_t)syscall(SYS_getpid) != harness)
		return 0;
	seen++;
	if (seen == nth || (from_then_on && seen > nth)) {
		fired++;
		return 1;
	}
	return 0;
}

void *malloc(size_t n)
{
	if (fail_now(C_MALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	if (fail_now(C_CALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	if (fail_now(C_REALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(p, n);
}

#define REAL(type, name) ((type)dlsym(RTLD_NEXT, name))

ssize_t read(int fd, void *buf, size_t n)
{
	if (fail_now(C_READ)) {
		errno = EIO;
		return -1;
	}
	return REAL(ssize_t (*)(int, void *, size_t), "read")(fd, buf, n);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	if (fail_now(C_WRITE)) {
		errno = EIO;
		return -1;
	}
	return REAL(ssize_t (*)(int, const void *, size_t), "write")(fd, buf, n);
}

static mode_t mode_of(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & __O_TMPFILE) == __O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = mode_of(flags, ap);
	va_end(ap);
	if (fail_now(C_OPEN)) {
		errno = EMFILE;
		return -1;
	}
	return REAL(int (*)(const char *, int, ...), "open")(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = mode_of(flags, ap);
	va_end(ap);
	if (fail_now(C_OPEN)) {
		errno = EMFILE;
		return -1;
	}
	return REAL(int (*)(const char *, int, ...), "open64")(path, flags, mode);
}

int openat(int dir, const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = mode_of(flags, ap);
	va_end(ap);
	if (fail_now(C_OPEN)) {
		errno = EMFILE;
		return -1;
	}
	return REAL(int (*)(int, const char *, int, ...), "openat")(dir, path, flags, mode);
}

int pipe(int fds[2])
{
	if (fail_now(C_PIPE)) {
		errno = EMFILE;
		return -1;
	}
	return REAL(int (*)(int *), "pipe")(fds);
}

int pipe2(int fds[2], int flags)
{
	if (fail_now(C_PIPE)) {
		errno = EMFILE;
		return -1;
	}
	return REAL(int (*)(int *, int), "pipe2")(fds, flags);
}

pid_t fork(void)
{
	if (fail_now(C_FORK)) {
		errno = EAGAIN;
		return -1;
	}
	return REAL(pid_t (*)(void), "fork")();
}
