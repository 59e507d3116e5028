/* scratch.c - a scenario's scratch folder (scratch.h).  The harness makes
 * it before the conductor starts and removes it after the conductor has
 * ended (so nothing of the scenario still writes there); a harness killed
 * by SIGKILL cannot, so the next harness sweeps the folders of harnesses
 * that are gone (their pid is in the name).  A plain user's actors of
 * other ids (subid.h) leave files it cannot remove: it removes those as
 * root of a user namespace where their ids are mapped. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "scratch.h"
#include "subid.h"

#define SCRATCH_PREFIX "shmlife-"

/* The harness pid in "shmlife-<pid>-...", or 0 if the name is not a scratch folder's. */
static pid_t owner_of(const char *name)
{
	if (strncmp(name, SCRATCH_PREFIX, strlen(SCRATCH_PREFIX)) != 0)
		return 0;
	const char *digits = name + strlen(SCRATCH_PREFIX);
	if (*digits < '1' || *digits > '9')
		return 0;
	char *end;
	long pid = strtol(digits, &end, 10);
	return pid > 0 && *end == '-' && strlen(end) > 7 ? (pid_t)pid : 0;
}

static const char *root_or_default(const char *root)
{
	if (root && *root)
		return root;
	const char *t = getenv("TMPDIR");
	return t && *t == '/' ? t : "/tmp";
}

int sl_scratch_make(const char *root, const char *scenario, char *path, size_t len)
{
	char name[48];
	size_t n = 0;
	for (const char *c = scenario ? scenario : "scenario"; *c && n < sizeof(name) - 1; c++)
		name[n++] = (char)((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
					   *c == '-' || *c == '_'
				   ? *c
				   : '_');
	name[n] = '\0';
	int k = snprintf(path, len, "%s/" SCRATCH_PREFIX "%d-%s-XXXXXX", root_or_default(root), (int)getpid(), name);
	if (k < 0 || (size_t)k >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (!mkdtemp(path))
		return -1;
	if (chmod(path, 01777) < 0) {
		int saved = errno;
		rmdir(path);
		errno = saved;
		return -1;
	}
	return 0;
}

int sl_scratch_keep(const char *path, char *kept, size_t len)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	pid_t pid = owner_of(base);
	const char *rest = pid ? strchr(base + strlen(SCRATCH_PREFIX), '-') : NULL;
	if (!rest) {
		errno = EINVAL;
		return -1;
	}
	int k = snprintf(kept, len, "%.*s" SCRATCH_PREFIX "kept%s", (int)(base - path), path, rest);
	if (k < 0 || (size_t)k >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return rename(path, kept);
}

/* Empties the directory dirfd (which it closes) and everything under it,
 * depth first, not following links, and not entering a directory of
 * another file system than dev (a mount left there).  Directories are
 * compared, not files: on an overlay whose layers are on two file systems
 * a file shows its layer's st_dev, not the overlay's. */
static int empty_dir(int dirfd, dev_t dev, int depth)
{
	DIR *d = fdopendir(dirfd);
	if (!d) {
		close(dirfd);
		return -1;
	}
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		struct stat st;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			rc = errno == ENOENT ? rc : -1;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			int sub = st.st_dev == dev && depth < 256
					  ? openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
					  : -1;
			if (sub < 0 || empty_dir(sub, dev, depth + 1) < 0 ||
			    (unlinkat(dirfd, e->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT))
				rc = -1;
		} else if (unlinkat(dirfd, e->d_name, 0) < 0 && errno != ENOENT) {
			rc = -1;
		}
	}
	closedir(d);
	return rc;
}

static int remove_tree(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		return errno == ENOENT ? 0 : -1;
	}
	int rc = empty_dir(fd, st.st_dev, 0);
	if (rmdir(path) < 0 && errno != ENOENT)
		return -1;
	return rc;
}

/* Reads one byte, or 0 at EOF: the other side's "go on". */
static int await_byte(int fd)
{
	char c;
	ssize_t n;
	while ((n = read(fd, &c, 1)) < 0 && errno == EINTR)
		;
	return n == 1;
}

/* A plain user whose actors were other ids (subid.h) cannot remove what
 * they left in folders of their own: a child does, as root of a user
 * namespace where those ids are mapped as they were in the scenario's.
 * 0, or -1 with errno (EPERM: no ids to map, or it could not). */
static int remove_tree_as_mapped(const char *path)
{
	struct sl_subids ids;
	char why[400];
	int ready[2], go[2];
	if (sl_subids_find(1, &ids, why, sizeof(why)) < 0) {
		errno = EPERM;
		return -1;
	}
	if (pipe2(ready, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(go, O_CLOEXEC) < 0) {
		int saved = errno;
		close(ready[0]);
		close(ready[1]);
		errno = saved;
		return -1;
	}
	pid_t pid = sl_child_fork(0);
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		if (unshare(CLONE_NEWUSER) < 0 || write(ready[1], "u", 1) != 1)
			_exit(2);
		close(ready[1]);
		_exit(await_byte(go[0]) && remove_tree(path) == 0 ? 0 : 1);
	}
	close(ready[1]);
	close(go[0]);
	int ok = pid > 0 && await_byte(ready[0]) && sl_subids_map(pid, &ids, why, sizeof(why)) == 0;
	if (ok && write(go[1], "g", 1) != 1)
		ok = 0;
	close(ready[0]);
	close(go[1]); /* EOF without "g": it ends without removing */
	int st = 0;
	if (pid > 0 && sl_child_wait(pid, &st) < 0)
		ok = 0;
	if (pid > 0 && ok && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	errno = EPERM;
	return -1;
}

int sl_scratch_remove(const char *path)
{
	if (remove_tree(path) == 0)
		return 0;
	int saved = errno;
	if (geteuid() != 0 && remove_tree_as_mapped(path) == 0)
		return 0;
	errno = saved;
	return -1;
}

int sl_scratch_sweep(const char *root)
{
	const char *dir = root_or_default(root);
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int removed = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		pid_t pid = owner_of(e->d_name);
		if (!pid || pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH)
			continue; /* not one, ours, or its harness may still run */
		struct stat st;
		char path[4096];
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path) ||
		    lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
			continue; /* only a folder we could have made */
		removed += sl_scratch_remove(path) == 0;
	}
	closedir(d);
	return removed;
}
