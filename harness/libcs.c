/* libcs.c - the C libraries of a run's actors (libcs.h): parsing --libc,
 * finding each lean actor, the other libcs' runs as columns. */
#define _GNU_SOURCE
#include <errno.h>
#include <gnu/libc-version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "cli_util.h"
#include "libcs.h"
#include "runner.h"

#ifndef SHMLIFE_MUSL_VERSION
#define SHMLIFE_MUSL_VERSION "?"
#endif

const char *libcs_label(const char *name)
{
	static char glibc[32];
	if (strcmp(name, "musl") == 0)
		return "musl " SHMLIFE_MUSL_VERSION;
	snprintf(glibc, sizeof(glibc), "glibc %s", gnu_get_libc_version());
	return glibc;
}

int libcs_parse(const char *cmd, const char *list, struct libcs *l)
{
	memset(l, 0, sizeof(*l));
	char *copy = strdup(list), *save = NULL;
	if (!copy) {
		fprintf(stderr, "shmlife %s: out of memory\n", cmd);
		return -1;
	}
	int rc = 0;
	for (char *name = strtok_r(copy, ",", &save); name && rc == 0; name = strtok_r(NULL, ",", &save)) {
		if (strcmp(name, "glibc") != 0 && strcmp(name, "musl") != 0) {
			cli_usage_error(cmd, "--libc names glibc or musl (comma-separated), not '%s'", name);
			rc = -1;
			break;
		}
		for (int i = 0; i < l->n; i++)
			if (strcmp(l->names[i], name) == 0) {
				cli_usage_error(cmd, "--libc names %s twice", name);
				rc = -1;
			}
		if (rc == 0 && l->n == LIBCS_MAX) {
			cli_usage_error(cmd, "--libc names more than %d libraries", LIBCS_MAX);
			rc = -1;
		}
		if (rc)
			break;
		snprintf(l->names[l->n], sizeof(l->names[0]), "%s", name);
		if (strcmp(name, "glibc") != 0 &&
		    sl_lean_actor_find(name, l->programs[l->n], sizeof(l->programs[0])) < 0) {
			cli_usage_error(cmd,
					"--libc %s: its actor (%s/shmlife-actor) is not built: install musl-gcc "
					"(Debian: musl-tools) and build again (docs/libc.md)",
					name, name);
			rc = -1;
		}
		l->n++;
	}
	if (rc == 0 && l->n == 0) {
		cli_usage_error(cmd, "--libc wants glibc, musl or both, comma-separated");
		rc = -1;
	}
	free(copy);
	return rc;
}

enum sl_libc libcs_libc(const struct libcs *l, int i)
{
	enum sl_libc libc = SL_LIBC_GLIBC;
	if (i < l->n)
		sl_libc_from_name(l->names[i], &libc);
	return libc;
}

const char *libcs_program(const struct libcs *l, int i)
{
	return i < l->n && l->programs[i][0] ? l->programs[i] : NULL;
}

int libcs_run_columns(struct libcs *l, const struct sl_report_item *items, int n, int jobs,
		      const struct sl_run_options *base)
{
	struct utsname u;
	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "?");
	for (int k = 1; k < l->n; k++) {
		struct sl_report_column *c = &l->columns[k];
		snprintf(c->name, sizeof(c->name), "%s", libcs_label(l->names[k]));
		snprintf(c->kernel, sizeof(c->kernel), "%s", u.release);
		snprintf(c->version, sizeof(c->version), "%s", u.version);
		snprintf(c->libc, sizeof(c->libc), "%s", libcs_label(l->names[k]));
		snprintf(c->how, sizeof(c->how), "this machine, the actors' calls through %s (static)",
			 libcs_label(l->names[k]));
		l->items[k] = calloc((size_t)n + 1, sizeof(*l->items[k]));
		if (!l->items[k]) {
			c->broken = "out of memory";
			continue;
		}
		for (int i = 0; i < n; i++) {
			l->items[k][i].scenario = items[i].scenario;
			l->items[k][i].repeat = items[i].repeat;
		}
		l->nitems[k] = n;
		struct sl_run_options o = *base;
		o.actor_program = libcs_program(l, k);
		o.libc = libcs_libc(l, k);
		int sig = runner_run(l->items[k], n, jobs, &o, NULL);
		c->items = l->items[k];
		c->n = n;
		if (sig)
			return sig;
	}
	return 0;
}

void libcs_list(const struct libcs *l, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; i < l->n; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? "," : "", l->names[i]);
}

struct sl_report_column *libcs_join_columns(const struct libcs *l, const struct sl_report_column *kernels,
					    int nkernels, int *n)
{
	struct sl_report_column *all = calloc((size_t)(l->n + nkernels + 1), sizeof(*all));
	*n = 0;
	for (int k = 1; all && k < l->n; k++)
		all[(*n)++] = l->columns[k];
	for (int k = 0; all && k < nkernels; k++)
		all[(*n)++] = kernels[k];
	return all;
}

void libcs_free(struct libcs *l)
{
	for (int k = 0; k < LIBCS_MAX; k++)
		sl_report_items_free(l->items[k], l->nitems[k]);
	memset(l, 0, sizeof(*l));
}
