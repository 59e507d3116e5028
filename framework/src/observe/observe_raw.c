/* observe_raw.c - raw system calls for the observers (observe_raw.h): shmctl
 * and the reading of /proc files, never through the C library's wrappers. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "observe_raw.h"

#ifndef SYS_shmctl
#error "the observer needs a direct shmctl system call (x86_64, aarch64, ...): this architecture multiplexes System V IPC through ipc(2)"
#endif

/* Where the kernel has a direct shmctl(2) (the architectures above), it reads
 * and writes the 64-bit structure, which is glibc's struct shmid_ds there:
 * no IPC_64 flag is passed (it would make the command unknown). */
int sl_raw_shmctl(int shmid, int cmd, struct shmid_ds *buf)
{
	return (int)syscall(SYS_shmctl, shmid, cmd, buf);
}

static int raw_open(const char *path)
{
	return (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
}

static void raw_close(int fd)
{
	int saved = errno;
	syscall(SYS_close, fd);
	errno = saved;
}

/* One read(2), restarted after EINTR. */
static ssize_t raw_read(int fd, char *buf, size_t len)
{
	ssize_t n;
	do
		n = (ssize_t)syscall(SYS_read, fd, buf, len);
	while (n == -1 && errno == EINTR);
	return n;
}

char *sl_raw_read_file(const char *path, size_t *len_out)
{
	size_t cap = 4096, used = 0;
	char *buf = malloc(cap);
	int fd = buf ? raw_open(path) : -1;

	if (fd == -1) {
		int saved = buf ? errno : ENOMEM;
		free(buf);
		errno = saved;
		return NULL;
	}
	for (;;) {
		if (cap - used < 2) {
			char *bigger = cap > ((size_t)-1) / 2 ? NULL : realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				raw_close(fd);
				errno = ENOMEM;
				return NULL;
			}
			buf = bigger;
			cap *= 2;
		}
		ssize_t n = raw_read(fd, buf + used, cap - used - 1);
		if (n == -1) {
			int saved = errno;
			free(buf);
			raw_close(fd);
			errno = saved;
			return NULL;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	raw_close(fd);
	buf[used] = '\0';
	if (len_out)
		*len_out = used;
	return buf;
}

ssize_t sl_raw_read_small(const char *path, char *buf, size_t len)
{
	size_t used = 0;

	if (!buf || len == 0) {
		errno = EINVAL;
		return -1;
	}
	int fd = raw_open(path);
	if (fd == -1)
		return -1;
	while (used < len - 1) {
		ssize_t n = raw_read(fd, buf + used, len - 1 - used);
		if (n == -1) {
			raw_close(fd);
			return -1;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	raw_close(fd);
	buf[used] = '\0';
	return (ssize_t)used;
}

int sl_raw_next_line(const char **pos, char *line, size_t len)
{
	const char *p = *pos;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		*pos = nl ? nl + 1 : p + n;
		if (n < len) {
			memcpy(line, p, n);
			line[n] = '\0';
			return 1;
		}
		p = *pos; /* too long for the caller: not a line it could parse */
	}
	*pos = p;
	return 0;
}
