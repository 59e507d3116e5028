/* scratch.c - a scenario's scratch folder (scratch.h).  The harness makes
 * it before the conductor starts and removes it after the conductor has
 * ended (so nothing of the scenario still writes there); a harness killed
 * by SIGKILL cannot, so the next harness sweeps the folders of harnesses
 * that are gone (their pid is in the name). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratch.h"

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

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	int rc = flag == FTW_DP ? rmdir(path) : unlink(path);
	return rc < 0 && errno != ENOENT ? -1 : 0;
}

int sl_scratch_remove(const char *path)
{
	/* depth first, not following links, not crossing into another file system */
	return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) != 0 ? -1 : 0;
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
