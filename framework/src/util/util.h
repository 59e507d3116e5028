/* util.h - small helpers every part of the engine uses (internal). */
#ifndef SHMLIFE_UTIL_H
#define SHMLIFE_UTIL_H

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "shmlife/run.h" /* sl_program_find: public, the harness uses it too */

uint64_t sl_now_ns(void);              /* CLOCK_MONOTONIC                  */
int64_t sl_now_ms(void);
int sl_write_all(int fd, const void *buf, size_t len);
/* Reads at most len - 1 bytes of a small file (/proc, /proc/sys) into buf,
 * NUL-terminated.  Returns the length, or -1 with errno (0 bytes is -1). */
ssize_t sl_read_text(const char *path, char *buf, size_t len);
/* Reads a whole file of at most `max` bytes into memory of its own (free
 * it), *len its length, a NUL after it.  NULL with errno (EFBIG: longer). */
char *sl_read_file(const char *path, size_t max, size_t *len);
/* Writes `value` to /proc/sys/<name with dots as slashes>. */
int sl_sysctl_write(const char *name, const char *value);
int sl_sysctl_read(const char *name, char *buf, size_t len);
/* 1 if `name` is a sysctl that belongs to the IPC namespace. */
int sl_sysctl_is_ipc_namespaced(const char *name);
/* Writes coverage counters out (coverage builds); a no-op otherwise. */
void sl_flush_coverage(void);
int sl_pidfd_open(pid_t pid);
/* Appends to the text in buf (len bytes in all).  What does not fit is cut,
 * and a cut text ends with "..." so that a reader sees it is not whole (an
 * entry's detail, a reason): nothing is cut silently. */
void sl_appendf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same into an empty buf: snprintf that says when it cut. */
void sl_setf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void sl_vsetf(char *buf, size_t len, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
const char *sl_errno_name(int err);    /* "EINVAL", or "E?" */
const char *sl_signal_name(int sig);   /* "SIGKILL", or "SIG?" */
/* "<directory of this executable>/<rel>/<name>" into buf (rel may be "" for
 * beside it): 0, or -1 when /proc/self/exe cannot be read or buf is short. */
int sl_exe_relative(char *buf, size_t len, const char *rel, const char *name);
/* The whole of s as a number in `base` between lo and hi: 0 with *out, or
 * -1 (not a number, something after it, out of range).  For the arguments
 * of the hidden subcommands (__conductor, __spawner). */
int sl_parse_number(const char *s, int base, long long lo, long long hi, long long *out);

/* Where an installed harness finds what it ships, relative to the directory of
 * its executable (cmake/ShmlifeInstall.cmake sets them from the install dirs). */
#ifndef SHMLIFE_PROGRAMS_REL
#define SHMLIFE_PROGRAMS_REL "../libexec/shmlife"  /* the programs scenarios exec */
#endif
#ifndef SHMLIFE_DATA_REL
#define SHMLIFE_DATA_REL "../share/shmlife"        /* valgrind.supp, scenarios/ */
#endif

/* Writes len bytes to a temporary file of its own beside path (path.XXXXXX,
 * mode 0644) and renames it to path: path is whole or untouched (not forced
 * to disk: see sl_atomic_close).
 * SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGPIPE are held back (in the calling
 * thread) until then.  0, or -1 with errno (the temporary file removed). */
int sl_write_file_atomic(const char *path, const void *data, size_t len);

/* The same for a file written as it is made (a report of many megabytes
 * that need not be held in memory whole): sl_atomic_open gives a FILE on
 * the temporary file and holds the signals back; sl_atomic_close(commit 1)
 * flushes it and renames it to path, (commit 0, or any error on the
 * way) removes it; either way the signals are let through again.  0, or -1
 * with errno (nothing left behind).
 *
 *   struct sl_atomic_file a;
 *   if (sl_atomic_open(&a, "reports/out/index.html") == 0) {
 *           fputs("<html>...", a.f);
 *           rc = sl_atomic_close(&a, 1);
 *   }                                                                        */
struct sl_atomic_file {
	FILE *f;
	char *tmp;                /* path.XXXXXX                               */
	char *path;
	sigset_t was;             /* the signal mask before                    */
};
int sl_atomic_open(struct sl_atomic_file *a, const char *path);
int sl_atomic_close(struct sl_atomic_file *a, int commit);

/* POSIX extended regular expressions (regcomp(3)), for `stdout ~ "re"`;
 * ^ and $ match at the start and end of every line (REG_NEWLINE).
 * sl_regex_check: 0 if `re` compiles, else -1 and why.  sl_regex_match: 1
 * if it matches somewhere in text (up to its first NUL), 0 if not, -1 if it
 * does not compile or out of memory. */
int sl_regex_check(const char *re, char *why, size_t len);
int sl_regex_match(const char *re, const char *text);
/* The same for the beginning of a longer text (output cut to fit, or ended
 * by a NUL byte): `$` does not match at its end (REG_NOTEOL), and *end is
 * where the leftmost match ends; one that ends before the text does was
 * decided by the text alone. */
int sl_regex_search_start(const char *re, const char *text, size_t *end);

#endif
