/* subid.c - a plain user's subordinate ids (subid.h): finding the user's
 * ranges in /etc/subuid and /etc/subgid (shadow's format, subuid(5): one
 * "owner:start:count" per line, the owner a login name or a uid), and
 * mapping them into a waiting child's user namespace with newuidmap and
 * newgidmap, which check those same files as root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "subid.h"
#include "util.h"

extern char **environ;

/* The first range of `owner` (name or uid) in a subuid(5) file with at
 * least `need` ids: 1 (found), 0 (none), -1 (unreadable, errno). */
static int find_range(const char *file, const char *user, uid_t uid, unsigned long need, unsigned long *start,
		      unsigned long *count)
{
	FILE *f = fopen(file, "re");
	if (!f)
		return errno == ENOENT ? 0 : -1;
	char line[512], uid_text[24];
	snprintf(uid_text, sizeof(uid_text), "%u", (unsigned)uid);
	int found = 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		if (!colon || line[0] == '#')
			continue;
		*colon = '\0';
		if (strcmp(line, user ? user : "") != 0 && strcmp(line, uid_text) != 0)
			continue;
		char *end;
		unsigned long s = strtoul(colon + 1, &end, 10);
		if (*end != ':')
			continue;
		unsigned long n = strtoul(end + 1, &end, 10);
		if (n >= need && n > 0) {
			*start = s;
			*count = n;
			found = 1;
		}
	}
	fclose(f);
	return found;
}

int sl_subids_find_in(const char *subuid, const char *subgid, const char *user, uid_t uid, unsigned long need,
		      struct sl_subids *ids, char *why, size_t len)
{
	static const char *const helper[2] = { "newuidmap", "newgidmap" };
	const char *file[2] = { subuid, subgid };
	unsigned long *start[2] = { &ids->uid_start, &ids->gid_start }, *count[2] = { &ids->uid_count, &ids->gid_count };
	const char *who = user ? user : "this user";
	if (need == 0)
		need = 1;
	for (int i = 0; i < 2; i++) {
		int rc = find_range(file[i], user, uid, need, start[i], count[i]);
		if (rc < 0) {
			snprintf(why, len, "cannot read %s: %s", file[i], strerror(errno));
			return -1;
		}
		if (rc == 0) {
			snprintf(why, len, "or a range of %lu ids for %s in %s (a line '%s:100000:65536' for %s)", need,
				 who, file[i], user ? user : "NAME", helper[i]);
			return -1;
		}
		char path[4096];
		if (sl_program_find(helper[i], path, sizeof(path)) < 0) {
			snprintf(why, len, "or %s to map the ids of %s (apt-get install uidmap)", helper[i], file[i]);
			return -1;
		}
	}
	return 0;
}

int sl_subids_find(unsigned long need, struct sl_subids *ids, char *why, size_t len)
{
	const struct passwd *pw = getpwuid(geteuid());
	return sl_subids_find_in("/etc/subuid", "/etc/subgid", pw ? pw->pw_name : NULL, geteuid(), need, ids, why,
				 len);
}

/* Runs `helper PID 0 OUTSIDE 1 1 START COUNT`; its stderr (what it says on
 * failure) into why.  0, or -1. */
static int run_map_helper(const char *helper, pid_t pid, unsigned long self, unsigned long start,
			  unsigned long count, char *why, size_t len)
{
	char a_pid[24], a_self[24], a_start[24], a_count[24];
	snprintf(a_pid, sizeof(a_pid), "%d", (int)pid);
	snprintf(a_self, sizeof(a_self), "%lu", self);
	snprintf(a_start, sizeof(a_start), "%lu", start);
	snprintf(a_count, sizeof(a_count), "%lu", count);
	char *argv[] = { (char *)helper, a_pid, "0", a_self, "1", "1", a_start, a_count, NULL };
	int err[2];
	if (pipe2(err, O_CLOEXEC) < 0) {
		snprintf(why, len, "cannot run %s: %s", helper, strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	pid_t child;
	int rc = posix_spawnp(&child, helper, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(err[1]);
	if (rc != 0) {
		close(err[0]);
		snprintf(why, len, "cannot run %s: %s (apt-get install uidmap)", helper, strerror(rc));
		return -1;
	}
	char said[256];
	size_t got = 0;
	ssize_t n;
	while (got < sizeof(said) - 1 && ((n = read(err[0], said + got, sizeof(said) - 1 - got)) > 0 || (n < 0 && errno == EINTR)))
		got += n > 0 ? (size_t)n : 0;
	said[got] = '\0';
	close(err[0]); /* more than that: it sees EPIPE, and has said enough */
	int st;
	while (waitpid(child, &st, 0) < 0)
		if (errno != EINTR) {
			snprintf(why, len, "cannot wait for %s: %s", helper, strerror(errno));
			return -1;
		}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	said[strcspn(said, "\n")] = '\0';
	snprintf(why, len, "%s %s 0 %s 1 1 %s %s failed (%s %d): %s", helper, a_pid, a_self, a_start, a_count,
		 WIFEXITED(st) ? "exit" : "signal", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st),
		 got ? said : "it said nothing");
	return -1;
}

int sl_subids_map(pid_t pid, const struct sl_subids *ids, char *why, size_t len)
{
	if (run_map_helper("newuidmap", pid, geteuid(), ids->uid_start, ids->uid_count, why, len) < 0)
		return -1;
	return run_map_helper("newgidmap", pid, getegid(), ids->gid_start, ids->gid_count, why, len);
}
