/* catalog.c - the scenarios of a command line: every script found is
 * parsed, every error printed (`file:line:col: message`), names checked to
 * be unique; and selection by name/tag pattern. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli_util.h"
#include "discover.h"
#include "shmlife/parse.h"
#include "shmlife/run.h"

void catalog_free(struct catalog *c)
{
	for (int i = 0; i < c->n; i++)
		sl_scenario_free(c->v[i]);
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

/* Two scripts may not hold scenarios of the same name: reports and `show`
 * name scenarios by it.  Prints each clash; returns how many. */
static int report_duplicates(const struct catalog *c)
{
	int clashes = 0;
	for (int i = 0; i < c->n; i++)
		for (int j = 0; j < i && c->v[i]; j++) {
			if (!c->v[j] || strcmp(c->v[i]->name, c->v[j]->name))
				continue;
			fprintf(stderr, "%s:%d:1: scenario '%s' is also defined in %s:%d\n",
				c->v[i]->file, c->v[i]->line, c->v[i]->name, c->v[j]->file, c->v[j]->line);
			clashes++;
			break;
		}
	return clashes;
}

static int parse_all(const char *cmd, const struct path_list *paths, struct catalog *c)
{
	struct sl_diags diags = { 0 };
	int failed = 0;

	for (int i = 0; i < paths->n; i++) {
		struct sl_scenario *s = sl_parse_file(paths->v[i], &diags);
		if (!s) {
			failed = 1;
			continue;
		}
		if (!s->file && !(s->file = strdup(paths->v[i]))) {
			sl_scenario_free(s);
			fprintf(stderr, "shmlife %s: out of memory\n", cmd);
			diags.own_failure = 1;
			failed = 1;
			break;
		}
		c->v[c->n++] = s;
	}
	if (diags.n)
		sl_diags_print(&diags, stderr);
	if (failed && !diags.n)
		fprintf(stderr, "shmlife %s: a script could not be read\n", cmd);
	/* out of memory, a failed read, or a diagnostic that could not even be
	 * recorded: the harness's failure, not the script's */
	int own = diags.own_failure || (failed && !diags.n);
	sl_diags_free(&diags);
	return failed ? (own ? -2 : -1) : 0;
}

int catalog_load(const char *cmd, char *const *args, int nargs, struct catalog *c)
{
	struct path_list paths;

	memset(c, 0, sizeof(*c));
	int found = discover_scripts(cmd, args, nargs, &paths);
	if (found)
		return found;
	c->v = calloc((size_t)(paths.n ? paths.n : 1), sizeof(*c->v));
	if (!c->v) {
		fprintf(stderr, "shmlife %s: out of memory\n", cmd);
		path_list_free(&paths);
		return -2;
	}
	int rc = parse_all(cmd, &paths, c);
	if (rc == 0 && report_duplicates(c))
		rc = -1;
	path_list_free(&paths);
	if (rc)
		catalog_free(c);
	return rc;
}

int catalog_matches(const struct sl_scenario *s, char *const *patterns, int npatterns)
{
	if (npatterns == 0)
		return 1;
	for (int i = 0; i < npatterns; i++) {
		if (fnmatch(patterns[i], s->name, 0) == 0)
			return 1;
		for (int t = 0; t < s->ntags; t++)
			if (fnmatch(patterns[i], s->tags[t], 0) == 0)
				return 1;
	}
	return 0;
}

const struct sl_scenario *catalog_find(const struct catalog *c, const char *name)
{
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->v[i]->name, name) == 0)
			return c->v[i];
	return NULL;
}

int catalog_require_sandbox(const char *cmd)
{
	char why[256];
	int rc = sl_sandbox_probe(why, sizeof(why));
	if (rc == 0)
		return 0;
	if (rc == -2) { /* the harness's own failure, not the machine's */
		fprintf(stderr, "shmlife %s: %s\n", cmd, why);
		return -2;
	}
	fprintf(stderr, "shmlife %s: this machine cannot run scenarios: %s; run as root, in a "
		"--privileged container, or allow unprivileged user namespaces "
		"(sysctl user.max_user_namespaces > 0, kernel.unprivileged_userns_clone = 1)\n", cmd, why);
	return -1;
}

int catalog_run_selection(const char *cmd, struct sl_report_item *items, int n,
			  int (*run)(const void *args, struct sl_report_item *items, int n), const void *args)
{
	if (!items) {
		fprintf(stderr, "shmlife %s: out of memory\n", cmd);
		return EXIT_BROKEN;
	}
	if (n == 0)
		fprintf(stderr, "shmlife %s: no scenario selected\n", cmd);
	int sandbox = n > 0 ? catalog_require_sandbox(cmd) : 0;
	if (sandbox) {
		free(items);
		return sandbox == -2 ? EXIT_BROKEN : EXIT_NO_SANDBOX;
	}
	int rc = run(args, items, n);
	for (int i = 0; i < n; i++)
		sl_result_free(&items[i].result);
	free(items);
	return rc;
}
