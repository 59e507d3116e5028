/* initramfs.c - a newc cpio archive for the kernel to unpack (initramfs.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "initramfs.h"

static int fail(struct initramfs *ir, const char *fmt, ...)
{
	if (!ir->failed) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(ir->why, sizeof(ir->why), fmt, ap);
		va_end(ap);
		ir->failed = 1;
	}
	return -1;
}

int initramfs_open(struct initramfs *ir, int fd)
{
	memset(ir, 0, sizeof(*ir));
	int own = dup(fd);
	if (own < 0 || !(ir->out = fdopen(own, "w"))) {
		if (own >= 0)
			close(own);
		return fail(ir, "cannot write the initramfs: %s", strerror(errno));
	}
	return 0;
}

/* Zero bytes up to the next multiple of 4 of the archive's length. */
static void pad(struct initramfs *ir)
{
	long at = ftell(ir->out);
	while (at > 0 && at % 4) {
		fputc(0, ir->out);
		at++;
	}
}

/* One entry's header and name (the data follows). */
static int header(struct initramfs *ir, const char *name, unsigned mode, size_t size)
{
	if (ir->failed)
		return -1;
	if (size > 0xffffffffu)
		return fail(ir, "%s: %zu bytes, more than a newc archive holds", name, size);
	size_t namesize = strlen(name) + 1;
	fprintf(ir->out, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
		name[0] == 'T' && strcmp(name, "TRAILER!!!") == 0 ? 0 : ++ir->ino, mode, 0u, 0u,
		S_ISDIR(mode) ? 2u : 1u, 0u, size, 0u, 0u, 0u, 0u, namesize, 0u);
	fwrite(name, 1, namesize, ir->out);
	pad(ir);
	if (ferror(ir->out))
		return fail(ir, "cannot write the initramfs: %s", strerror(errno));
	return 0;
}

int initramfs_dir(struct initramfs *ir, const char *name)
{
	return header(ir, name, S_IFDIR | 0755, 0);
}

int initramfs_file(struct initramfs *ir, const char *name, mode_t mode, const void *data, size_t len)
{
	if (header(ir, name, S_IFREG | (mode & 07777), len))
		return -1;
	if (len && fwrite(data, 1, len, ir->out) != len)
		return fail(ir, "cannot write the initramfs: %s", strerror(errno));
	pad(ir);
	return 0;
}

int initramfs_copy(struct initramfs *ir, const char *name, mode_t mode, const char *src)
{
	if (ir->failed)
		return -1;
	int fd = open(src, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		return fail(ir, "cannot read %s: %s", src, strerror(err));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return fail(ir, "%s is not a regular file", src);
	}
	if (header(ir, name, S_IFREG | (mode & 07777), (size_t)st.st_size)) {
		close(fd);
		return -1;
	}
	char buf[65536];
	off_t left = st.st_size;
	while (left > 0) {
		ssize_t got = read(fd, buf, sizeof(buf));
		if (got <= 0) {
			int err = got < 0 ? errno : EIO;
			close(fd);
			return fail(ir, "cannot read %s: %s", src, got < 0 ? strerror(err) : "it shrank as it was read");
		}
		if ((off_t)got > left)
			got = (ssize_t)left; /* it grew: the header said st_size */
		fwrite(buf, 1, (size_t)got, ir->out);
		left -= got;
	}
	close(fd);
	pad(ir);
	if (ferror(ir->out))
		return fail(ir, "cannot write the initramfs: %s", strerror(errno));
	return 0;
}

int initramfs_close(struct initramfs *ir)
{
	if (!ir->out)
		return -1;
	header(ir, "TRAILER!!!", 0, 0);
	if (fclose(ir->out) != 0)
		fail(ir, "cannot write the initramfs: %s", strerror(errno));
	ir->out = NULL;
	return ir->failed ? -1 : 0;
}
