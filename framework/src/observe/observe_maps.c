/* observe_maps.c - a process's System V attachments from /proc/PID/maps
 * (observe_maps, observe_maps_wanting, sl_parse_maps_line), observe.h.
 * All of them are counted; SL_MAX_MAPS are kept in the record, those an
 * expectation asks about first, so no judgment rests on one left out.
 *
 * A System V mapping is named "/SYSV%08x" after the key the segment was
 * created with, and its inode column is the shmid.  The name does not change
 * when IPC_RMID sets the key to IPC_PRIVATE.  On current kernels the shm
 * file is an unlinked pseudo file, so every System V mapping is shown with
 * " (deleted)", removed or not: `deleted` does not mean IPC_RMID.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shmlife/observe.h"

#define SYSV_PREFIX "/SYSV"
#define DELETED_SUFFIX " (deleted)"

/* A number in `base` at *p ending at `stop`; *p after the stop character. */
static int field_u64(const char **p, int base, char stop, uint64_t *out)
{
	const char *s = *p;
	int hex_ok = (base == 16);
	int is_digit = (*s >= '0' && *s <= '9');
	int is_hex = hex_ok && ((*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F'));
	if (!is_digit && !is_hex)
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, base);
	if (errno || end == s || *end != stop)
		return -1;
	*out = v;
	*p = end + 1;
	return 0;
}

static int is_hex_digit(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The pathname column: "/SYSV" 8 hex digits, then nothing or " (deleted)". */
static int parse_sysv_name(const char *path, struct sl_map_entry *m)
{
	size_t plen = strlen(SYSV_PREFIX);
	char hex[9];

	if (strncmp(path, SYSV_PREFIX, plen) != 0)
		return -1;
	path += plen;
	for (int i = 0; i < 8; i++) {
		if (!is_hex_digit(path[i]))
			return -1;
		hex[i] = path[i];
	}
	hex[8] = '\0';
	const char *rest = path + 8;
	size_t rlen = strcspn(rest, "\r\n");
	if (rlen == 0)
		m->deleted = 0;
	else if (rlen == strlen(DELETED_SUFFIX) && strncmp(rest, DELETED_SUFFIX, rlen) == 0)
		m->deleted = 1;
	else
		return -1;
	m->key = (int32_t)(uint32_t)strtoul(hex, NULL, 16);
	return 0;
}

/* start-end perms offset dev inode pathname */
int sl_parse_maps_line(const char *line, struct sl_map_entry *m)
{
	struct sl_map_entry e;
	uint64_t start, end, offset, major, minor, inode;
	const char *p = line;

	if (!line || !m)
		return -1;
	memset(&e, 0, sizeof(e));
	if (field_u64(&p, 16, '-', &start) || field_u64(&p, 16, ' ', &end) || end < start)
		return -1;
	if (strlen(p) < 5 || p[4] != ' ' || strchr("r-", p[0]) == NULL ||
	    strchr("w-", p[1]) == NULL || strchr("x-", p[2]) == NULL || strchr("sp", p[3]) == NULL)
		return -1;
	e.writable = (p[1] == 'w');
	p += 5;
	if (field_u64(&p, 16, ' ', &offset) || field_u64(&p, 16, ':', &major) ||
	    field_u64(&p, 16, ' ', &minor) || field_u64(&p, 10, ' ', &inode) || inode > INT_MAX)
		return -1;
	while (*p == ' ')
		p++;
	if (parse_sysv_name(p, &e))
		return -1;
	e.start = start;
	e.end = end;
	e.shmid = (int)inode;
	*m = e;
	return 0;
}

/* Is e one of the mappings asked about (by shmid or by the key in its name)? */
static int is_wanted(const struct sl_map_entry *e, const struct sl_maps_want *w)
{
	for (int i = 0; w && i < w->nshmids; i++)
		if (e->shmid == w->shmids[i])
			return 1;
	for (int i = 0; w && i < w->nkeys; i++)
		if (e->key == w->keys[i])
			return 1;
	return 0;
}

/* Marks the first mapping of all[0..n) of segment `what` (of key `what`
 * if is_key), if it has one and there is room; counts it in *kept. */
static void take_first(const struct sl_map_entry *all, int n, char *take, int *kept, int is_key, long long what)
{
	for (int i = 0; i < n && *kept < SL_MAX_MAPS; i++)
		if (is_key ? all[i].key == (int32_t)what : all[i].shmid == (int)what) {
			if (!take[i]) {
				take[i] = 1;
				(*kept)++;
			}
			return;
		}
}

/* Keeps SL_MAX_MAPS of all[0..n): first one mapping of each segment and
 * key asked about, then the other mappings asked about, then the others;
 * the kept ones in the order of /proc/PID/maps (ascending address).  So
 * whenever no more than SL_MAX_MAPS are asked about, a segment or key
 * asked about has a mapping kept if it has one at all, and not finding it
 * among the kept ones means it has none, however many mappings there are
 * (one segment attached four times does not push another out). */
static int keep_maps(const struct sl_map_entry *all, int n, const struct sl_maps_want *w,
		     struct sl_maps_obs *out)
{
	char *take = calloc((size_t)n + 1, 1);
	if (!take)
		return -1;
	int kept = 0;
	for (int i = 0; w && i < w->nshmids; i++)
		take_first(all, n, take, &kept, 0, w->shmids[i]);
	for (int i = 0; w && i < w->nkeys; i++)
		take_first(all, n, take, &kept, 1, w->keys[i]);
	for (int i = 0; i < n && kept < SL_MAX_MAPS; i++)
		if (!take[i] && is_wanted(&all[i], w)) {
			take[i] = 1;
			kept++;
		}
	for (int i = 0; i < n && kept < SL_MAX_MAPS; i++)
		if (!take[i]) {
			take[i] = 1;
			kept++;
		}
	kept = 0;
	for (int i = 0; i < n; i++)
		if (take[i])
			out->map[kept++] = all[i];
	free(take);
	return 0;
}

int observe_maps_wanting(pid_t pid, const struct sl_maps_want *want, struct sl_maps_obs *out)
{
	char path[64];
	char line[512];
	int overlong = 0;

	if (!out || pid <= 0) {
		errno = EINVAL;
		return -1;
	}
	memset(out, 0, sizeof(*out));
	out->pid = (int)pid;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	struct sl_map_entry *all = NULL;
	int n = 0, cap = 0, nomem = 0;
	while (fgets(line, sizeof(line), f)) {
		int whole = strchr(line, '\n') != NULL;
		int skip = overlong; /* the tail of a line longer than the buffer */
		overlong = !whole && !feof(f);
		struct sl_map_entry e;
		if (skip || overlong || sl_parse_maps_line(line, &e))
			continue;
		if (!all || n == cap) {
			int grown = cap ? 2 * cap : 64;
			struct sl_map_entry *more = realloc(all, (size_t)grown * sizeof(*all));
			if (!more) {
				nomem = 1;
				break;
			}
			all = more;
			cap = grown;
		}
		all[n++] = e;
	}
	out->n = n;
	int failed = ferror(f) || nomem;
	int saved = nomem ? ENOMEM : errno;
	fclose(f);
	if (!failed && n > 0 && keep_maps(all, n, want, out) < 0) {
		failed = 1;
		saved = ENOMEM;
	}
	free(all);
	if (failed) {
		errno = saved ? saved : EIO;
		return -1;
	}
	return 0;
}

int observe_maps(pid_t pid, struct sl_maps_obs *out)
{
	return observe_maps_wanting(pid, NULL, out);
}
