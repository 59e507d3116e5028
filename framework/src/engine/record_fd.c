/* record_fd.c - a scenario as a record in a memfd, for a program of
 * shmlife's that the engine execs, and back (record_fd.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record_fd.h"
#include "scenario_record.h"
#include "util.h"

int sl_record_memfd(const struct sl_scenario *s)
{
	char *rec;
	size_t n;
	if (sl_scenario_encode(s, &rec, &n) < 0)
		return -1;
	int fd = memfd_create("shmlife-scenario", 0); /* no MFD_CLOEXEC: for the exec */
	if (fd >= 0 && sl_write_all(fd, rec, n) < 0) {
		int saved = errno;
		close(fd);
		fd = -1;
		errno = saved;
	}
	free(rec);
	return fd;
}

struct sl_scenario *sl_record_from_fd(int fd, char *why, size_t len)
{
	struct stat st;
	struct sl_scenario *s = NULL;
	if (fstat(fd, &st) < 0 || st.st_size <= 0) {
		snprintf(why, len, "descriptor %d holds no scenario record: %s", fd,
			 st.st_size <= 0 ? "it is empty" : strerror(errno));
	} else {
		void *rec = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (rec == MAP_FAILED) {
			snprintf(why, len, "cannot read the scenario record: %s", strerror(errno));
		} else {
			s = sl_scenario_decode(rec, (size_t)st.st_size, why, len);
			munmap(rec, (size_t)st.st_size);
		}
	}
	close(fd);
	return s;
}
