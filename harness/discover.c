/* discover.c - finding scenario scripts: the FILES and DIRS of a command
 * line (directories searched recursively for *.scn, hidden entries
 * skipped), or the default catalog; sorted by path, each once. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_util.h"
#include "discover.h"

#define MAX_DEPTH 32                     /* deeper directories are not searched */

/* The directories above the one being searched: a directory found again
 * below itself (through a symbolic link) is a loop, and is not searched. */
struct ancestor {
	dev_t dev;
	ino_t ino;
	const struct ancestor *up;
};

static int is_ancestor(const struct ancestor *a, const struct stat *st)
{
	for (; a; a = a->up)
		if (a->dev == st->st_dev && a->ino == st->st_ino)
			return 1;
	return 0;
}

static int add_path(struct path_list *l, const char *path)
{
	if (l->n == l->cap) {
		int ncap = l->cap ? l->cap * 2 : 32;
		char **nv = realloc(l->v, (size_t)ncap * sizeof(*nv));
		if (!nv)
			return -1;
		l->v = nv;
		l->cap = ncap;
	}
	if (!(l->v[l->n] = strdup(path)))
		return -1;
	l->n++;
	return 0;
}

void path_list_free(struct path_list *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int is_script_name(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && strcmp(name + n - 4, ".scn") == 0;
}

static int walk(const char *cmd, const char *dir, const struct ancestor *self, int depth, struct path_list *out)
{
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (depth > MAX_DEPTH)
		return 0;
	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "shmlife %s: %s: %s\n", cmd, dir, strerror(errno));
		return -1;
	}
	while (rc == 0 && (e = readdir(d))) {
		char *path;
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0) {
			rc = -1;
			break;
		}
		if (stat(path, &st) < 0)
			; /* a dangling link: not a script */
		else if (S_ISDIR(st.st_mode) && !is_ancestor(self, &st)) {
			struct ancestor below = { st.st_dev, st.st_ino, self };
			rc = walk(cmd, path, &below, depth + 1, out);
		} else if (S_ISREG(st.st_mode) && is_script_name(e->d_name))
			rc = add_path(out, path);
		free(path);
	}
	closedir(d);
	return rc;
}

static int add_arg(const char *cmd, const char *arg, struct path_list *out)
{
	struct stat st;
	size_t len = strlen(arg);
	char *trimmed;
	int rc;

	if (stat(arg, &st) < 0) {
		fprintf(stderr, "shmlife %s: %s: %s\n", cmd, arg, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return add_path(out, arg);
	while (len > 1 && arg[len - 1] == '/')
		len--;
	trimmed = strndup(arg, len);
	if (!trimmed)
		return -1;
	struct ancestor top = { st.st_dev, st.st_ino, NULL };
	rc = walk(cmd, trimmed, &top, 0, out);
	free(trimmed);
	return rc;
}

static int compare_paths(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sort_unique(struct path_list *l)
{
	int kept = 0;
	if (l->n > 1) /* an empty list may have no array at all: qsort(NULL) is undefined */
		qsort(l->v, (size_t)l->n, sizeof(*l->v), compare_paths);
	for (int i = 0; i < l->n; i++) {
		if (kept && strcmp(l->v[kept - 1], l->v[i]) == 0)
			free(l->v[i]);
		else
			l->v[kept++] = l->v[i];
	}
	l->n = kept;
}

static int add_default_catalog(const char *cmd, struct path_list *out)
{
	const char *env = getenv("SHMLIFE_CATALOG");
	char *list, *save = NULL;
	int rc = 0;

	if (!env || !*env) {
		struct stat st;
		if (stat(DEFAULT_CATALOG, &st) < 0) {
			fprintf(stderr, "shmlife %s: no scripts named and no ./%s here (give FILES or DIRS, "
				"or set SHMLIFE_CATALOG)\n", cmd, DEFAULT_CATALOG);
			return -1;
		}
		return add_arg(cmd, DEFAULT_CATALOG, out);
	}
	list = strdup(env);
	if (!list)
		return -1;
	for (char *p = strtok_r(list, ":", &save); p && rc == 0; p = strtok_r(NULL, ":", &save))
		rc = add_arg(cmd, p, out);
	free(list);
	return rc;
}

int discover_scripts(const char *cmd, char *const *args, int nargs, struct path_list *out)
{
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (nargs == 0)
		rc = add_default_catalog(cmd, out);
	for (int i = 0; i < nargs && rc == 0; i++)
		rc = add_arg(cmd, args[i], out);
	if (rc) {
		int own = cli_errno_is_own(errno);
		if (errno == ENOMEM)
			fprintf(stderr, "shmlife %s: out of memory\n", cmd);
		path_list_free(out);
		return own ? -2 : -1;
	}
	sort_unique(out);
	return 0;
}
