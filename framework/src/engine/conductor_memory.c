/* conductor_memory.c - may an actor's `write`/`read` step touch this range?
 * And may its `mprotect`/`munmap` change it?
 *
 * An actor copies a step's bytes to or from an address inside one of its
 * attachments with memcpy.  A range that runs past the attachment must do
 * what the memory does: where no memory follows, the copy faults and the
 * actor dies of SIGSEGV in that very step.  But where other memory of the
 * actor follows (its heap, its stack, a library), the copy would corrupt
 * the actor and some unrelated later step would pay for it.  So before the
 * step is sent the conductor reads the actor's /proc/PID/maps and refuses a
 * range that would touch memory that is not a System V attachment
 * (issue 12 item 14).  The maps are read as the observers read /proc, with
 * raw system calls (observe_raw.h), and each line is taken apart by hand:
 * stdio and sscanf took twice as long, and a write or read step pays for it.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "conductor.h"
#include "observe_raw.h"

struct mapping {
	uint64_t start, end;
	int sysv;       /* named /SYSV<key>: an attachment */
	char name[64];  /* for the message: the path, or "anonymous memory" */
};

/* Skips spaces, then a field; where the next one may begin. */
static const char *past_field(const char *p)
{
	while (*p == ' ')
		p++;
	const char *field = p;
	while (*p && *p != ' ')
		p++;
	return p > field ? p : NULL;
}

/* One line of /proc/PID/maps ("start-end perms offset dev inode [name]")
 * into m (its range only: see name_mapping); 0 if it is not a mapping's
 * line. */
static int maps_line(const char *line, struct mapping *m)
{
	char *end;
	unsigned long long s = strtoull(line, &end, 16);
	if (end == line || *end != '-')
		return 0;
	const char *p = end + 1;
	unsigned long long e = strtoull(p, &end, 16);
	if (end == p || *end != ' ')
		return 0;
	p = end;
	for (int field = 0; field < 4 && p; field++) /* perms, offset, device, inode */
		p = past_field(p);
	if (!p)
		return 0;
	while (*p == ' ')
		p++;
	m->start = s;
	m->end = e;
	m->sysv = strncmp(p, "/SYSV", 5) == 0;
	m->name[0] = '\0';
	return 1;
}

/* The name of the mapping on `line` (maps_line took it), for a message. */
static void name_mapping(const char *line, struct mapping *m)
{
	const char *p = line;
	for (int field = 0; field < 5 && p; field++) /* the range, perms, offset, device, inode */
		p = past_field(p);
	while (p && *p == ' ')
		p++;
	size_t n = p ? strlen(p) : 0;
	snprintf(m->name, sizeof(m->name), "%.*s", n ? (int)(n < 60 ? n : 60) : 16, n ? p : "anonymous memory");
}

static char *read_maps(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	return sl_raw_read_file(path, NULL);
}

/* The mapping of pid that contains addr (want_start 0) or that starts at
 * want_start; 1 if found, 0 if not, -1 if the maps cannot be read. */
static int find_mapping(pid_t pid, uint64_t addr, int at_start, struct mapping *m)
{
	char line[512];
	char *text = read_maps(pid);
	if (!text)
		return -1;
	int found = 0;
	for (const char *pos = text; !found && sl_raw_next_line(&pos, line, sizeof(line));)
		found = maps_line(line, m) && (at_start ? m->start == addr : (addr >= m->start && addr < m->end));
	if (found)
		name_mapping(line, m);
	free(text);
	return found;
}

int conductor_check_access(pid_t pid, const char *what, uint64_t addr, uint64_t len, int64_t *fit, char *why,
			   size_t wlen)
{
	struct mapping m;
	int rc = find_mapping(pid, addr, 0, &m);
	*fit = rc < 0 ? -1 : 0;
	if (rc <= 0)
		return 0; /* nothing mapped there (the copy faults: SIGSEGV), or maps unreadable */
	*fit = m.end - addr < len ? (int64_t)(m.end - addr) : (int64_t)len;
	if (!m.sysv) {
		snprintf(why, wlen, "refused: %s at 0x%" PRIx64 " is not in an attachment of the actor but in %s "
			 "(0x%" PRIx64 "-0x%" PRIx64 "): shmlife does not touch the actor's own memory",
			 what, addr, m.name, m.start, m.end);
		return -1;
	}
	uint64_t end = addr + len;
	while (end > m.end) {
		uint64_t boundary = m.end;
		rc = find_mapping(pid, boundary, 1, &m);
		if (rc <= 0)
			return 0; /* the copy faults at the boundary, as the memory does */
		if (!m.sysv) {
			snprintf(why, wlen, "refused: %s of %" PRIu64 " bytes at 0x%" PRIx64 " runs past the end of "
				 "the attachment (0x%" PRIx64 ") into %s of the actor: shmlife does not touch the "
				 "actor's own memory", what, len, addr, boundary, m.name);
			return -1;
		}
	}
	return 0;
}

int conductor_check_range(pid_t pid, const char *what, uint64_t addr, uint64_t len, char *why, size_t wlen)
{
	char line[512];
	uint64_t end = addr + len < addr ? UINT64_MAX : addr + len;
	char *text = read_maps(pid);
	if (!text) {
		snprintf(why, wlen, "refused: %s: the actor's maps cannot be read", what);
		return -1;
	}
	int rc = 0;
	struct mapping m;
	for (const char *pos = text; rc == 0 && sl_raw_next_line(&pos, line, sizeof(line));) {
		if (!maps_line(line, &m) || m.end <= addr || m.start >= end || m.sysv)
			continue;
		name_mapping(line, &m);
		snprintf(why, wlen, "refused: %s of 0x%" PRIx64 "-0x%" PRIx64 " reaches %s (0x%" PRIx64 "-0x%" PRIx64
			 ") of the actor, not an attachment: shmlife does not touch the actor's own memory",
			 what, addr, end, m.name, m.start, m.end);
		rc = -1;
	}
	free(text);
	return rc;
}
