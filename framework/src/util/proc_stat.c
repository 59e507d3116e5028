/* proc_stat.c - the one reader of /proc/PID/stat (proc_stat.h), from
 * proc(5): the comm is everything between the first '(' and the last ')',
 * since a program may name itself with blanks and parentheses; the fields
 * after it are plain numbers. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc_stat.h"

/* The next blank-separated integer into *out, moving *p past it. */
static int next_int(const char **p, long long *out)
{
	const char *s = *p;
	while (*s == ' ')
		s++;
	const char *d = *s == '-' ? s + 1 : s;
	if (*d < '0' || *d > '9')
		return -1;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno == ERANGE && *s != '-') { /* an unsigned field above LLONG_MAX */
		errno = 0;
		v = (long long)strtoull(s, &end, 10);
	}
	if (errno || (*end != ' ' && *end != '\n' && *end != '\0'))
		return -1;
	*out = v;
	*p = end;
	return 0;
}

static int fits_int(long long v)
{
	return v >= INT_MIN && v <= INT_MAX;
}

int sl_proc_stat_parse(const char *text, struct sl_proc_stat *st)
{
	const char *s = text;
	long long v[9]; /* fields 1 and 4..8 */
	if (!text || !st || next_int(&s, &v[0]) || v[0] < 0 || !fits_int(v[0]) || s[0] != ' ' || s[1] != '(')
		return -1;
	const char *comm = s + 2, *close = strrchr(comm, ')');
	if (!close || close[1] != ' ')
		return -1;
	char state = close[2];
	int letter = (state >= 'A' && state <= 'Z') || (state >= 'a' && state <= 'z');
	if (!letter || close[3] != ' ')
		return -1;
	s = close + 3;
	for (int i = 1; i <= 5; i++)
		if (next_int(&s, &v[i]) || !fits_int(v[i]))
			return -1;
	memset(st, 0, sizeof(*st));
	size_t len = (size_t)(close - comm);
	if (len >= sizeof(st->comm))
		len = sizeof(st->comm) - 1;
	memcpy(st->comm, comm, len);
	st->pid = (int)v[0];
	st->state = state;
	st->ppid = (int)v[1];
	st->pgid = (int)v[2];
	st->sid = (int)v[3];
	st->tty_nr = (int)v[4];
	st->tpgid = (int)v[5];
	st->exit_code = -1;
	long long f;
	for (int field = 9; field <= 52 && next_int(&s, &f) == 0; field++) {
		if (field == 22)
			st->starttime = (unsigned long long)f;
		else if (field == 52 && fits_int(f))
			st->exit_code = (int)f;
	}
	return 0;
}

int sl_proc_stat_read(pid_t pid, struct sl_proc_stat *st)
{
	char path[64], buf[2048];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t used = 0;
	for (;;) { /* one read gives it whole; loop for the rule's sake */
		ssize_t n = read(fd, buf + used, sizeof(buf) - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		used += (size_t)n;
		if (n == 0 || used == sizeof(buf) - 1)
			break;
	}
	close(fd);
	buf[used] = '\0';
	if (used == 0) { /* the process went between open and read */
		errno = ESRCH;
		return -1;
	}
	if (sl_proc_stat_parse(buf, st) < 0) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

int sl_proc_stat_ended(char state)
{
	return state == 'Z' || state == 'X' || state == 'x';
}
