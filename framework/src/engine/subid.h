/* subid.h - a plain user's subordinate ids (internal; see subid.c).
 *
 * Root may make an actor any uid and gid.  A plain user runs a scenario in a
 * user namespace of its own, where it is root but, alone, owns only itself:
 * id 0 of the namespace is the user.  Where /etc/subuid and /etc/subgid give
 * the user a range of ids, shadow's setuid helpers newuidmap and newgidmap
 * (Debian's package uidmap) map that range too, as ids 1..count of the
 * namespace: an actor may then be any of those, `uid=70` or `user=postgres`
 * alike, and the kernel reports them as the script wrote them.
 *
 *   struct sl_subids ids;
 *   if (sl_subids_find(105, &ids, why, sizeof(why)) < 0)   -> SKIP: why
 *   pid = clone(CLONE_NEWUSER ...);   the child waits, unmapped
 *   if (sl_subids_map(pid, &ids, why, sizeof(why)) < 0)     -> BROK: why
 */
#ifndef SHMLIFE_SUBID_H
#define SHMLIFE_SUBID_H

#include <stddef.h>
#include <sys/types.h>

struct sl_subids {
	unsigned long uid_start, uid_count; /* outside ids of namespace ids 1..count */
	unsigned long gid_start, gid_count;
};

/* The calling user's ranges (its line in /etc/subuid and /etc/subgid, by
 * name or by uid), each with at least `need` ids, and the helpers to map
 * them.  0, or -1 with what to configure in `why`. */
int sl_subids_find(unsigned long need, struct sl_subids *ids, char *why, size_t len);

/* The same from the given files (for tests); `user` and `uid` name the
 * owner; 0, or -1 with why. */
int sl_subids_find_in(const char *subuid, const char *subgid, const char *user, uid_t uid, unsigned long need,
		      struct sl_subids *ids, char *why, size_t len);

/* Maps the user namespace of `pid` (a child that waits, unmapped): 0 to the
 * caller's uid and gid, 1..count to the ranges, by running newuidmap and
 * newgidmap.  0, or -1 with their own words in `why`. */
int sl_subids_map(pid_t pid, const struct sl_subids *ids, char *why, size_t len);

#endif
